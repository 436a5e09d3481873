/**
 * A Twilio stand-in for the SMS tests, on the simulator harness, reached through the real SDK:
 * create (magic numbers 21211 / 21610 / 21614, injected 429 / 500), fetch, and list with `To`,
 * `DateSent>` / `DateSent<` filters and paging. Until local/simulators/twilio lands, this is what
 * the send path is tested against.
 */
import { DEFAULT_CREDENTIALS, ManualClock, Simulator, SeededRandom, formValue, jsonResponse, twilioError, type SimRequest, type SimResponse } from '../../local/simulators/harness';

export interface StoredMessage {
  sid: string;
  to: string;
  body: string;
  status: string;
  dateCreated: number;
  dateSent: number;
  price: string;
  statusCallback: string | null;
}

export interface StandIn {
  readonly sim: Simulator;
  readonly messages: StoredMessage[];
  /** Share of creates answered 429 or 500 (half each) before anything is stored. */
  faultRate: number;
  creates: number;
}

const { accountSid, authToken } = DEFAULT_CREDENTIALS.twilio;

function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

function resource(m: StoredMessage): Record<string, unknown> {
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: rfc2822(m.dateSent),
    date_updated: rfc2822(m.dateCreated),
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: DEFAULT_CREDENTIALS.twilio.fromNumber,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: '1',
    price: m.price,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: {},
    to: m.to,
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}.json`,
  };
}

export function createSmsStandIn(options: { seed?: number; now: () => number }): StandIn {
  const clock = new ManualClock();
  const sim = new Simulator({ name: 'twilio-sms-standin', description: 'SMS test stand-in', errorDialect: 'twilio', clock });
  const rng = new SeededRandom(options.seed ?? 7);
  const state: StandIn = { sim, messages: [], faultRate: 0, creates: 0 };
  const base = `/api.twilio.com/2010-04-01/Accounts/:sid`;
  const authed = (req: SimRequest): boolean => req.params['sid'] === accountSid && (req.header('authorization') ?? '') === `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  sim.route('POST', `${base}/Messages.json`, (req): SimResponse => {
    if (!authed(req)) return twilioError({ status: 401, code: 20003, message: 'Authenticate' });
    if (state.faultRate > 0 && rng.next() < state.faultRate) {
      return rng.next() < 0.5 ? twilioError({ status: 429, code: 20429, message: 'Too Many Requests' }) : twilioError({ status: 500, code: 20500, message: 'Internal Server Error' });
    }
    const form = req.form();
    const to = formValue(form, 'To') ?? '';
    if (to.endsWith('5550001')) return twilioError({ status: 400, code: 21211, message: `The 'To' number is not a valid phone number.` });
    if (to.endsWith('5550004')) return twilioError({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    if (to.endsWith('5550009')) return twilioError({ status: 400, code: 21614, message: "'To' number is not a valid mobile number" });
    state.creates += 1;
    const at = options.now();
    const m: StoredMessage = {
      sid: `SM${state.creates.toString(16).padStart(32, '0')}`,
      to,
      body: formValue(form, 'Body') ?? '',
      status: 'sent',
      dateCreated: at,
      dateSent: at,
      price: '-0.00790',
      statusCallback: formValue(form, 'StatusCallback') ?? null,
    };
    state.messages.push(m);
    return jsonResponse(201, { ...resource(m), status: 'queued', price: null });
  });

  sim.route('GET', `${base}/Messages/:msid.json`, (req): SimResponse => {
    if (!authed(req)) return twilioError({ status: 401, code: 20003, message: 'Authenticate' });
    const m = state.messages.find((x) => x.sid === req.params['msid']);
    return m ? jsonResponse(200, resource(m)) : twilioError({ status: 404, code: 20404, message: 'not found' });
  });

  sim.route('GET', `${base}/Messages.json`, (req): SimResponse => {
    if (!authed(req)) return twilioError({ status: 401, code: 20003, message: 'Authenticate' });
    const q = req.query;
    const to = q.get('To');
    const after = q.get('DateSent>');
    const before = q.get('DateSent<');
    const pageSize = Math.min(1000, Number(q.get('PageSize') ?? '50'));
    const page = Number(q.get('Page') ?? '0');
    const day = (s: string): number => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
    const list = state.messages
      .filter((m) => (to ? m.to === to : true) && (after ? m.dateSent >= day(after) : true) && (before ? m.dateSent < day(before) : true))
      .sort((a, b) => b.dateCreated - a.dateCreated || (a.sid < b.sid ? 1 : -1));
    const slice = list.slice(page * pageSize, (page + 1) * pageSize);
    const next = new URLSearchParams(q);
    next.set('Page', String(page + 1));
    next.set('PageSize', String(pageSize));
    return jsonResponse(200, {
      messages: slice.map(resource),
      page,
      page_size: pageSize,
      start: page * pageSize,
      end: page * pageSize + slice.length - 1,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages.json?${q.toString()}`,
      first_page_uri: null,
      previous_page_uri: null,
      next_page_uri: (page + 1) * pageSize < list.length ? `/2010-04-01/Accounts/${accountSid}/Messages.json?${next.toString()}` : null,
    });
  });
  return state;
}
