/**
 * The email preview: the recruiter's HTML rendered for the sample driver inside a nested iframe
 * with an empty `sandbox` (no scripts, no forms, no same-origin, no top navigation) and a
 * Content-Security-Policy that loads nothing from the network — the HTML is never put into the
 * app's own DOM. Desktop and mobile widths; the inbox line (from, subject, preheader) above it.
 */
import { templateVariable } from '../../../backend/outreach/variables';
import { parseTemplate } from '../../../backend/outreach/templates/parse';
import { previewTemplate } from '../../../backend/outreach/templates/preview';
import { escapeHtml } from '../../../backend/outreach/templates/render';
import { h } from '../shared/dom';

export type PreviewWidth = 'desktop' | 'mobile';

/** Blocks every fetch (images, fonts, styles, frames) and every script; inline styles only. */
export const PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; form-action 'none'; base-uri 'none'";

/**
 * The `srcdoc` of the preview frame: the rendered body under a CSP meta, links neutralised by a
 * `base target` that the sandbox blocks anyway. The body is the recruiter's own HTML (already
 * rendered with escaped variable values); it runs nowhere — the frame allows no scripts.
 */
export function previewDocument(renderedHtml: string, preheader: string): string {
  const hidden = preheader.trim() === '' ? '' : `<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(preheader)}</div>`;
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<base target="_blank">',
    '<style>body{margin:0;padding:12px;font-family:Arial,Helvetica,sans-serif;color:#1f2933;overflow-wrap:break-word}img{max-width:100%;height:auto}</style>',
    '</head><body>',
    hidden,
    renderedHtml,
    '</body></html>',
  ].join('');
}

/**
 * Job variables used without an inline default. The builder attaches no job posting, so their value
 * is missing for every driver and each driver would be blocked ("missing jobTitle"); the sample
 * driver of the preview has every value, so the preview alone would not show it. `applyUrl` falls
 * back to the carrier's website and is not listed.
 */
export function jobVariablesWithoutDefault(...templates: readonly string[]): string[] {
  const names = new Set<string>();
  for (const template of templates) {
    for (const token of parseTemplate(template)) {
      if (token.kind !== 'variable' || token.defaultText !== null || token.name === 'applyUrl') continue;
      if (templateVariable(token.name)?.group === 'job') names.add(token.name);
    }
  }
  return [...names];
}

export function jobWarning(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  const list = names.map((n) => `{{${n}}}`).join(', ');
  const [first = 'jobTitle'] = names;
  return `No job posting is attached, so ${list} would have no value and every driver would be skipped. Give a default, e.g. {{${first}|CDL-A driving}}.`;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly preheader: string;
  readonly html: string;
  readonly problems: readonly string[];
}

/** Subject, preheader and body as the sample driver gets them, with the template problems found. */
export function renderForSample(input: { subject: string; preheader: string; html: string }): RenderedEmail {
  const subject = previewTemplate({ template: input.subject, channel: 'email_subject' });
  const preheader = previewTemplate({ template: input.preheader, channel: 'email_html' });
  const body = previewTemplate({ template: input.html, channel: 'email_html' });
  const problems = [...subject.problems, ...preheader.problems, ...body.problems].filter((p) => p.code !== 'empty_template').map((p) => p.message);
  const job = jobWarning(jobVariablesWithoutDefault(input.subject, input.preheader, input.html));
  if (job !== null) problems.push(job);
  return {
    subject: subject.result.ok ? subject.result.text : input.subject,
    preheader: preheader.result.ok ? preheader.result.text : input.preheader,
    html: body.result.ok ? body.result.text : escapeHtml(input.html),
    problems: [...new Set(problems)],
  };
}

export interface EmailPreview {
  readonly root: HTMLElement;
  readonly frame: HTMLIFrameElement;
  show(email: { subject: string; preheader: string; html: string; fromName: string }): void;
  showTemplate(templateId: string): void;
}

/** The preview panel: inbox line, width toggle, sandboxed frame. */
export function createPreview(id: string): EmailPreview {
  const frame = h('iframe', { id: `${id}-frame`, title: 'Email preview (sample driver)', sandbox: '', referrerpolicy: 'no-referrer', class: 'preview-frame', 'data-width': 'desktop' });
  const inbox = h('div', { class: 'inbox-line', id: `${id}-inbox` });
  const problems = h('ul', { class: 'field-error problems', id: `${id}-problems` });
  const width = (which: PreviewWidth) =>
    h('button', {
      type: 'button',
      class: 'chip',
      'data-preview-width': which,
      'aria-pressed': String(which === 'desktop'),
      onclick: () => {
        frame.dataset['width'] = which;
        for (const b of Array.from(root.querySelectorAll<HTMLButtonElement>('[data-preview-width]'))) b.setAttribute('aria-pressed', String(b.dataset['previewWidth'] === which));
      },
    }, which === 'desktop' ? 'Desktop' : 'Mobile');
  const root = h(
    'div',
    { class: 'email-preview', id },
    h('div', { class: 'preview-head' }, h('span', { class: 'label' }, 'Preview (sample driver)'), h('span', { class: 'spacer' }), h('div', { role: 'group', 'aria-label': 'Preview width' }, width('desktop'), width('mobile'))),
    inbox,
    problems,
    h('div', { class: 'frame-box' }, frame),
  );
  return {
    root,
    frame,
    show(email) {
      const rendered = renderForSample(email);
      inbox.replaceChildren(h('strong', {}, email.fromName.trim() === '' ? 'Your carrier' : email.fromName.trim()), h('span', { class: 'subject' }, rendered.subject || '(no subject)'), h('span', { class: 'muted' }, rendered.preheader));
      problems.replaceChildren(...rendered.problems.map((p) => h('li', {}, p)));
      frame.srcdoc = previewDocument(rendered.html, rendered.preheader);
    },
    showTemplate(templateId) {
      inbox.replaceChildren(h('span', { class: 'muted' }, `SendGrid renders dynamic template ${templateId.trim() || '(none chosen)'} when it sends; send a test to see it.`));
      problems.replaceChildren();
      frame.srcdoc = previewDocument('<p style="color:#616e7c">The template is stored at SendGrid.</p>', '');
    },
  };
}
