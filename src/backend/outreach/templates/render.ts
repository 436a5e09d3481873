/**
 * Rendering a template for one recipient, with per-channel escaping and the missing-value rule:
 * recipient value → inline default `{{name|…}}` → campaign default → the variable's fallback →
 * otherwise the recipient is blocked ("missing firstName").
 */
import { templateVariable, type TemplateChannel, type TemplateValues, type TemplateVariableName } from '../variables';
import { assertNever, parseTemplate, validateTemplate, type TemplateProblem } from './parse';

export interface RenderTemplateInput {
  readonly template: string;
  readonly channel: TemplateChannel;
  readonly values: TemplateValues;
  /** Campaign-level defaults per variable, used when the recipient has no value and the placeholder has no inline default. */
  readonly defaults?: TemplateValues;
}

export type RenderResult =
  | {
      readonly ok: true;
      readonly text: string;
      /** Variables whose value came from a default or fallback instead of the recipient. */
      readonly defaulted: readonly TemplateVariableName[];
    }
  | {
      readonly ok: false;
      /** Variables with no value and no default: the recipient is blocked. Empty when the template itself is broken. */
      readonly missing: readonly string[];
      /** For the block record, e.g. "missing firstName". */
      readonly reason: string;
      /** The template's errors, when it did not validate. */
      readonly problems?: readonly TemplateProblem[];
    };

export function renderTemplate(input: RenderTemplateInput): RenderResult {
  return compileTemplate(input.template, input.channel).render(input.values, input.defaults);
}

/** A template validated and tokenised once, rendered for many recipients. */
export interface CompiledTemplate {
  render(values: TemplateValues, defaults?: TemplateValues): RenderResult;
}

/** Recently compiled templates by channel and text: a campaign renders one template (or a few variants) thousands of times. */
const compiled = new Map<string, CompiledTemplate>();
const COMPILED_KEPT = 128;

/** The template checked and parsed once (cached by channel and text); its `render` follows {@link renderTemplate}. */
export function compileTemplate(template: string, channel: TemplateChannel): CompiledTemplate {
  const key = `${channel}\u0000${template}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const made = compile(template, channel);
  if (compiled.size >= COMPILED_KEPT) {
    const oldest = compiled.keys().next();
    if (!oldest.done) compiled.delete(oldest.value);
  }
  compiled.set(key, made);
  return made;
}

function compile(template: string, channel: TemplateChannel): CompiledTemplate {
  const errors = validateTemplate(template, channel).filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    const broken: RenderResult = { ok: false, missing: [], reason: `template error: ${errors.map((e) => e.message).join(' ')}`, problems: errors };
    return { render: () => broken };
  }
  const tokens = parseTemplate(template);
  return {
    render(values: TemplateValues, defaults?: TemplateValues): RenderResult {
      const missing: string[] = [];
      const defaulted: TemplateVariableName[] = [];
      let out = '';
      for (const token of tokens) {
        switch (token.kind) {
          case 'text':
            out += token.text;
            break;
          case 'malformed':
            // validateTemplate reported every malformed token as an error above.
            return { ok: false, missing: [], reason: `template error near "${token.raw}"` };
          case 'variable': {
            const name = token.name as TemplateVariableName; // validated above
            const resolved = resolveVariableValue(name, values, token.defaultText, defaults);
            if (resolved === null) {
              if (!missing.includes(name)) missing.push(name);
              break;
            }
            if (resolved.defaulted && !defaulted.includes(name)) defaulted.push(name);
            out += escapeValue(resolved.value, channel);
            break;
          }
          default:
            return assertNever(token);
        }
      }
      if (missing.length > 0) return { ok: false, missing, reason: `missing ${missing.join(', ')}` };
      return { ok: true, text: out, defaulted };
    },
  };
}

/**
 * One placeholder's value by the missing-value rule (recipient → inline default → campaign default →
 * fallback), unescaped; `null` when it has none (the recipient is blocked). For senders that render
 * one parsed template for many recipients.
 */
export function resolveVariableValue(name: TemplateVariableName, values: TemplateValues, defaultText: string | null, defaults?: TemplateValues): { readonly value: string; readonly defaulted: boolean } | null {
  const own = present(values[name]);
  const value = own ?? defaultText ?? present(defaults?.[name]) ?? templateVariable(name).fallback;
  return value === undefined ? null : { value, defaulted: own === undefined };
}

/** A usable value: trimmed, and `undefined` when absent or blank. */
function present(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Values (and inline defaults) are data, never markup: HTML-escaped in email HTML; line breaks
 * replaced by spaces in subjects (no header folding or injection); as-is in plain-text channels.
 * The template's own text is never escaped, so its HTML is kept as written.
 */
export function escapeValue(value: string, channel: TemplateChannel): string {
  switch (channel) {
    case 'email_html':
      return escapeHtml(value);
    case 'email_subject':
      return singleLine(value);
    case 'sms':
    case 'email_text':
    case 'voicemail_script':
      return value;
    default:
      return assertNever(channel);
  }
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes the five HTML-significant characters; safe in element content and quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** CR, LF, NEL and the Unicode line/paragraph separators, in runs, become one space. */
export function singleLine(value: string): string {
  return value.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ');
}
