/**
 * Builds one recipient's message as SendGrid delivers it: template or content, substitutions /
 * dynamic_template_data, footer, unsubscribe-group tags, subscription tracking footer, click-tracked
 * links, the open pixel, and the List-Unsubscribe headers SendGrid adds for its own unsubscribe
 * links. Link rewriting parses the HTML with sanitize-html (everything kept, only `<a>` changed).
 */
import sanitizeHtml from 'sanitize-html';
import type { ResolvedTracking } from './model';
import type { MailSendRequest, PersonalizationInput } from './schema';
import { renderHandlebars, substitute, type StoredTemplate } from './templates';
import type { TrackingTokens } from './tracking';

export interface ComposeInput {
  readonly mail: MailSendRequest;
  readonly personalization: PersonalizationInput;
  readonly template: StoredTemplate | undefined;
  readonly tracking: ResolvedTracking;
  readonly sgMessageId: string;
  /** The simulator's base URL: tracking links point at it (SendGrid's link-branding domain). */
  readonly base: string;
  readonly tokens: TrackingTokens;
}

export interface Composed {
  readonly subject: string;
  readonly html: string | null;
  readonly text: string | null;
  /** Original link targets in document order. */
  readonly links: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
}

const DEFAULT_SUBSCRIPTION_HTML = '<p>If you would like to unsubscribe and stop receiving these emails <% click here %>.</p>';
const DEFAULT_SUBSCRIPTION_TEXT = 'If you would like to unsubscribe and stop receiving these emails click here: <% %>.';

function contentOf(mail: MailSendRequest, type: string): string | null {
  return mail.content?.find((c) => c.type.trim().toLowerCase() === type)?.value ?? null;
}

/** Substitutions whose value names a section get that section's text (SendGrid's `sections`). */
function substitutionsOf(mail: MailSendRequest, p: PersonalizationInput): Record<string, string> {
  const sections = mail.sections ?? {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(p.substitutions ?? {})) out[key] = sections[value] ?? value;
  return out;
}

