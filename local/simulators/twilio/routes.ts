/**
 * Twilio REST routes, host-prefixed as the SDK seam rewrites them
 * (`/api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages…`): Basic auth, form parsing with zod,
 * Twilio error codes and bodies, Message resource JSON.
 */
import { z } from 'zod';
import {
  SeededRandom,
  checkBasicAuth,
  emptyResponse,
  formValue,
  formValues,
  jsonResponse,
  twilioError,
  type SimRequest,
  type SimResponse,
  type Simulator,
} from '../harness';
import type { TwilioEngine } from './engine';
import { REST_ERRORS, TWILIO_API_VERSION, type RestErrorName } from './model';
import { dateSentBounds, renderMessage, type MessageQuery } from './store';

const PREFIX = `/api.twilio.com/${TWILIO_API_VERSION}/Accounts/:accountSid`;

const CreateForm = z.object({
  To: z.string().optional(),
  From: z.string().optional(),
  MessagingServiceSid: z.string().optional(),
  Body: z.string().optional(),
  StatusCallback: z.string().optional(),
  ValidityPeriod: z.string().optional(),
  ScheduleType: z.enum(['fixed']).optional(),
  SendAt: z.string().optional(),
});

const UpdateForm = z.object({ Status: z.string().optional(), Body: z.string().optional() });

const ListQuery = z.object({
  To: z.string().optional(),
  From: z.string().optional(),
  DateSent: z.string().optional(),
  'DateSent<': z.string().optional(),
  'DateSent>': z.string().optional(),
  PageSize: z.coerce.number().int().min(1).max(1000).default(50),
  Page: z.coerce.number().int().min(0).default(0),
  PageToken: z.string().optional(),
});

/** Injected API failures (for retry / reconciliation tests): share of creates answered 429 or 500. */
export interface FaultKnobs {
  readonly rate429: number;
  readonly rate500: number;
  /** Share of creates that succeed but answer 500 anyway (the app must reconcile, not resend). */
  readonly rateLostResponse: number;
}

export const NO_FAULTS: FaultKnobs = Object.freeze({ rate429: 0, rate500: 0, rateLostResponse: 0 });

export function restError(name: RestErrorName, message?: string): SimResponse {
  const e = REST_ERRORS[name];
  return twilioError({ status: e.status, code: e.code, message: message ?? e.message });
}

