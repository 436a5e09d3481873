/**
 * A bounded request log for simulators: what arrived, with secrets redacted, queryable by tests
 * and shown on the console page.
 */

/** Header names whose values never appear in the log (compared lower-case). */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'xi-api-key',
  'x-key',
  'x-secret',
  'x-auth-token',
]);

/** Body field names (form or JSON) whose values are redacted in previews (Drop Cowboy v1 puts its secret in the body). */
const SECRET_FIELD = /(secret|password|passwd|token|api[_-]?key|client[_-]?secret|authorization)/i;

export const REDACTED = '[redacted]';

/** A fixed-size ring buffer: oldest entries fall off once `capacity` is reached. */
export class RingBuffer<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #size = 0;
  #total = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('RingBuffer capacity must be a positive integer');
    this.#items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    const index = (this.#start + this.#size) % this.capacity;
    this.#items[index] = item;
    if (this.#size < this.capacity) this.#size += 1;
    else this.#start = (this.#start + 1) % this.capacity;
    this.#total += 1;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#size; i += 1) {
      const item = this.#items[(this.#start + i) % this.capacity];
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  get size(): number {
    return this.#size;
  }

  /** Everything ever pushed, including entries that have fallen off. */
  get totalPushed(): number {
    return this.#total;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#start = 0;
    this.#size = 0;
  }
}

export interface RequestLogEntry {
  readonly seq: number;
  /** Simulator clock, epoch ms. */
  readonly at: number;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: string;
  /** Lower-cased names; secret values replaced by `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /** First `previewBytes` of the body as text, secret fields redacted. */
  readonly bodyPreview: string;
  readonly bodyBytes: number;
  readonly status: number;
  /** Name of the matched route pattern, or null when nothing matched. */
  readonly route: string | null;
}

export interface RequestLogQuery {
  method?: string;
  /** Exact path or a RegExp over the path. */
  path?: string | RegExp;
  status?: number;
  sinceSeq?: number;
}

export function redactHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    if (SECRET_HEADERS.has(name)) {
      out[name] = redactAuthorizationValue(Array.isArray(value) ? value.join(', ') : value);
    } else {
      out[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return out;
}

/** Keeps the auth scheme ("Basic", "Bearer") so the log still shows which kind was used. */
function redactAuthorizationValue(value: string): string {
  const scheme = /^(Basic|Bearer|Digest|Token)\s/i.exec(value);
  return scheme?.[1] ? `${scheme[1]} ${REDACTED}` : REDACTED;
}

/** Redacts secret-looking fields of a JSON or form body, then truncates it for display. */
export function previewBody(raw: Buffer, contentType: string, previewBytes: number): string {
  if (raw.length === 0) return '';
  const text = raw.toString('utf8');
  let redacted = text;
  const type = contentType.toLowerCase();
  if (type.includes('json')) {
    redacted = redactJsonText(text);
  } else if (type.includes('x-www-form-urlencoded')) {
    const params = new URLSearchParams(text);
    const safe = new URLSearchParams();
    for (const [key, value] of params) safe.append(key, SECRET_FIELD.test(key) ? REDACTED : value);
    redacted = decodeForDisplay(safe.toString());
  }
  return redacted.length > previewBytes ? `${redacted.slice(0, previewBytes)}…` : redacted;
}

function decodeForDisplay(form: string): string {
  try {
    return decodeURIComponent(form.replace(/\+/g, ' '));
  } catch {
    return form;
  }
}

function redactJsonText(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(redactJsonValue(parsed));
}

function redactJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJsonValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = SECRET_FIELD.test(key) ? REDACTED : redactJsonValue(inner);
    return out;
  }
  return value;
}

/** The parts of an entry made only when the log is read (redaction and preview cost every request otherwise). */
type EntryDetail = Pick<RequestLogEntry, 'headers' | 'bodyPreview'>;

/** A recorded request: what the filters read, and its detail once someone read the entry. */
interface Recorded {
  readonly base: Omit<RequestLogEntry, keyof EntryDetail>;
  readonly detail: () => EntryDetail;
  full: RequestLogEntry | null;
}

export class RequestLog {
  readonly #buffer: RingBuffer<Recorded>;
  #seq = 0;

  constructor(capacity = 500) {
    this.#buffer = new RingBuffer<Recorded>(capacity);
  }

  record(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const { headers, bodyPreview, ...base } = entry;
    return this.#entry(this.#push(base, () => ({ headers, bodyPreview })));
  }

  /**
   * Records a request whose headers and body preview are made by `detail` when the entry is first
   * read (it holds the raw request until then, inside this process only; the log shows only what
   * `detail` makes).
   */
  recordLazily(base: Omit<RequestLogEntry, 'seq' | keyof EntryDetail>, detail: () => EntryDetail): void {
    this.#push(base, detail);
  }

  #push(base: Omit<RequestLogEntry, 'seq' | keyof EntryDetail>, detail: () => EntryDetail): Recorded {
    this.#seq += 1;
    const recorded: Recorded = { base: { ...base, seq: this.#seq }, detail, full: null };
    this.#buffer.push(recorded);
    return recorded;
  }

  #entry(r: Recorded): RequestLogEntry {
    if (r.full === null) {
      const { seq, ...rest } = r.base;
      const { headers, bodyPreview } = r.detail();
      r.full = { at: rest.at, method: rest.method, path: rest.path, query: rest.query, headers, bodyPreview, bodyBytes: rest.bodyBytes, status: rest.status, route: rest.route, seq };
    }
    return r.full;
  }

  /** Oldest first, filtered. */
  entries(query: RequestLogQuery = {}): RequestLogEntry[] {
    return this.#buffer
      .toArray()
      .filter(({ base: e }) => {
        if (query.method !== undefined && e.method !== query.method.toUpperCase()) return false;
        if (query.status !== undefined && e.status !== query.status) return false;
        if (query.sinceSeq !== undefined && e.seq <= query.sinceSeq) return false;
        if (query.path !== undefined) {
          if (typeof query.path === 'string' ? e.path !== query.path : !query.path.test(e.path)) return false;
        }
        return true;
      })
      .map((r) => this.#entry(r));
  }

  last(query: RequestLogQuery = {}): RequestLogEntry | undefined {
    const all = this.entries(query);
    return all[all.length - 1];
  }

  get totalRecorded(): number {
    return this.#buffer.totalPushed;
  }

  clear(): void {
    this.#buffer.clear();
  }
}
