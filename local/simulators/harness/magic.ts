/**
 * Deterministic "magic recipients": a table mapping recipient patterns (exact numbers/addresses or
 * regexes) to named outcomes. Simulators consult it to choose a failure path, the way Twilio's test
 * credentials treat +15005550001 as an invalid number.
 *
 * Resolution order: per-test overrides (newest first), then exact defaults, then regex defaults in
 * declaration order, then the table's fallback outcome.
 */

export interface MagicRule<O extends string> {
  /** Exact recipient (compared after `normalize`) or a regex tested against the normalised recipient. */
  readonly match: string | RegExp;
  readonly outcome: O;
  /** Shown on the console and in docs. */
  readonly note?: string;
}

export interface MagicTableOptions<O extends string> {
  readonly fallback: O;
  readonly rules: readonly MagicRule<O>[];
  /** Canonical form of a recipient before matching; default trims (emails: also lower-case). */
  readonly normalize?: (recipient: string) => string;
}

export interface MagicResolution<O extends string> {
  readonly outcome: O;
  /** The rule that matched, or null for the fallback. */
  readonly rule: MagicRule<O> | null;
  readonly source: 'override' | 'default' | 'fallback';
}

export const normalizeEmail = (recipient: string): string => recipient.trim().toLowerCase();
/** Keeps `+` and digits only, so "+1 (555) 000-0001" and "+15550000001" are the same number. */
export const normalizePhone = (recipient: string): string => recipient.replace(/[^+\d]/g, '');

export class MagicTable<O extends string> {
  readonly fallback: O;
  readonly #defaults: readonly MagicRule<O>[];
  readonly #exact = new Map<string, MagicRule<O>>();
  readonly #patterns: MagicRule<O>[] = [];
  readonly #normalize: (recipient: string) => string;
  #overrides: MagicRule<O>[] = [];

  constructor(options: MagicTableOptions<O>) {
    this.fallback = options.fallback;
    this.#defaults = options.rules;
    this.#normalize = options.normalize ?? ((r: string): string => r.trim());
    for (const rule of options.rules) {
      if (typeof rule.match === 'string') {
        const key = this.#normalize(rule.match);
        if (!this.#exact.has(key)) this.#exact.set(key, rule);
      } else {
        this.#patterns.push(rule);
      }
    }
  }

  resolve(recipient: string): MagicResolution<O> {
    const key = this.#normalize(recipient);
    for (let i = this.#overrides.length - 1; i >= 0; i -= 1) {
      const rule = this.#overrides[i];
      if (rule && this.#matches(rule, key)) return { outcome: rule.outcome, rule, source: 'override' };
    }
    const exact = this.#exact.get(key);
    if (exact) return { outcome: exact.outcome, rule: exact, source: 'default' };
    for (const rule of this.#patterns) {
      if (rule.match instanceof RegExp && testRegex(rule.match, key)) return { outcome: rule.outcome, rule, source: 'default' };
    }
    return { outcome: this.fallback, rule: null, source: 'fallback' };
  }

  outcomeFor(recipient: string): O {
    return this.resolve(recipient).outcome;
  }

  /**
   * Adds rules that win over the defaults (e.g. for one test). Returns a function that removes
   * exactly these rules again.
   */
  override(rules: MagicRule<O> | readonly MagicRule<O>[]): () => void {
    const added: MagicRule<O>[] = Array.isArray(rules) ? [...(rules as readonly MagicRule<O>[])] : [rules as MagicRule<O>];
    this.#overrides.push(...added);
    return () => {
      this.#overrides = this.#overrides.filter((r) => !added.includes(r));
    };
  }

  /** Drops every override; defaults stay. */
  resetOverrides(): void {
    this.#overrides = [];
  }

  /** Overrides (newest first) then defaults, for the console and docs. */
  list(): { match: string; outcome: O; note: string; source: 'override' | 'default' }[] {
    const show = (rule: MagicRule<O>, source: 'override' | 'default'): { match: string; outcome: O; note: string; source: 'override' | 'default' } => ({
      match: typeof rule.match === 'string' ? rule.match : String(rule.match),
      outcome: rule.outcome,
      note: rule.note ?? '',
      source,
    });
    return [...[...this.#overrides].reverse().map((r) => show(r, 'override')), ...this.#defaults.map((r) => show(r, 'default'))];
  }

  #matches(rule: MagicRule<O>, key: string): boolean {
    return typeof rule.match === 'string' ? this.#normalize(rule.match) === key : testRegex(rule.match, key);
  }
}

/** Global/sticky regexes keep `lastIndex` between calls; reset it so matching stays deterministic. */
function testRegex(re: RegExp, value: string): boolean {
  re.lastIndex = 0;
  return re.test(value);
}
