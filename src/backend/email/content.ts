/**
 * The shared content of a campaign's emails (pure): the campaign HTML with the preheader and the
 * CAN-SPAM footer (carrier name, physical address, a visible unsubscribe link) injected, a plain-text
 * alternative derived from it, and every `{{variable}}` replaced by a substitution tag. One content
 * serves a whole wave; each personalization carries its own values for the tags, escaped for where
 * they land (HTML-escaped in the HTML part, as-is in the text part).
 */
import type { PostalAddress } from '../collections/common';
import type { Carrier } from '../collections/people';
import { escapeHtml, parseTemplate, resolveVariableValue, escapeValue } from '../outreach/templates';
import { assertNever } from '../outreach/templates/parse';
import type { TemplateValues, TemplateVariableName } from '../outreach/variables';
import { substitutionTag } from './provider';

/** One substitution tag: which variable (and inline default) fills it, in which part. */
export interface ContentTag {
  readonly key: string;
  readonly name: TemplateVariableName;
  readonly defaultText: string | null;
  readonly channel: 'email_html' | 'email_text';
}

export interface TaggedContent {
  readonly html: string;
  readonly text: string;
  readonly tags: readonly ContentTag[];
}

export function formatAddress(address: PostalAddress): string {
  const street = address.street2 ? `${address.street}, ${address.street2}` : address.street;
  return `${street}, ${address.city}, ${address.state} ${address.zip}`;
}

/** Literal text placed into HTML around the tags: escaped, and braces neutralised so it never reads as a placeholder. */
function literalHtml(text: string): string {
  return escapeHtml(text).replace(/\{/g, '&#123;').replace(/\}/g, '&#125;');
}

function literalText(text: string): string {
  return text.replace(/\{\{/g, '{ {').replace(/\}\}/g, '} }');
}

const FOOTER_STYLE = 'margin-top:24px;padding-top:12px;border-top:1px solid #dddddd;font-size:12px;line-height:1.5;color:#666666';

/**
 * CAN-SPAM footer (spec §8.3): who sends, their physical postal address, and an unsubscribe link
 * (`{{unsubscribeUrl}}`, this recipient's one-click link; click tracking off so it reaches us directly).
 */
export function footerHtml(carrier: Pick<Carrier, 'name' | 'physical_address'>): string {
  const name = literalHtml(carrier.name);
  return (
    `<div class="ro-footer" style="${FOOTER_STYLE}">` +
    `<p style="margin:0 0 6px 0">${name} &middot; ${literalHtml(formatAddress(carrier.physical_address))}</p>` +
    `<p style="margin:0">You are receiving this email because you shared your contact details with ${name}. ` +
    `<a href="{{unsubscribeUrl}}" clicktracking="off">Unsubscribe</a> from ${name} emails.</p></div>`
  );
}

export function footerText(carrier: Pick<Carrier, 'name' | 'physical_address'>): string {
  return `--\n${literalText(carrier.name)}, ${literalText(formatAddress(carrier.physical_address))}\nUnsubscribe from ${literalText(carrier.name)} emails: {{unsubscribeUrl}}`;
}

/** The hidden preview line mail clients show after the subject. */
export function preheaderHtml(preheader: string): string {
  return `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;color:transparent" aria-hidden="true">${preheader}</div>`;
}

/** Inserts right after `<body …>` when there is one, else prepends. */
export function afterBodyOpen(html: string, fragment: string): string {
  const m = /<body\b[^>]*>/i.exec(html);
  if (!m) return `${fragment}${html}`;
  const at = m.index + m[0].length;
  return `${html.slice(0, at)}${fragment}${html.slice(at)}`;
}

/** Inserts right before `</body>` when there is one, else appends. */
export function beforeBodyClose(html: string, fragment: string): string {
  const at = html.search(/<\/body\s*>/i);
  return at < 0 ? `${html}${fragment}` : `${html.slice(0, at)}${fragment}${html.slice(at)}`;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', middot: '·', '#39': "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, code: string) => {
    const lower = code.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith('#') && lower !== '#39') return String.fromCodePoint(Number.parseInt(lower.slice(1), 10));
    return ENTITIES[lower] ?? whole;
  });
}

