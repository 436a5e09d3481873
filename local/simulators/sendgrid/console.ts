/**
 * The SendGrid simulator's console (`/_sim/sendgrid/`): the inbox (every recipient's received
 * mail, each message opening on its own page, inbox.ts), the event log, suppressions, the Event
 * Webhook settings with the public verification key, engagement knobs; and a JSON API for tools.
 */
import * as z from 'zod';
import { formValue, html, jsonResponse, normalizeEmail, type FormParams, type SimRequest, type Simulator, type TrustedHtml } from '../harness';
import type { SendGridEngine } from './engine';
import { messagePath, mountInbox } from './inbox';
import type { MailStatus, StoredMail } from './model';
import { performOneClick } from './oneclick';

const STATUSES: readonly MailStatus[] = ['scheduled', 'processed', 'deferred', 'delivered', 'dropped', 'bounced'];
const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
const Share = z.coerce.number().min(0).max(1);
const ClickBody = z.object({ index: z.number().int().min(0).default(0) });
const OpenBody = z.object({ machine: z.boolean().default(false) });

function field(form: FormParams, key: string): string {
  return (formValue(form, key) ?? '').trim();
}

/** A message as the JSON API shows it. */
export function describeMail(m: StoredMail): Record<string, unknown> {
  return {
    sg_message_id: m.sgMessageId,
    x_message_id: m.xMessageId,
    to: m.to,
    kind: m.kind,
    from: m.from,
    subject: m.subject,
    status: m.status,
    accepted_at: new Date(m.acceptedAt).toISOString(),
    categories: m.categories,
    custom_args: m.customArgs,
    asm_group_id: m.asmGroupId,
    headers: m.headers,
    tracking: m.tracking,
    links: m.links,
    html: m.html,
    text: m.text,
    events: m.events,
    one_click: m.oneClick,
  };
}

export function mountSendGridConsole(args: { sim: Simulator; engine: SendGridEngine; publicKey: string }): void {
  const { sim, engine } = args;
  const api = `${sim.consolePath}api`;
  mountInbox({ sim, engine });

  const body = (req: SimRequest): unknown => ((req.header('content-type') ?? '').includes('json') && req.rawBody.length > 0 ? req.json() : {});
  const found = (req: SimRequest): StoredMail | undefined => {
    engine.processDue();
    return engine.mail(req.params['id'] ?? '');
  };
  const missing = jsonResponse(404, { error: 'no such message' });

  sim.route('GET', `${api}/messages`, (req) => {
    engine.processDue();
    const status = req.query.get('status');
    const to = req.query.get('to');
    const list = engine.mails({ ...(to ? { to } : {}), ...(status && (STATUSES as readonly string[]).includes(status) ? { status: status as MailStatus } : {}) });
    const limit = Math.max(1, Number(req.query.get('limit') ?? '200'));
    return jsonResponse(200, { total: list.length, messages: list.slice(0, limit).map(describeMail) });
  });
  sim.route('GET', `${api}/messages/:id`, (req) => {
    const m = found(req);
    return m ? jsonResponse(200, describeMail(m)) : missing;
  });
  sim.route('POST', `${api}/messages/:id/open`, (req) => {
    const m = found(req);
    const input = OpenBody.safeParse(body(req));
    if (!m || !input.success) return m ? jsonResponse(400, { error: 'body: {"machine"?: boolean}' }) : missing;
    return jsonResponse(200, { event: engine.engage.open(m.sgMessageId, { useragent: req.header('user-agent') ?? 'unknown', ip: '127.0.0.1' }, input.data.machine) });
  });
  sim.route('POST', `${api}/messages/:id/click`, (req) => {
    const m = found(req);
    const input = ClickBody.safeParse(body(req));
    if (!m || !input.success) return m ? jsonResponse(400, { error: 'body: {"index"?: number}' }) : missing;
    return jsonResponse(200, { result: engine.engage.click(m.sgMessageId, input.data.index, { useragent: req.header('user-agent') ?? 'unknown', ip: '127.0.0.1' }) });
  });
  sim.route('POST', `${api}/messages/:id/spam`, (req) => {
    const m = found(req);
    return m ? jsonResponse(200, { event: engine.engage.spamReport(m.sgMessageId) }) : missing;
  });
  sim.route('POST', `${api}/messages/:id/one-click`, async (req) => {
    const m = found(req);
    if (!m) return missing;
    const attempt = await performOneClick(m, sim.clock);
    engine.processDue();
    return jsonResponse(200, { attempt });
  });
  sim.route('GET', `${api}/events`, (req) => {
    engine.processDue();
    const email = req.query.get('email');
    const kind = req.query.get('event');
    const events = engine.events().filter((e) => (!email || normalizeEmail(e.email) === normalizeEmail(email)) && (!kind || e.event === kind));
    return jsonResponse(200, { total: events.length, events: events.slice(-Math.max(1, Number(req.query.get('limit') ?? '500'))) });
  });
  sim.route('GET', `${api}/suppressions`, () => jsonResponse(200, { suppressions: engine.suppressions.list() }));
  sim.route('GET', `${api}/settings`, () =>
    jsonResponse(200, { webhook: { ...engine.outbox.settings, effectiveUrl: engine.outbox.url }, publicKey: args.publicKey, engagement: engine.engagement, tracking: engine.accountTracking, timing: engine.timing }),
  );

  sim.addAction(
    {
      name: 'webhook',
      label: 'Apply Event Webhook settings',
      fields: [
        { name: 'url', label: 'HTTP POST URL (blank: default)', type: 'text', value: engine.outbox.settings.url ?? '' },
        { name: 'enabled', label: 'enabled', type: 'checkbox', value: engine.outbox.settings.enabled ? '1' : '' },
        { name: 'signed', label: 'signed (ECDSA)', type: 'checkbox', value: engine.outbox.settings.signed ? '1' : '' },
        { name: 'batchWindowMs', label: 'batch window ms', type: 'number', value: String(engine.outbox.settings.batchWindowMs) },
      ],
    },
    (form) => {
      const url = field(form, 'url');
      if (url !== '' && !/^https?:\/\/\S+$/.test(url)) return `not an http(s) URL: ${url}`;
      const windowMs = Number(field(form, 'batchWindowMs'));
      engine.outbox.settings = {
        ...engine.outbox.settings,
        url: url === '' ? null : url,
        enabled: field(form, 'enabled') === '1',
        signed: field(form, 'signed') === '1',
        ...(Number.isFinite(windowMs) && windowMs >= 0 ? { batchWindowMs: windowMs } : {}),
      };
      return `Event Webhook ${engine.outbox.settings.enabled ? `on → ${engine.outbox.url ?? ''}` : 'off'}, ${engine.outbox.settings.signed ? 'signed' : 'unsigned'}, batch window ${engine.outbox.settings.batchWindowMs} ms`;
    },
  );
  sim.addAction(
    {
      name: 'engagement',
      label: 'Apply engagement of ordinary recipients',
      fields: [
        { name: 'openRate', label: 'open rate 0..1', type: 'text', value: String(engine.engagement.openRate) },
        { name: 'machineOpenShare', label: 'machine share of opens 0..1', type: 'text', value: String(engine.engagement.machineOpenShare) },
        { name: 'clickRate', label: 'click rate of human openers 0..1', type: 'text', value: String(engine.engagement.clickRate) },
      ],
    },
    (form) => {
      const open = Share.safeParse(field(form, 'openRate'));
      const machine = Share.safeParse(field(form, 'machineOpenShare'));
      const click = Share.safeParse(field(form, 'clickRate'));
      if (!open.success || !machine.success || !click.success) return 'each rate must be a number within 0..1';
      engine.engagement = { openRate: open.data, machineOpenShare: machine.data, clickRate: click.data };
      return `opens ${open.data}, machine share ${machine.data}, clicks ${click.data}`;
    },
  );

  sim.addConsoleSection(() => ({ kind: 'html', title: 'Event Webhook', html: renderWebhook(engine, args.publicKey) }));
  sim.addConsoleSection(() => ({ kind: 'html', title: 'Inbox (received email per recipient)', html: renderInbox(engine, sim) }));
  sim.addConsoleSection(() => ({
    kind: 'table',
    title: 'Events (latest 100)',
    columns: ['time', 'event', 'email', 'sg_event_id', 'sg_message_id'],
    rows: engine.events().slice(-100).reverse().map((e) => [iso(e.timestamp * 1000), e.event, e.email, e.sg_event_id, e.sg_message_id]),
  }));
  sim.addConsoleSection(() => ({
    kind: 'table',
    title: 'Suppressions (→ dropped on the next send)',
    columns: ['list', 'email', 'group', 'since', 'reason'],
    rows: engine.suppressions.list().map((s) => [s.list, s.email, s.groupId === null ? '' : String(s.groupId), iso(s.created * 1000), s.reason]),
  }));
}

