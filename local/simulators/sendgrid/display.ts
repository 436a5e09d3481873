/**
 * Makes a delivered email safe to show on the inbox console: sanitize-html with an allowlist for
 * email markup (no scripts, event handlers, forms, frames, `<style>` blocks or `javascript:` URLs;
 * inline styles limited to presentational properties). Links open in a new tab; remote images are
 * blocked like a mail client does, except the simulator's own open pixel, so viewing an email with
 * images records an open.
 */
import sanitizeHtml from 'sanitize-html';

const SAFE_VALUE = [/^[#\w\s(),.%!'"-]*$/];

const STYLES: Record<string, RegExp[]> = Object.fromEntries(
  [
    'color',
    'background',
    'background-color',
    'font',
    'font-size',
    'font-weight',
    'font-family',
    'font-style',
    'line-height',
    'text-align',
    'text-decoration',
    'vertical-align',
    'padding',
    'padding-top',
    'padding-bottom',
    'padding-left',
    'padding-right',
    'margin',
    'margin-top',
    'margin-bottom',
    'margin-left',
    'margin-right',
    'border',
    'border-collapse',
    'border-radius',
    'border-width',
    'border-color',
    'border-style',
    'width',
    'max-width',
    'height',
    'display',
  ].map((p) => [p, SAFE_VALUE]),
);

export function sanitizeEmailHtml(html: string, ownBase: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'center', 'font'],
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height'],
      table: ['width', 'cellpadding', 'cellspacing', 'border', 'align', 'bgcolor'],
      td: ['width', 'align', 'valign', 'colspan', 'rowspan', 'bgcolor'],
      th: ['width', 'align', 'valign', 'colspan', 'rowspan', 'bgcolor'],
      font: ['color', 'size', 'face'],
      '*': ['style', 'align', 'title', 'lang', 'dir'],
    },
    allowedStyles: { '*': STYLES },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer' } }),
      img: (tagName, attribs) => {
        const src = attribs['src'] ?? '';
        if (src.startsWith(`${ownBase}/`)) return { tagName, attribs };
        const alt = attribs['alt'] ?? '';
        return { tagName: 'span', attribs: { title: 'remote image blocked' }, text: `[image${alt ? `: ${alt}` : ''}]` };
      },
    },
  });
}
