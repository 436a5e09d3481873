/**
 * The simulator console page framework: a simulator describes its page as sections (request log,
 * webhook queue, magic tables, tables, control forms, trusted HTML) and this renders one
 * self-contained HTML page (no scripts needed; forms POST and redirect back).
 */
import { assertNever } from './errors';
import type { RequestLogEntry } from './requestLog';
import type { DeliveryLogEntry, PendingWebhook, WebhookQueueKnobs } from './webhookQueue';

/** HTML a simulator produced itself (already escaped). */
export interface TrustedHtml {
  readonly __html: string;
}

export interface ConsoleField {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'number' | 'textarea' | 'checkbox';
  readonly value?: string;
  readonly placeholder?: string;
}

export interface ConsoleActionSpec {
  /** URL-safe; the form posts to `<mount>actions/<name>`. */
  readonly name: string;
  readonly label: string;
  readonly fields?: readonly ConsoleField[];
}

export interface MagicRow {
  readonly match: string;
  readonly outcome: string;
  readonly note: string;
  readonly source: string;
}

export type ConsoleSection =
  | { readonly kind: 'requests'; readonly title: string; readonly entries: readonly RequestLogEntry[] }
  | {
      readonly kind: 'webhooks';
      readonly title: string;
      readonly pending: readonly PendingWebhook[];
      readonly deliveries: readonly DeliveryLogEntry[];
      readonly knobs: WebhookQueueKnobs;
    }
  | { readonly kind: 'magic'; readonly title: string; readonly rows: readonly MagicRow[] }
  | { readonly kind: 'table'; readonly title: string; readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: 'controls'; readonly title: string; readonly actions: readonly ConsoleActionSpec[] }
  | { readonly kind: 'html'; readonly title: string; readonly html: TrustedHtml };

export interface ConsolePage {
  readonly title: string;
  readonly subtitle: string;
  /** Mount path with trailing slash, e.g. `/_sim/twilio/`. */
  readonly mount: string;
  readonly now: number;
  readonly flash?: string;
  readonly sections: readonly ConsoleSection[];
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&#39;';
    }
  });
}

/** Tagged template that escapes every interpolation except `TrustedHtml`. */
export function html(strings: TemplateStringsArray, ...values: readonly unknown[]): TrustedHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += renderValue(value) + (strings[i + 1] ?? '');
  });
  return { __html: out };
}

function renderValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(renderValue).join('');
  if (value !== null && typeof value === 'object' && '__html' in value && typeof value.__html === 'string') return value.__html;
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('.000Z', 'Z');