function renderWebhook(engine: SendGridEngine, publicKey: string): TrustedHtml {
  const s = engine.outbox.settings;
  const off = Object.entries(s.events).filter(([, on]) => !on).map(([name]) => name);
  return html`<p>${s.enabled ? html`Posting batches to <code>${engine.outbox.url ?? ''}</code>` : 'Disabled: events are recorded but not posted.'} ·
    ${s.signed ? 'signed' : 'unsigned'} · batch window ${s.batchWindowMs} ms · ${engine.outbox.posted().length} batch(es) posted
    ${off.length > 0 ? html` · not posted: ${off.join(', ')}` : ''} · sandbox-mode sends: ${engine.sandboxed}</p>
    <p>Verification key (SENDGRID_WEBHOOK_PUBLIC_KEY, base64 DER as SendGrid's settings show it):<br><code style="word-break:break-all">${publicKey}</code></p>`;
}

function renderInbox(engine: SendGridEngine, sim: Simulator): TrustedHtml {
  engine.processDue();
  const byRecipient = new Map<string, StoredMail[]>();
  for (const m of engine.mails()) {
    const key = normalizeEmail(m.to.email);
    const list = byRecipient.get(key) ?? [];
    list.push(m);
    byRecipient.set(key, list);
  }
  if (byRecipient.size === 0) return html`<p class="empty">No email sent yet.</p>`;
  const recipients = [...byRecipient.entries()].slice(0, 60);
  return html`${recipients.map(
    ([email, mails]) => html`<details ${recipients.length <= 8 ? html`open` : ''}><summary><strong>${email}</strong> · ${mails.length} message(s) · ${mails.filter((m) => m.status === 'delivered').length} in inbox</summary>
      <table style="table-layout:fixed"><tbody>${mails.slice(0, 20).map(
        (m) => html`<tr><td style="width:150px">${iso(m.acceptedAt)}</td><td style="width:35%"><a href="${messagePath(sim, m.sgMessageId)}">${m.subject || '(no subject)'}</a></td>
          <td style="width:90px">${m.status}</td><td>${m.events.map((e) => e.event).join(' → ')}</td></tr>`,
      )}</tbody></table></details>`,
  )}${byRecipient.size > recipients.length ? html`<p class="empty">…and ${byRecipient.size - recipients.length} more recipients (JSON: <code>${sim.consolePath}api/messages</code>)</p>` : ''}`;
}
