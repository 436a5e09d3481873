/**
 * Template syntax: `{{name}}` or `{{name|default text}}`, whitespace inside the braces ignored
 * (`{{ firstName | there }}`). Names are letters and digits starting with a letter. Single braces
 * are ordinary text; `{{` always opens a placeholder and must be closed by `}}` before the next `{{`.
 */
import {
  TEMPLATE_VARIABLES,
  isTemplateVariableName,
  templateVariable,
  type TemplateChannel,
  type TemplateVariableName,
} from '../variables';

export type TemplateToken =
  | { readonly kind: 'text'; readonly text: string; readonly start: number; readonly end: number }
  | {
      readonly kind: 'variable';
      /** The name as written (may be unknown: validation reports it). */
      readonly name: string;
      /** Inline default after `|`, trimmed; `null` when there is no `|`. */
      readonly defaultText: string | null;
      /** The placeholder exactly as written, braces included. */
      readonly raw: string;
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly kind: 'malformed';
      readonly problem: 'unclosed' | 'unopened' | 'empty' | 'invalid_name';
      readonly raw: string;
      readonly start: number;
      readonly end: number;
    };

export type TemplateProblemCode =
  | 'unknown_variable'
  | 'not_allowed_in_channel'
  | 'unclosed_placeholder'
  | 'unopened_placeholder'
  | 'empty_placeholder'
  | 'invalid_variable_name'
  | 'line_break_in_subject'
  | 'empty_template';

export interface TemplateProblem {
  readonly severity: 'error' | 'warning';
  readonly code: TemplateProblemCode;
  readonly message: string;
  /** UTF-16 offsets of the offending text, for highlighting. */
  readonly start: number;
  readonly end: number;
  readonly variable?: string;
  /** The closest known variable name, for "did you mean". */
  readonly suggestion?: TemplateVariableName;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export function parseTemplate(text: string): TemplateToken[] {
  const tokens: TemplateToken[] = [];
  let textStart = 0;
  let i = 0;
  const pushText = (end: number): void => {
    if (end > textStart) tokens.push({ kind: 'text', text: text.slice(textStart, end), start: textStart, end });
  };
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    const strayClose = text.indexOf('}}', i);
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      pushText(strayClose);
      tokens.push({ kind: 'malformed', problem: 'unopened', raw: '}}', start: strayClose, end: strayClose + 2 });
      i = textStart = strayClose + 2;
      continue;
    }
    if (open === -1) break;
    const close = text.indexOf('}}', open + 2);
    const nextOpen = text.indexOf('{{', open + 2);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      pushText(open);
      const end = nextOpen === -1 ? text.length : nextOpen;
      tokens.push({ kind: 'malformed', problem: 'unclosed', raw: text.slice(open, end), start: open, end });
      i = textStart = end;
      continue;
    }
    pushText(open);
    const end = close + 2;
    tokens.push(placeholderToken(text.slice(open, end), open, end));
    i = textStart = end;
  }
  pushText(text.length);
  return tokens;
}

function placeholderToken(raw: string, start: number, end: number): TemplateToken {
  const inner = raw.slice(2, -2);
  const bar = inner.indexOf('|');
  const name = (bar === -1 ? inner : inner.slice(0, bar)).trim();
  const defaultText = bar === -1 ? null : inner.slice(bar + 1).trim();
  if (name === '') return { kind: 'malformed', problem: 'empty', raw, start, end };
  if (!NAME.test(name)) return { kind: 'malformed', problem: 'invalid_name', raw, start, end };
  return { kind: 'variable', name, defaultText, raw, start, end };
}

/**
 * Everything wrong with a template for one channel. Errors make saving fail (the services call
 * this before they store a template); warnings are shown but don't block.
 */