export function composeMessage(input: ComposeInput): Composed {
  const { mail, personalization: p, template, tracking, base, tokens, sgMessageId } = input;
  const subs = substitutionsOf(mail, p);
  const data = p.dynamic_template_data ?? {};
  const requestSubject = p.subject ?? mail.subject ?? '';
  let subject: string;
  let html: string | null;
  let text: string | null;
  if (template?.generation === 'dynamic') {
    subject = renderHandlebars(template.subject, data, false);
    html = renderHandlebars(template.html, data, true);
    text = template.text === undefined ? null : renderHandlebars(template.text, data, false);
  } else if (template?.generation === 'legacy') {
    subject = substitute(template.subject.replaceAll('<%subject%>', requestSubject), subs);
    html = substitute(template.html.replaceAll('<%body%>', contentOf(mail, 'text/html') ?? contentOf(mail, 'text/plain') ?? ''), subs);
    text = template.text === undefined ? null : substitute(template.text.replaceAll('<%body%>', contentOf(mail, 'text/plain') ?? ''), subs);
  } else {
    subject = substitute(requestSubject, subs);
    html = mapNullable(contentOf(mail, 'text/html'), (v) => substitute(v, subs));
    text = mapNullable(contentOf(mail, 'text/plain'), (v) => substitute(v, subs));
  }

  const footer = mail.mail_settings?.footer;
  if (footer?.enable) {
    if (html !== null && footer.html) html = appendToBody(html, footer.html);
    if (text !== null && footer.text) text = `${text}\n\n${footer.text}`;
  }

  const headers: Record<string, string> = { ...mail.headers, ...p.headers };
  const hasOwnListUnsubscribe = Object.keys(headers).some((h) => h.toLowerCase() === 'list-unsubscribe');
  let sendgridUnsubscribe: string | null = null;

  const groupId = mail.asm?.group_id;
  if (groupId !== undefined) {
    const groupUrl = tokens.url(base, { kind: 'group-unsubscribe', sgMessageId, groupId });
    const globalUrl = tokens.url(base, { kind: 'unsubscribe', sgMessageId });
    const asmTags = { '<%asm_group_unsubscribe_raw_url%>': groupUrl, '<%asm_preferences_raw_url%>': groupUrl, '<%asm_global_unsubscribe_raw_url%>': globalUrl };
    html = mapNullable(html, (v) => substitute(v, asmTags));
    text = mapNullable(text, (v) => substitute(v, asmTags));
    sendgridUnsubscribe = groupUrl;
  }

  const subscription = mail.tracking_settings?.subscription_tracking;
  if (tracking.subscription) {
    const url = tokens.url(base, { kind: 'unsubscribe', sgMessageId });
    const tag = subscription?.substitution_tag;
    if (tag && ((html ?? '').includes(tag) || (text ?? '').includes(tag))) {
      html = mapNullable(html, (v) => v.replaceAll(tag, url));
      text = mapNullable(text, (v) => v.replaceAll(tag, url));
    } else {
      const linkHtml = (subscription?.html ?? DEFAULT_SUBSCRIPTION_HTML).replace(/<%\s*([^%]*?)\s*%>/, (_m, label: string) => `<a href="${url}">${label || 'unsubscribe'}</a>`);
      html = mapNullable(html, (v) => appendToBody(v, linkHtml));
      text = mapNullable(text, (v) => `${v}\n\n${(subscription?.text ?? DEFAULT_SUBSCRIPTION_TEXT).replace(/<%\s*[^%]*?\s*%>/, url)}`);
    }
    sendgridUnsubscribe ??= url;
  }

  if (sendgridUnsubscribe !== null && !hasOwnListUnsubscribe) {
    headers['List-Unsubscribe'] = `<${sendgridUnsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }

  const links: string[] = [];
  if (html !== null) {
    html = rewriteLinks(html, (href, clickTrackingOff) => {
      if (!/^https?:\/\//i.test(href) || href.startsWith(base)) return href;
      const index = links.length;
      links.push(href);
      return tracking.click && !clickTrackingOff ? tokens.url(base, { kind: 'click', sgMessageId, index, url: href }) : href;
    });
    if (tracking.open) {
      const pixelUrl = tokens.url(base, { kind: 'open', sgMessageId });
      const pixel = `<img src="${pixelUrl}" alt="" width="1" height="1" border="0" style="height:1px !important;width:1px !important;border-width:0 !important;margin-top:0 !important;margin-bottom:0 !important;margin-right:0 !important;margin-left:0 !important;padding-top:0 !important;padding-bottom:0 !important;padding-right:0 !important;padding-left:0 !important;" />`;
      const tag = mail.tracking_settings?.open_tracking?.substitution_tag;
      html = tag && html.includes(tag) ? html.replaceAll(tag, pixel) : appendToBody(html, pixel);
    }
  }
  return { subject, html, text, links, headers };
}

function mapNullable(value: string | null, f: (v: string) => string): string | null {
  return value === null ? null : f(value);
}

/** Inserts before `</body>` when there is one, else appends. */
function appendToBody(html: string, fragment: string): string {
  const at = html.search(/<\/body\s*>/i);
  return at < 0 ? `${html}${fragment}` : `${html.slice(0, at)}${fragment}${html.slice(at)}`;
}

/** Re-serialises the HTML with every tag and attribute kept, passing each `<a href>` through `rewrite`. */
export function rewriteLinks(html: string, rewrite: (href: string, clickTrackingOff: boolean) => string): string {
  return sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    allowedSchemesAppliedToAttributes: [],
    parser: { lowerCaseAttributeNames: false },
    transformTags: {
      a: (tagName, attribs) => {
        const href = attribs['href'];
        if (href === undefined) return { tagName, attribs };
        const off = (attribs['clicktracking'] ?? '').toLowerCase() === 'off';
        return { tagName, attribs: { ...attribs, href: rewrite(href.trim(), off) } };
      },
    },
  });
}

/** Every `<a href>` target in document order. */
export function extractLinks(html: string): string[] {
  const links: string[] = [];
  rewriteLinks(html, (href) => {
    links.push(href);
    return href;
  });
  return links;
}
