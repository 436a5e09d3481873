/**
 * The Twilio simulator's console (`/_sim/twilio/`) and its JSON API: handsets (each driver's
 * conversation, reply as any driver), messages, opt-outs, behaviour knobs.
 */
import { z } from 'zod';
import { formValue, html, jsonResponse, type FormParams, type SimRequest, type Simulator, type TrustedHtml } from '../harness';
import type { TwilioEngine } from './engine';
import { renderMessage } from './store';
import type { MessageStatus, StoredMessage } from './model';

const HandsetSend = z.object({ body: z.string().min(1).max(1600), to: z.string().regex(/^\+[1-9]\d{6,14}$/).optional() });
const Phone = z.string().regex(/^\+[1-9]\d{6,14}$/);
const STATUSES: readonly MessageStatus[] = ['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'canceled', 'received'];

function bodyOf(req: SimRequest): unknown {
  const type = req.header('content-type') ?? '';
  if (type.includes('json')) return req.json();
  const form = req.form();
  return { body: formValue(form, 'body'), to: formValue(form, 'to') || undefined };
}

function field(form: FormParams, key: string): string {
  return (formValue(form, key) ?? '').trim();
}

export function mountTwilioConsole(args: { sim: Simulator; engine: TwilioEngine }): void {
  const { sim, engine } = args;
  const api = `${sim.consolePath}api`;

  sim.route('POST', `${api}/handset/:phone/send`, (req) => {
    const phone = Phone.safeParse(req.params['phone']);
    const input = HandsetSend.safeParse(bodyOf(req));
    if (!phone.success || !input.success) return jsonResponse(400, { error: 'need a path phone in E.164 and a JSON body {"body": "...", "to"?: "+1…"}' });
    engine.processDue();
    const result = engine.receive({ phone: phone.data, body: input.data.body, ...(input.data.to ? { to: input.data.to } : {}) });
    return jsonResponse(200, { message: renderMessage(result.message), keyword: result.keyword, webhooks: result.webhooks });
  });

  sim.route('GET', `${api}/handset/:phone`, (req) => {
    const phone = req.params['phone'] ?? '';
    engine.processDue();
    return jsonResponse(200, { phone, optedOutOf: engine.optOuts.list().filter((o) => o.phone === phone).map((o) => o.scope), messages: engine.handsets.conversation(phone).map(describe) });
  });

  sim.route('GET', `${api}/messages`, (req) => {
    engine.processDue();
    const status = req.query.get('status');
    const messages = engine.store.find({
      ...(req.query.get('to') ? { to: req.query.get('to') ?? '' } : {}),
      ...(req.query.get('from') ? { from: req.query.get('from') ?? '' } : {}),
      ...(status && (STATUSES as readonly string[]).includes(status) ? { status: status as MessageStatus } : {}),
    });
    const limit = Number(req.query.get('limit') ?? '200');
    return jsonResponse(200, { total: messages.length, messages: messages.slice(0, Math.max(1, limit)).map(describe) });
  });

  sim.route('GET', `${api}/optouts`, () => jsonResponse(200, { optOuts: engine.optOuts.list() }));

  sim.addAction(
    {
      name: 'handset-send',
      label: 'Text from a handset',
      fields: [
        { name: 'phone', label: 'driver phone', type: 'text', placeholder: '+15125550100' },
        { name: 'to', label: 'to (blank: last sender)', type: 'text' },
        { name: 'body', label: 'message', type: 'textarea', placeholder: 'YES / STOP / a question' },
      ],
    },
    (form) => sendFromConsole(engine, form),
  );
  sim.addAction(
    {
      name: 'settings',
      label: 'Apply behaviour settings',
      fields: [
        { name: 'replyShare', label: 'driver reply share 0..1', type: 'text', value: String(engine.driverReplies.share) },
        { name: 'defaultMps', label: 'segments/s per sender', type: 'number', value: String(engine.defaultMps) },
        { name: 'stopReply', label: 'Twilio replies to STOP/START', type: 'checkbox', value: engine.keywordReplies.stop ? '1' : '' },
        { name: 'helpReply', label: 'Twilio replies to HELP', type: 'checkbox', value: engine.keywordReplies.help ? '1' : '' },
      ],
    },
    (form) => {
      const share = Number(field(form, 'replyShare'));
      const mps = Number(field(form, 'defaultMps'));
      if (Number.isFinite(share) && share >= 0 && share <= 1) engine.driverReplies = { ...engine.driverReplies, share };
      if (Number.isFinite(mps) && mps > 0) engine.defaultMps = mps;
      const on = (k: string): boolean => field(form, k) === '1';
      engine.keywordReplies = { stop: on('stopReply'), start: on('stopReply'), help: on('helpReply') };
      return `driver replies ${engine.driverReplies.share}, ${engine.defaultMps} MPS, keyword replies STOP/START ${on('stopReply') ? 'on' : 'off'}, HELP ${on('helpReply') ? 'on' : 'off'}`;
    },
  );

  sim.addConsoleSection(() => ({ kind: 'html', title: 'Handsets (drivers’ phones)', html: renderHandsets(engine, sim.consolePath) }));
  sim.addConsoleSection(() => ({
    kind: 'table',
    title: 'Opt-outs (Twilio block list → 21610)',
    columns: ['phone', 'sender scope', 'since'],
    rows: engine.optOuts.list().map((o) => [o.phone, o.scope, new Date(o.since).toISOString()]),
  }));
}

function sendFromConsole(engine: TwilioEngine, form: FormParams): string {
  const phone = Phone.safeParse(field(form, 'phone'));
  const to = field(form, 'to');
  const body = field(form, 'body');
  if (!phone.success || body === '') return 'need a phone in E.164 and a message';
  engine.processDue();
  const result = engine.receive({ phone: phone.data, body, ...(to ? { to } : {}) });
  return `${phone.data} → ${result.message.to}: "${body}"${result.keyword ? ` (keyword ${result.keyword})` : ''}; webhook queued`;
}

function describe(m: StoredMessage): Record<string, unknown> {
  return { ...renderMessage(m), history: m.history };
}

function renderHandsets(engine: TwilioEngine, mount: string): TrustedHtml {
  engine.processDue();
  const phones = engine.handsets.phones().slice(0, 40);
  if (phones.length === 0) return html`<p class="empty">No handset has sent or received anything yet.</p>`;
  return html`<div style="display:flex;flex-wrap:wrap;gap:10px">${phones.map((phone) => {
    const conversation = engine.handsets.conversation(phone).slice(-12);
    const blocked = engine.optOuts.list().filter((o) => o.phone === phone);
    return html`<div style="border:1px solid #dde1e7;border-radius:8px;padding:6px;width:300px;background:#fafbfc">
      <strong>${phone}</strong>${blocked.length > 0 ? html` <span style="color:#b00">opted out of ${blocked.map((b) => b.scope).join(', ')}</span>` : ''}
      ${conversation.map((m) => {
        const mine = m.direction === 'inbound';
        const style = mine ? 'margin:4px 0 4px 40px;background:#d9f2dd' : 'margin:4px 40px 4px 0;background:#e6ecf5';
        return html`<div style="${style};border-radius:6px;padding:4px 6px;font-size:12px">${m.body}<br><small>${m.direction === 'inbound' ? 'driver' : (m.from ?? m.messagingServiceSid ?? '')} · ${m.status}${m.errorCode !== null ? ` ${m.errorCode}` : ''}</small></div>`;
      })}
      <form method="post" action="${mount}actions/handset-send" style="display:flex;gap:4px">
        <input type="hidden" name="phone" value="${phone}"><input name="body" placeholder="reply as this driver" style="flex:1">
        <button>Send</button></form></div>`;
  })}</div>`;
}