export function validateTemplate(text: string, channel: TemplateChannel): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (text.trim() === '') {
    problems.push({ severity: 'error', code: 'empty_template', message: 'The template is empty.', start: 0, end: text.length });
  }
  for (const token of parseTemplate(text)) {
    switch (token.kind) {
      case 'text':
        if (channel === 'email_subject' && /[\r\n]/.test(token.text)) {
          problems.push({ severity: 'error', code: 'line_break_in_subject', message: 'A subject line cannot contain line breaks.', start: token.start, end: token.end });
        }
        break;
      case 'malformed':
        problems.push(malformedProblem(token));
        break;
      case 'variable':
        problems.push(...variableProblems(token, channel));
        break;
      default:
        return assertNever(token);
    }
  }
  return problems;
}

function malformedProblem(token: Extract<TemplateToken, { kind: 'malformed' }>): TemplateProblem {
  const at = { start: token.start, end: token.end };
  switch (token.problem) {
    case 'unclosed':
      return { severity: 'error', code: 'unclosed_placeholder', message: `"${clip(token.raw)}" opens a placeholder with {{ but never closes it with }}.`, ...at };
    case 'unopened':
      return { severity: 'error', code: 'unopened_placeholder', message: 'Found }} without a matching {{.', ...at };
    case 'empty':
      return { severity: 'error', code: 'empty_placeholder', message: `"${token.raw}" has no variable name.`, ...at };
    case 'invalid_name': {
      const suggestion = closestVariableName(token.raw.slice(2, -2).split('|')[0] ?? '');
      return {
        severity: 'error',
        code: 'invalid_variable_name',
        message: `"${token.raw}" is not a valid placeholder: names are letters and digits, like {{firstName}}.${didYouMean(suggestion)}`,
        ...at,
        ...(suggestion ? { suggestion } : {}),
      };
    }
    default:
      return assertNever(token.problem);
  }
}

function variableProblems(token: Extract<TemplateToken, { kind: 'variable' }>, channel: TemplateChannel): TemplateProblem[] {
  const at = { start: token.start, end: token.end, variable: token.name };
  if (!isTemplateVariableName(token.name)) {
    const suggestion = closestVariableName(token.name);
    return [
      {
        severity: 'error',
        code: 'unknown_variable',
        message: `Unknown variable "${token.name}".${didYouMean(suggestion)}`,
        ...at,
        ...(suggestion ? { suggestion } : {}),
      },
    ];
  }
  const spec = templateVariable(token.name);
  if (!spec.channels.includes(channel)) {
    return [
      {
        severity: 'error',
        code: 'not_allowed_in_channel',
        message: `{{${token.name}}} can't be used in ${CHANNEL_LABEL[channel]}; it is for ${spec.channels.map((c) => CHANNEL_LABEL[c]).join(', ')}.`,
        ...at,
      },
    ];
  }
  return [];
}

export const CHANNEL_LABEL: Readonly<Record<TemplateChannel, string>> = {
  sms: 'SMS',
  email_html: 'email (HTML)',
  email_text: 'email (plain text)',
  email_subject: 'email subjects',
  voicemail_script: 'voicemail scripts',
};

/** The known name closest to `name`: same letters ignoring case/underscores, else the nearest by edit distance. */
export function closestVariableName(name: string): TemplateVariableName | undefined {
  const wanted = normalizeName(name);
  if (wanted === '') return undefined;
  let best: TemplateVariableName | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const v of TEMPLATE_VARIABLES) {
    const candidate = normalizeName(v.name);
    if (candidate === wanted) return v.name;
    const distance = editDistance(wanted, candidate);
    if (distance < bestDistance) {
      best = v.name;
      bestDistance = distance;
    }
  }
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function normalizeName(name: string): string {
  return name.replace(/[\s_-]/g, '').toLowerCase();
}

/** Levenshtein distance with adjacent transpositions counting 1 (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      d[i * cols + j] = value;
    }
  }
  return at(a.length, b.length);
}

function didYouMean(suggestion: TemplateVariableName | undefined): string {
  return suggestion ? ` Did you mean {{${suggestion}}}?` : '';
}

function clip(text: string): string {
  return text.length > 30 ? `${text.slice(0, 30)}…` : text;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