/**
 * A readable plain-text version of campaign HTML (placeholders kept): links become "label (url)",
 * block ends become line breaks, everything else loses its tags.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<a\b[^>]*\bhref\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, _q: string, href: string, label: string) => {
      const shown = label.replace(/<[^>]*>/g, '').trim();
      return shown === '' || shown === href ? href : `${shown} (${href})`;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '- ')
    .replace(/<\/(p|div|h[1-6]|li|tr|table|ul|ol|blockquote)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Replaces each placeholder with a tag (one tag per distinct placeholder and part). */
function tagTemplate(source: string, channel: ContentTag['channel'], prefix: string, tags: ContentTag[]): string {
  const byPlaceholder = new Map<string, string>();
  let out = '';
  for (const token of parseTemplate(source)) {
    switch (token.kind) {
      case 'text':
        out += token.text;
        break;
      case 'malformed':
        // Templates are validated before they are saved; a stray brace is kept as text.
        out += token.raw;
        break;
      case 'variable': {
        const id = `${token.name}|${token.defaultText ?? ''}`;
        let key = byPlaceholder.get(id);
        if (key === undefined) {
          key = `${prefix}${byPlaceholder.size}`;
          byPlaceholder.set(id, key);
          tags.push({ key, name: token.name as TemplateVariableName, defaultText: token.defaultText, channel });
        }
        out += substitutionTag(key);
        break;
      }
      default:
        assertNever(token);
    }
  }
  return out;
}

/** The shared content of a campaign written in our HTML editor: preheader, body, footer; tags for the variables. */
export function buildTaggedContent(input: { html: string; preheader: string | null | undefined; carrier: Pick<Carrier, 'name' | 'physical_address'> }): TaggedContent {
  const { carrier } = input;
  let source = input.html;
  if (input.preheader && input.preheader.trim() !== '') source = afterBodyOpen(source, preheaderHtml(input.preheader));
  source = beforeBodyClose(source, footerHtml(carrier));
  const text = `${htmlToText(input.html)}\n\n${footerText(carrier)}`;
  const tags: ContentTag[] = [];
  return { html: tagTemplate(source, 'email_html', 'h', tags), text: tagTemplate(text, 'email_text', 't', tags), tags };
}

/**
 * This recipient's values for the tags, escaped for their part; `missing` names the variables
 * that have no value and no default (the recipient is blocked, as renderTemplate would).
 */
export function substitutionsFor(tags: readonly ContentTag[], values: TemplateValues): { substitutions: Record<string, string>; missing: string[] } {
  const substitutions: Record<string, string> = {};
  const missing: string[] = [];
  for (const tag of tags) {
    const resolved = resolveVariableValue(tag.name, values, tag.defaultText);
    if (resolved === null) {
      if (!missing.includes(tag.name)) missing.push(tag.name);
      continue;
    }
    substitutions[tag.key] = escapeValue(resolved.value, tag.channel);
  }
  return { substitutions, missing };
}

/** What SendGrid will deliver for these substitutions (tests and previews; SendGrid does this on its side). */
export function applySubstitutions(content: string, substitutions: Readonly<Record<string, string>>): string {
  return content.replace(/\{\{([a-z]\d+)\}\}/g, (whole, key: string) => substitutions[key] ?? whole);
}

/** A template parsed once (subjects): rendered for each recipient without parsing again. */
export type ParsedTemplate = ReturnType<typeof parseTemplate>;

/** Renders a parsed, validated template by the missing-value rule; `missing` names variables without a value. */
export function renderParsed(tokens: ParsedTemplate, channel: 'email_subject' | 'email_html' | 'email_text', values: TemplateValues): { text: string; missing: string[] } {
  let text = '';
  const missing: string[] = [];
  for (const token of tokens) {
    switch (token.kind) {
      case 'text':
        text += token.text;
        break;
      case 'malformed':
        text += token.raw;
        break;
      case 'variable': {
        const resolved = resolveVariableValue(token.name as TemplateVariableName, values, token.defaultText);
        if (resolved === null) {
          if (!missing.includes(token.name)) missing.push(token.name);
        } else text += escapeValue(resolved.value, channel);
        break;
      }
      default:
        assertNever(token);
    }
  }
  return { text, missing };
}