function firstValues(req: SimRequest): Record<string, string> {
  const form = req.form();
  const out: Record<string, string> = {};
  for (const key of Object.keys(form)) {
    const v = formValue(form, key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export function mountTwilioRoutes(args: { sim: Simulator; engine: TwilioEngine; authToken: string; faults: () => FaultKnobs; seed: number }): void {
  const { sim, engine } = args;
  const faultRandom = new SeededRandom(args.seed ^ 0x5eed);

  /** Basic auth as the account in the path; 20003 otherwise. */
  const authorized = (req: SimRequest): boolean => {
    const sid = req.params['accountSid'] ?? '';
    return sid === engine.accountSid && checkBasicAuth(req, [{ username: engine.accountSid, password: args.authToken }]) !== null;
  };

  sim.route('POST', `${PREFIX}/Messages.json`, (req) => {
    if (!authorized(req)) return restError('auth');
    const faults = args.faults();
    if (faultRandom.chance(faults.rate429)) return restError('tooManyRequests');
    if (faultRandom.chance(faults.rate500)) return twilioError({ status: 500, code: 20500, message: 'Internal Server Error' });
    const form = CreateForm.safeParse(firstValues(req));
    if (!form.success) return restError('invalidParameter', form.error.issues[0]?.message);
    const f = form.data;
    const validity = f.ValidityPeriod === undefined ? undefined : Number(f.ValidityPeriod);
    const sendAt = f.SendAt === undefined ? undefined : Date.parse(f.SendAt);
    if (sendAt !== undefined && (Number.isNaN(sendAt) || f.ScheduleType !== 'fixed')) return restError('invalidParameter', "SendAt needs ScheduleType=fixed and an ISO-8601 time");
    const result = engine.create({
      to: f.To,
      from: f.From,
      messagingServiceSid: f.MessagingServiceSid,
      body: f.Body,
      mediaUrls: formValues(req.form(), 'MediaUrl'),
      statusCallback: f.StatusCallback,
      validityPeriodS: validity === undefined || Number.isNaN(validity) ? validity : Math.trunc(validity),
      sendAt,
    });
    if (!result.ok) return restError(result.error);
    if (faultRandom.chance(faults.rateLostResponse)) return twilioError({ status: 500, code: 20500, message: 'Internal Server Error' });
    return jsonResponse(201, renderMessage(result.message));
  });

  sim.route('GET', `${PREFIX}/Messages.json`, (req) => {
    if (!authorized(req)) return restError('auth');
    engine.processDue();
    const parsed = ListQuery.safeParse(Object.fromEntries(req.query.entries()));
    if (!parsed.success) return restError('invalidParameter', parsed.error.issues[0]?.message);
    const q = parsed.data;
    let query: MessageQuery = { ...(q.To !== undefined ? { to: q.To } : {}), ...(q.From !== undefined ? { from: q.From } : {}) };
    const echo: [string, string][] = [];
    if (q.To !== undefined) echo.push(['To', q.To]);
    if (q.From !== undefined) echo.push(['From', q.From]);
    const dateFilters: [string | undefined, '=' | '<' | '>', string][] = [
      [q.DateSent, '=', 'DateSent'],
      [q['DateSent<'], '<', 'DateSent<'],
      [q['DateSent>'], '>', 'DateSent>'],
    ];
    for (const [value, op, key] of dateFilters) {
      if (value === undefined) continue;
      const bounds = dateSentBounds(value, op);
      if (bounds === null) return restError('invalidParameter', `Invalid ${key}`);
      query = {
        ...query,
        ...(bounds.from !== undefined ? { dateSentFrom: Math.max(bounds.from, query.dateSentFrom ?? -Infinity) } : {}),
        ...(bounds.to !== undefined ? { dateSentTo: Math.min(bounds.to, query.dateSentTo ?? Infinity) } : {}),
      };
      echo.push([key, value]);
    }
    return jsonResponse(200, engine.store.listPage(engine.accountSid, { query, pageSize: q.PageSize, page: q.Page, pageToken: q.PageToken ?? null, echo }));
  });

  sim.route('GET', `${PREFIX}/Messages/:messageSid.json`, (req) => {
    if (!authorized(req)) return restError('auth');
    engine.processDue();
    const message = engine.store.get(req.params['messageSid'] ?? '');
    if (!message || message.accountSid !== engine.accountSid) return notFound(req);
    return jsonResponse(200, renderMessage(message));
  });

  sim.route('POST', `${PREFIX}/Messages/:messageSid.json`, (req) => {
    if (!authorized(req)) return restError('auth');
    const form = UpdateForm.safeParse(firstValues(req));
    if (!form.success) return restError('invalidParameter');
    const sid = req.params['messageSid'] ?? '';
    if (!engine.store.get(sid)) return notFound(req);
    const { Status, Body } = form.data;
    if (Status !== undefined && Status !== 'canceled') return restError('invalidParameter', "Status can only be updated to 'canceled'");
    const result = Status === 'canceled' ? engine.cancel(sid) : Body === '' ? engine.redact(sid) : null;
    if (result === null) return restError('invalidParameter', "Provide Status=canceled or Body=''");
    if (!result.ok) return restError(result.error);
    return jsonResponse(200, renderMessage(result.message));
  });

  sim.route('DELETE', `${PREFIX}/Messages/:messageSid.json`, (req) => {
    if (!authorized(req)) return restError('auth');
    return engine.store.delete(req.params['messageSid'] ?? '') ? emptyResponse(204) : notFound(req);
  });
}

function notFound(req: SimRequest): SimResponse {
  const path = req.path.replace(/^\/api\.twilio\.com/, '');
  return restError('notFound', `The requested resource ${path} was not found`);
}