function table(columns: readonly string[], rows: readonly (readonly (string | TrustedHtml)[])[]): TrustedHtml {
  if (rows.length === 0) return html`<p class="empty">Nothing yet.</p>`;
  return html`<table><thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${r.map((cell) => html`<td>${cell}</td>`)}</tr>`,
  )}</tbody></table>`;
}

function renderSection(section: ConsoleSection, mount: string): TrustedHtml {
  switch (section.kind) {
    case 'requests':
      return html`<section><h2>${section.title}</h2>${table(
        ['#', 'time', 'request', 'status', 'body'],
        [...section.entries].reverse().map((e) => [
          String(e.seq),
          iso(e.at),
          `${e.method} ${e.path}${e.query}`,
          String(e.status),
          html`<details><summary>${e.bodyBytes} B</summary><pre>${JSON.stringify(e.headers, null, 1)}</pre><pre>${e.bodyPreview}</pre></details>`,
        ]),
      )}</section>`;
    case 'webhooks':
      return html`<section><h2>${section.title}</h2>
        <p class="knobs">delay ${section.knobs.delayMs[0]}–${section.knobs.delayMs[1]} ms · duplicates ${section.knobs.duplicateRate} ·
        reorder jitter ${section.knobs.reorderJitterMs} ms · retries ${section.knobs.retry.backoffMs.length} (${section.knobs.retry.on})</p>
        <form method="post" action="${mount}actions/run-due"><button>Deliver due webhooks now</button></form>
        <h3>Pending (${section.pending.length})</h3>${table(
          ['id', 'due', 'attempt', 'webhook', 'duplicate of'],
          section.pending.slice(0, 200).map((p) => [p.id, iso(p.dueAt), String(p.attempt), p.label, p.duplicateOf ?? '']),
        )}
        <h3>Deliveries</h3>${table(
          ['time', 'id', 'attempt', 'webhook', 'outcome'],
          [...section.deliveries].reverse().slice(0, 200).map((d) => [iso(d.at), d.webhookId, String(d.attempt), d.label, describeOutcome(d)]),
        )}</section>`;
    case 'magic':
      return html`<section><h2>${section.title}</h2>${table(
        ['recipient', 'outcome', 'note', 'source'],
        section.rows.map((r) => [r.match, r.outcome, r.note, r.source]),
      )}</section>`;
    case 'table':
      return html`<section><h2>${section.title}</h2>${table(section.columns, section.rows)}</section>`;
    case 'controls':
      return html`<section><h2>${section.title}</h2>${section.actions.map(
        (a) => html`<form class="action" method="post" action="${mount}actions/${a.name}">${(a.fields ?? []).map(renderField)}<button>${a.label}</button></form>`,
      )}</section>`;
    case 'html':
      return html`<section><h2>${section.title}</h2>${section.html}</section>`;
    default:
      return assertNever(section);
  }
}

function renderField(f: ConsoleField): TrustedHtml {
  switch (f.type) {
    case 'textarea':
      return html`<label>${f.label}<textarea name="${f.name}" placeholder="${f.placeholder ?? ''}">${f.value ?? ''}</textarea></label>`;
    case 'checkbox':
      return html`<label><input type="checkbox" name="${f.name}" value="1" ${f.value ? html`checked` : ''}> ${f.label}</label>`;
    case 'text':
    case 'number':
      return html`<label>${f.label}<input type="${f.type}" name="${f.name}" value="${f.value ?? ''}" placeholder="${f.placeholder ?? ''}"></label>`;
    default:
      return assertNever(f.type);
  }
}

function describeOutcome(d: DeliveryLogEntry): string {
  const o = d.outcome;
  switch (o.kind) {
    case 'delivered':
      return `${o.status} delivered`;
    case 'rejected':
      return `${o.status} rejected${o.retryAt !== null ? `, retry at ${iso(o.retryAt)}` : ', gave up'}`;
    case 'connection-error':
      return `${o.error}${o.retryAt !== null ? `, retry at ${iso(o.retryAt)}` : ', gave up'}`;
    default:
      return assertNever(o);
  }
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 20px}header h1{margin:0;font-size:18px}header p{margin:2px 0 0;opacity:.8}
main{padding:12px 20px}section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:8px 14px;margin:0 0 14px}
h2{font-size:15px;margin:6px 0}h3{font-size:13px;margin:10px 0 4px}table{border-collapse:collapse;width:100%;font-size:12px}
td,th{border-bottom:1px solid #eceff3;padding:3px 6px;text-align:left;vertical-align:top}pre{white-space:pre-wrap;margin:2px 0;font-size:11px}
.empty{color:#777}.flash{background:#e7f6ea;border:1px solid #9bd3a6;padding:6px 10px;border-radius:4px}
form.action{display:flex;gap:8px;align-items:end;flex-wrap:wrap;margin:6px 0}label{display:flex;flex-direction:column;font-size:12px}
textarea{min-width:280px;min-height:48px}`;

export function renderConsolePage(page: ConsolePage): string {
  const body = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${page.title}</title>
<style>${{ __html: STYLE }}</style></head><body>
<header><h1>${page.title}</h1><p>${page.subtitle} · simulator clock ${iso(page.now)} · <a style="color:#9cf" href="${page.mount}">refresh</a></p></header>
<main>${page.flash ? html`<p class="flash">${page.flash}</p>` : ''}${page.sections.map((s) => renderSection(s, page.mount))}</main></body></html>`;
  return body.__html;
}
