/**
 * Tiny stand-in Twilio and SendGrid routes on the harness, just enough to prove the SDK seams.
 * The full simulators (issues 4 and 5) replace these.
 */
import { z } from 'zod';
import {
  DEFAULT_CREDENTIALS,
  MagicTable,
  ManualClock,
  Simulator,
  checkBasicAuth,
  checkBearer,
  emptyResponse,
  formValue,
  jsonResponse,
  normalizeEmail,
  normalizePhone,
  sendGridError,
  twilioError,
  parseBasicAuth,
  parseBearer,
  type BasicCredentials,
  type FormParams,
  type SimRequest,
  type SimResponse,
} from '../../local/simulators/harness';

/** What a stand-in route saw, for assertions. */
export interface TwilioReceived {
  readonly auth: BasicCredentials | null;
  readonly form: FormParams;
}
export interface SendGridReceived {
  readonly bearer: string | null;
  readonly body: unknown;
}

type SmsOutcome = 'accept' | 'invalid-to';
type MailOutcome = 'accept' | 'invalid-address';

export function createTwilioStandIn(clock = new ManualClock()): { sim: Simulator; magic: MagicTable<SmsOutcome>; received: TwilioReceived[] } {
  const received: TwilioReceived[] = [];
  const sim = new Simulator({ name: 'twilio-standin', description: 'stand-in Twilio routes', errorDialect: 'twilio', clock });
  const magic = new MagicTable<SmsOutcome>({
    fallback: 'accept',
    normalize: normalizePhone,
    rules: [{ match: '+15005550001', outcome: 'invalid-to', note: '21211 invalid To' }],
  });
  sim.registerMagicTable('Magic numbers', magic);
  let counter = 0;
  const { accountSid, authToken } = DEFAULT_CREDENTIALS.twilio;
  sim.route('POST', '/api.twilio.com/2010-04-01/Accounts/:sid/Messages.json', (req: SimRequest): SimResponse => {
    received.push({ auth: parseBasicAuth(req.header('authorization')), form: req.form() });
    if (!checkBasicAuth(req, [{ username: accountSid, password: authToken }]) || req.params['sid'] !== accountSid) {
      return twilioError({ status: 401, code: 20003, message: 'Authenticate' });
    }
    const form = req.form();
    const to = formValue(form, 'To') ?? '';
    const outcome = magic.outcomeFor(to);
    switch (outcome) {
      case 'invalid-to':
        return twilioError({ status: 400, code: 21211, message: `The 'To' number ${to} is not a valid phone number.` });
      case 'accept': {
        counter += 1;
        const sid = `SM${counter.toString(16).padStart(32, '0')}`;
        const date = new Date(clock.now()).toUTCString().replace('GMT', '+0000');
        return jsonResponse(201, {
          account_sid: accountSid,
          api_version: '2010-04-01',
          body: formValue(form, 'Body') ?? '',
          date_created: date,
          date_sent: null,
          date_updated: date,
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
          from: formValue(form, 'From') ?? null,
          messaging_service_sid: null,
          num_media: '0',
          num_segments: '1',
          price: null,
          price_unit: 'USD',
          sid,
          status: 'queued',
          subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
          to,
          uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
        });
      }
      default: {
        const exhaustive: never = outcome;
        throw new Error(`unhandled outcome ${String(exhaustive)}`);
      }
    }
  });
  return { sim, magic, received };
}

const MailSend = z.object({
  personalizations: z.array(z.object({ to: z.array(z.object({ email: z.string(), name: z.string().optional() })).min(1) }).loose()).min(1).max(1000),
  from: z.object({ email: z.string(), name: z.string().optional() }),
  subject: z.string().optional(),
  content: z.array(z.object({ type: z.string(), value: z.string() })).optional(),
});

export function createSendGridStandIn(clock = new ManualClock()): { sim: Simulator; magic: MagicTable<MailOutcome>; received: SendGridReceived[] } {
  const received: SendGridReceived[] = [];
  const sim = new Simulator({ name: 'sendgrid-standin', description: 'stand-in SendGrid routes', errorDialect: 'sendgrid', clock });
  const magic = new MagicTable<MailOutcome>({
    fallback: 'accept',
    normalize: normalizeEmail,
    rules: [{ match: /^invalid[^@]*@/, outcome: 'invalid-address', note: '400 invalid email' }],
  });
  let counter = 0;
  sim.route('POST', '/v3/mail/send', (req: SimRequest): SimResponse => {
    received.push({ bearer: parseBearer(req.header('authorization')), body: req.json() });
    if (!checkBearer(req, [DEFAULT_CREDENTIALS.sendgrid.apiKey])) {
      return sendGridError(401, [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null }]);
    }
    const parsed = MailSend.safeParse(req.json());
    if (!parsed.success) return sendGridError(400, [{ message: parsed.error.issues[0]?.message ?? 'invalid', field: parsed.error.issues[0]?.path.join('.') ?? null }]);
    for (const [i, p] of parsed.data.personalizations.entries()) {
      for (const [j, to] of p.to.entries()) {
        if (magic.outcomeFor(to.email) === 'invalid-address') {
          return sendGridError(400, [{ message: 'Does not contain a valid address.', field: `personalizations.${i}.to.${j}.email`, help: 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.personalizations.to' }]);
        }
      }
    }
    counter += 1;
    return emptyResponse(202, { 'x-message-id': `LocalSim${String(counter).padStart(14, '0')}` });
  });
  return { sim, magic, received };
}
