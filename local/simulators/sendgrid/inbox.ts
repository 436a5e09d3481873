/**
 * The inbox console's message view (`/_sim/sendgrid/inbox/<sg_message_id>`): one received email
 * rendered safely (display.ts) with its tracked links and open pixel working, its headers, its
 * events, and the mailbox actions: open (person or privacy proxy), report spam, and RFC 8058
 * one-click unsubscribe, which POSTs to the message's List-Unsubscribe URL and shows the answer.
 */
import { formValue, html, htmlResponse, redirectResponse, renderConsolePage, type SimRequest, type Simulator, type TrustedHtml } from '../harness';
import { sanitizeEmailHtml } from './display';
import type { SendGridEngine } from './engine';
import type { StoredMail } from './model';
import { oneClickUrl, performOneClick } from './oneclick';

const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');

export function messagePath(sim: Simulator, sgMessageId: string): string {
  return `${sim.consolePath}inbox/${encodeURIComponent(sgMessageId)}`;
}

export function mountInbox(args: { sim: Simulator; engine: SendGridEngine; fetch?: typeof globalThis.fetch }): void {
  const { sim, engine } = args;
  const base = `${sim.consolePath}inbox/:id`;
  const back = (m: StoredMail, message: string): ReturnType<typeof redirectResponse> => redirectResponse(`${messagePath(sim, m.sgMessageId)}?msg=${encodeURIComponent(message)}`);
  const find = (req: SimRequest): StoredMail | undefined => {
    engine.processDue();
    return engine.mail(req.params['id'] ?? '');
  };
  const notFound = (): ReturnType<typeof htmlResponse> => htmlResponse(404, '<!doctype html><p>No such message.</p>');

  sim.route('GET', base, (req) => {
    const m = find(req);
    if (!m) return notFound();
    const flash = req.query.get('msg');
    return htmlResponse(
      200,
      renderConsolePage({
        title: m.subject || '(no subject)',
        subtitle: `${m.from.email} → ${m.to.email}`,
        mount: sim.consolePath,
        now: sim.clock.now(),
        ...(flash ? { flash } : {}),
        sections: [
          { kind: 'html', title: 'Message', html: renderHeaders(m, sim) },
          { kind: 'html', title: 'Mailbox actions', html: renderActions(m, sim) },
          { kind: 'html', title: 'Email', html: renderBody(m, sim) },
          { kind: 'table', title: 'Events for this message', columns: ['time', 'event', 'sg_event_id', 'details'], rows: m.events.map((e) => [iso(e.timestamp * 1000), e.event, e.sg_event_id, details(e)]) },
          {
            kind: 'table',
            title: 'One-click unsubscribe POSTs',
            columns: ['time', 'url', 'answer'],
            rows: m.oneClick.map((a) => [iso(a.at), a.url, a.status === null ? (a.error ?? 'failed') : `HTTP ${a.status}`]),
          },
        ],
      }),
    );
  });

  sim.route('POST', `${base}/open`, (req) => {
    const m = find(req);
    if (!m) return notFound();
    const machine = formValue(req.form(), 'machine') === '1';
    const event = engine.engage.open(m.sgMessageId, { useragent: req.header('user-agent') ?? 'unknown', ip: '127.0.0.1' }, machine);
    return back(m, event ? `open recorded${machine ? ' (machine, sg_machine_open: true)' : ''}` : 'no open recorded (not delivered, or open tracking is off)');
  });

  sim.route('POST', `${base}/spam`, (req) => {
    const m = find(req);
    if (!m) return notFound();
    return back(m, engine.engage.spamReport(m.sgMessageId) ? 'spam report recorded; the address is now on the spam-report suppression list' : 'not delivered: nothing to report');
  });

  sim.route('POST', `${base}/one-click`, async (req) => {
    const m = find(req);
    if (!m) return notFound();
    const attempt = await performOneClick(m, sim.clock, args.fetch);
    engine.processDue();
    const answer = attempt.status === null ? `failed: ${attempt.error ?? 'unknown error'}` : `HTTP ${attempt.status}`;
    return back(m, `One-click unsubscribe POST to ${attempt.url || '(none)'} → ${answer}`);
  });
}

function details(e: Record<string, unknown>): string {
  const skip = new Set(['email', 'timestamp', 'event', 'sg_event_id', 'sg_message_id', 'smtp-id']);
  return Object.entries(e)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

function renderHeaders(m: StoredMail, sim: Simulator): TrustedHtml {
  const rows: [string, string][] = [
    ['From', m.from.name ? `${m.from.name} <${m.from.email}>` : m.from.email],
    [m.kind === 'to' ? 'To' : m.kind === 'cc' ? 'Cc' : 'Bcc', m.to.name ? `${m.to.name} <${m.to.email}>` : m.to.email],
    ['Reply-To', m.replyTo?.email ?? ''],
    ['Subject', m.subject],
    ['Accepted', iso(m.acceptedAt)],
    ['Status', m.status],
    ['X-Message-Id', m.xMessageId],
    ['sg_message_id', m.sgMessageId],
    ['Template', m.templateId ?? ''],
    ['Categories', m.categories.join(', ')],
    ['custom_args', JSON.stringify(m.customArgs)],
    ['Unsubscribe group', m.asmGroupId === null ? '' : String(m.asmGroupId)],
    ['Tracking', `click ${m.tracking.click ? 'on' : 'off'} · open ${m.tracking.open ? 'on' : 'off'} · subscription ${m.tracking.subscription ? 'on' : 'off'}`],
    ...Object.entries(m.headers),
  ];
  return html`<table>${rows.filter(([, v]) => v !== '').map(([k, v]) => html`<tr><th style="width:160px">${k}</th><td>${v}</td></tr>`)}</table>
    <p><a href="${sim.consolePath}">← inbox</a></p>`;
}

function renderActions(m: StoredMail, sim: Simulator): TrustedHtml {
  const path = messagePath(sim, m.sgMessageId);
  const oneClick = oneClickUrl(m);
  const delivered = m.status === 'delivered';
  return html`<div style="display:flex;gap:8px;flex-wrap:wrap;align-items:center">
    <form method="post" action="${path}/open"><button ${delivered ? '' : html`disabled`}>Open (person)</button></form>
    <form method="post" action="${path}/open"><input type="hidden" name="machine" value="1"><button ${delivered ? '' : html`disabled`}>Open (privacy proxy / machine)</button></form>
    <form method="post" action="${path}/spam"><button ${delivered ? '' : html`disabled`}>Report spam</button></form>
    <form method="post" action="${path}/one-click"><button ${oneClick ? '' : html`disabled`}>One-click unsubscribe</button></form>
    <small>${oneClick ? `POSTs List-Unsubscribe=One-Click to ${oneClick}` : 'no one-click List-Unsubscribe header on this message'}</small></div>
    ${delivered ? '' : html`<p class="empty">Not in the inbox: this message is ${m.status}. Links still redirect but record no click.</p>`}`;
}

function renderBody(m: StoredMail, sim: Simulator): TrustedHtml {
  const body: TrustedHtml = m.html !== null ? { __html: sanitizeEmailHtml(m.html, sim.baseUrl) } : html`<pre>${m.text ?? ''}</pre>`;
  return html`<div class="email" style="border:1px solid #dde1e7;border-radius:6px;padding:12px;background:#fff;overflow:auto;max-height:70vh">${body}</div>
    ${m.html !== null && m.text !== null ? html`<details><summary>text/plain part</summary><pre>${m.text}</pre></details>` : ''}`;
}
