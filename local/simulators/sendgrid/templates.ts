/**
 * A small template store for `template_id`: dynamic templates (`d-…`, Handlebars subset:
 * `{{var}}` escaped, `{{{var}}}` raw, dotted paths, `{{#if}}…{{else}}…{{/if}}`, `{{#unless}}`,
 * `{{#each list}}…{{this}}…{{/each}}`) and legacy templates (`<%subject%>` / `<%body%>` tags and
 * substitutions). A few built-in templates are there from the start; tests add their own.
 */
import { escapeHtml } from '../harness';

export interface StoredTemplate {
  readonly id: string;
  readonly name: string;
  readonly generation: 'dynamic' | 'legacy';
  readonly subject: string;
  readonly html: string;
  readonly text?: string;
}

export const BUILTIN_TEMPLATES: readonly StoredTemplate[] = [
  {
    id: 'd-5a1e0000000000000000000000000001',
    name: 'Driver job alert',
    generation: 'dynamic',
    subject: '{{job_title}} at {{carrier_name}}',
    html:
      '<p>Hi {{first_name}},</p><p>{{carrier_name}} is hiring: <strong>{{job_title}}</strong>{{#if pay}}, {{pay}}{{/if}}.</p>' +
      '{{#if lanes}}<ul>{{#each lanes}}<li>{{this}}</li>{{/each}}</ul>{{/if}}' +
      '<p><a href="{{apply_url}}">Apply in 2 minutes</a></p>' +
      '{{#if unsubscribe_url}}<p style="font-size:12px;color:#666"><a href="{{unsubscribe_url}}">Unsubscribe</a></p>{{/if}}',
    text: 'Hi {{first_name}}, {{carrier_name}} is hiring: {{job_title}}. Apply: {{apply_url}}',
  },
  {
    id: 'd-5a1e0000000000000000000000000002',
    name: 'Plain wrapper (subject + body_html)',
    generation: 'dynamic',
    subject: '{{subject}}',
    html: '<div style="font-family:Arial,sans-serif">{{{body_html}}}</div>',
  },
  {
    id: '5a1e0000-0000-4000-8000-000000000003',
    name: 'Legacy wrapper',
    generation: 'legacy',
    subject: '<%subject%>',
    html: '<div style="font-family:Arial,sans-serif"><%body%></div>',
    text: '<%body%>',
  },
];

export class TemplateStore {
  readonly #templates = new Map<string, StoredTemplate>();

  constructor(templates: readonly StoredTemplate[] = BUILTIN_TEMPLATES) {
    for (const t of templates) this.add(t);
  }

  add(template: StoredTemplate): void {
    this.#templates.set(template.id, template);
  }

  get(id: string): StoredTemplate | undefined {
    return this.#templates.get(id);
  }

  has(id: string): boolean {
    return this.#templates.has(id);
  }

  list(): StoredTemplate[] {
    return [...this.#templates.values()];
  }
}

/** Literal key → value replacement, longest keys first (SendGrid's substitutions and sections). */
export function substitute(input: string, substitutions: Readonly<Record<string, string>>): string {
  const keys = Object.keys(substitutions).filter((k) => k !== '').sort((a, b) => b.length - a.length);
  if (keys.length === 0) return input;
  let out = '';
  let i = 0;
  outer: while (i < input.length) {
    for (const key of keys) {
      if (input.startsWith(key, i)) {
        out += substitutions[key] ?? '';
        i += key.length;
        continue outer;
      }
    }
    out += input[i] ?? '';
    i += 1;
  }
  return out;
}

type Data = Readonly<Record<string, unknown>>;

function lookup(data: unknown, path: string, self: unknown): unknown {
  if (path === 'this' || path === '.') return self;
  let current: unknown = path.startsWith('this.') ? self : data;
  for (const key of path.replace(/^this\./, '').split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return '';
  return String(value);
}

/** Finds the `{{else}}` and closing tag of the block opened just before `from`, honouring nesting. */
function blockBounds(src: string, from: number, name: string): { elseAt: number | null; closeAt: number; end: number } | null {
  const tag = /\{\{(#(?:if|unless|each)\b[^}]*|else|\/(?:if|unless|each))\}\}/g;
  tag.lastIndex = from;
  let depth = 0;
  let elseAt: number | null = null;
  for (let m = tag.exec(src); m; m = tag.exec(src)) {
    const body = m[1] ?? '';
    if (body.startsWith('#')) depth += 1;
    else if (body === 'else') {
      if (depth === 0 && elseAt === null) elseAt = m.index;
    } else if (depth === 0) {
      return body === `/${name}` ? { elseAt, closeAt: m.index, end: m.index + m[0].length } : null;
    } else depth -= 1;
  }
  return null;
}

/** Renders the Handlebars subset; `escape` is false for subjects and text parts. */
export function renderHandlebars(src: string, data: Data, escape: boolean, self: unknown = data): string {
  const open = /\{\{\{\s*([\w.]+)\s*\}\}\}|\{\{#(if|unless|each)\s+([\w.]+)\s*\}\}|\{\{\s*([\w.]+)\s*\}\}/g;
  let out = '';
  let i = 0;
  for (let m = open.exec(src); m; m = open.exec(src)) {
    out += src.slice(i, m.index);
    i = m.index + m[0].length;
    if (m[1] !== undefined) {
      out += show(lookup(data, m[1], self));
    } else if (m[2] !== undefined && m[3] !== undefined) {
      const bounds = blockBounds(src, i, m[2]);
      if (!bounds) continue;
      const inner = src.slice(i, bounds.elseAt ?? bounds.closeAt);
      const otherwise = bounds.elseAt === null ? '' : src.slice(bounds.elseAt + '{{else}}'.length, bounds.closeAt);
      const value = lookup(data, m[3], self);
      if (m[2] === 'each') {
        out += Array.isArray(value) && value.length > 0 ? value.map((item: unknown) => renderHandlebars(inner, data, escape, item)).join('') : renderHandlebars(otherwise, data, escape, self);
      } else {
        const pass = m[2] === 'if' ? truthy(value) : !truthy(value);
        out += renderHandlebars(pass ? inner : otherwise, data, escape, self);
      }
      i = bounds.end;
      open.lastIndex = i;
    } else if (m[4] !== undefined && m[4] !== 'else') {
      const text = show(lookup(data, m[4], self));
      out += escape ? escapeHtml(text) : text;
    }
  }
  return out + src.slice(i);
}
