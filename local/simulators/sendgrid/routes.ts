/**
 * SendGrid API routes on their real paths (`POST /v3/mail/send`, Event Webhook settings,
 * suppressions) with Bearer auth and SendGrid's `{"errors":[…]}` bodies, plus the recipient-facing
 * tracking endpoints SendGrid serves from its link-branding domain (`/ls/click`, `/wf/open`,
 * `/wf/unsubscribe`, `/asm/unsubscribe`).
 */
import * as z from 'zod';
import { SeededRandom, checkBearer, emptyResponse, escapeHtml, htmlResponse, jsonResponse, parseBearer, redirectResponse, sendGridError, type SimRequest, type SimResponse, type Simulator } from '../harness';
import type { Actor } from './engagement';
import type { SendGridEngine } from './engine';
import { toggleOf, type EventToggleName } from './outbox';
import { SENDGRID_EVENT_NAMES, type StoredMail } from './model';
import type { TemplateStore } from './templates';
import { TRACKING_PATHS } from './tracking';
import { validateMailSend } from './validate';

/** Injected API failures (for the app's retry tests): share of sends answered 429 or 500. */
export interface FaultKnobs {
  readonly rate429: number;
  readonly rate500: number;
}

export const NO_FAULTS: FaultKnobs = Object.freeze({ rate429: 0, rate500: 0 });

export interface RouteContext {
  readonly sim: Simulator;
  readonly engine: SendGridEngine;
  readonly templates: TemplateStore;
  readonly apiKeys: () => readonly string[];
  readonly publicKey: string;
  readonly asmGroups: readonly number[] | null;
  /** Sender identities allowed in `from`; null accepts any (no 403). */
  readonly verifiedSenders: readonly (string | RegExp)[] | null;
  readonly faults: () => FaultKnobs;
  readonly seed: number;
}

const UNVERIFIED_SENDER =
  'The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved. Visit https://sendgrid.com/docs/for-developers/sending-email/sender-identity/ to see the Sender Identity requirements';
const TOGGLES: readonly EventToggleName[] = SENDGRID_EVENT_NAMES.map(toggleOf);
const SettingsPatch = z.object({ enabled: z.boolean().optional(), url: z.url().optional(), ...Object.fromEntries(TOGGLES.map((t) => [t, z.boolean().optional()])) }).loose();
const SignedPatch = z.object({ enabled: z.boolean() });
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** 401 with SendGrid's wording for a missing vs a wrong key. */
function unauthorized(req: SimRequest): SimResponse {
  const message = parseBearer(req.header('authorization')) === null ? 'authorization required' : 'The provided authorization grant is invalid, expired, or revoked';
  return sendGridError(401, [{ message, field: null, help: null }]);
}

function actorOf(req: SimRequest): Actor {
  return { useragent: req.header('user-agent') ?? 'unknown', ip: (req.header('x-forwarded-for') ?? '127.0.0.1').split(',')[0]?.trim() ?? '127.0.0.1' };
}

function page(title: string, body: string): SimResponse {
  return htmlResponse(200, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font:15px system-ui;margin:40px">${body}</body></html>`);
}

export function mountSendGridRoutes(ctx: RouteContext): void {
  const { sim, engine } = ctx;
  const faultRandom = new SeededRandom(ctx.seed ^ 0x5e9d);
  const authorized = (req: SimRequest): boolean => checkBearer(req, ctx.apiKeys()) !== null;
  const verified = (email: string): boolean =>
    ctx.verifiedSenders === null || ctx.verifiedSenders.some((s) => (typeof s === 'string' ? s.toLowerCase() === email.trim().toLowerCase() : s.test(email)));

  sim.route('POST', '/v3/mail/send', (req) => {
    if (!authorized(req)) return unauthorized(req);
    const faults = ctx.faults();
    if (faultRandom.chance(faults.rate429)) return sendGridError(429, [{ message: 'too many requests', field: null }]);
    if (faultRandom.chance(faults.rate500)) return sendGridError(500, [{ message: 'internal error', field: null }]);
    const result = validateMailSend(req.json(), { now: sim.clock.now(), templateExists: (id) => ctx.templates.has(id), asmGroups: ctx.asmGroups });
    if (!result.ok) return sendGridError(400, result.errors);
    const mail = result.mail;
    const senders = [mail.from?.email ?? '', ...(mail.personalizations ?? []).flatMap((p) => (p.from ? [p.from.email] : []))];
    if (!senders.every(verified)) return sendGridError(403, [{ message: UNVERIFIED_SENDER, field: 'from', help: null }]);
    if (mail.mail_settings?.sandbox_mode?.enable === true) {
      engine.sandboxed += 1;
      return emptyResponse(200);
    }
    const { xMessageId } = engine.accept(mail);
    return emptyResponse(202, { 'x-message-id': xMessageId });
  });

  // ----- Event Webhook settings (legacy single-webhook endpoints) -----
  const renderSettings = (): Record<string, unknown> => ({
    enabled: engine.outbox.settings.enabled,
    url: engine.outbox.url ?? engine.outbox.settings.url ?? '',
    ...Object.fromEntries(TOGGLES.map((t) => [t, engine.outbox.settings.events[t]])),
    oauth_client_id: '',
    oauth_token_url: '',
  });
  sim.route('GET', '/v3/user/webhooks/event/settings', (req) => (authorized(req) ? jsonResponse(200, renderSettings()) : unauthorized(req)));
  sim.route('PATCH', '/v3/user/webhooks/event/settings', (req) => {
    if (!authorized(req)) return unauthorized(req);
    const patch = SettingsPatch.safeParse(req.json());
    if (!patch.success) return sendGridError(400, [{ message: patch.error.issues[0]?.message ?? 'invalid settings', field: patch.error.issues[0]?.path.join('.') ?? null }]);
    const events = { ...engine.outbox.settings.events };
    for (const t of TOGGLES) {
      const v: unknown = patch.data[t];
      if (typeof v === 'boolean') events[t] = v;
    }
    engine.outbox.settings = {
      ...engine.outbox.settings,
      events,
      ...(patch.data.enabled !== undefined ? { enabled: patch.data.enabled } : {}),
      ...(patch.data.url !== undefined ? { url: patch.data.url } : {}),
    };
    return jsonResponse(200, renderSettings());
  });
  const signedBody = (): Record<string, string> => ({ public_key: engine.outbox.settings.signed ? ctx.publicKey : '' });
  sim.route('GET', '/v3/user/webhooks/event/settings/signed', (req) => (authorized(req) ? jsonResponse(200, signedBody()) : unauthorized(req)));
  sim.route('PATCH', '/v3/user/webhooks/event/settings/signed', (req) => {
    if (!authorized(req)) return unauthorized(req);
    const patch = SignedPatch.safeParse(req.json());
    if (!patch.success) return sendGridError(400, [{ message: 'enabled must be a boolean', field: 'enabled' }]);
    engine.outbox.settings = { ...engine.outbox.settings, signed: patch.data.enabled };
    return jsonResponse(200, signedBody());
  });

  // ----- Suppressions -----
  const listRoute = (path: string, list: 'bounces' | 'spam_reports' | 'unsubscribes'): void => {
    sim.route('GET', path, (req) => {
      if (!authorized(req)) return unauthorized(req);
      engine.processDue();
      return jsonResponse(200, engine.suppressions.list(list).map((e) => (list === 'unsubscribes' ? { email: e.email, created: e.created } : { email: e.email, created: e.created, reason: e.reason, status: e.status })));
    });
  };
  listRoute('/v3/suppression/bounces', 'bounces');
  listRoute('/v3/suppression/spam_reports', 'spam_reports');
  listRoute('/v3/suppression/unsubscribes', 'unsubscribes');
  sim.route('GET', '/v3/asm/groups/:groupId/suppressions', (req) => {
    if (!authorized(req)) return unauthorized(req);
    const group = Number(req.params['groupId']);
    return jsonResponse(200, engine.suppressions.list('group_unsubscribes').filter((e) => e.groupId === group).map((e) => e.email));
  });
  const deleteRoute = (path: string, list: 'bounces' | 'spam_reports' | 'unsubscribes'): void => {
    sim.route('DELETE', path, (req) => {
      if (!authorized(req)) return unauthorized(req);
      return engine.suppressions.remove(list, req.params['email'] ?? '') ? emptyResponse(204) : sendGridError(404, [{ message: 'email not found', field: 'email' }]);
    });
  };
  deleteRoute('/v3/suppression/bounces/:email', 'bounces');
  deleteRoute('/v3/suppression/spam_reports/:email', 'spam_reports');
  deleteRoute('/v3/asm/suppressions/global/:email', 'unsubscribes');

  mountTrackingRoutes(ctx);
}

/** What a recipient's mail client reaches: tracked links, the open pixel, unsubscribe pages and one-click POSTs. */
function mountTrackingRoutes(ctx: RouteContext): void {
  const { sim, engine } = ctx;
  const expired = (): SimResponse => htmlResponse(404, '<!doctype html><p>This link has expired or is not valid.</p>');
  const isOneClick = (req: SimRequest): boolean => req.text().trim() === 'List-Unsubscribe=One-Click';
  const subjectOf = (m: StoredMail | undefined): string => escapeHtml(m?.subject ?? '');

  sim.route('GET', TRACKING_PATHS.click, (req) => {
    const target = engine.tokens.resolve(req.query.get('upn'));
    if (target?.kind !== 'click') return expired();
    engine.engage.click(target.sgMessageId, target.index, actorOf(req));
    return redirectResponse(target.url, 302);
  });

  sim.route('GET', TRACKING_PATHS.open, (req) => {
    const target = engine.tokens.resolve(req.query.get('upn'));
    if (target?.kind === 'open') engine.engage.open(target.sgMessageId, actorOf(req));
    return { status: 200, headers: { 'cache-control': 'no-cache, max-age=0' }, body: { kind: 'bytes', value: PIXEL, contentType: 'image/gif' } };
  });

  sim.route('*', TRACKING_PATHS.unsubscribe, (req) => {
    const target = engine.tokens.resolve(req.query.get('upn'));
    if (target?.kind !== 'unsubscribe') return expired();
    if (req.method === 'POST' && !isOneClick(req)) return htmlResponse(400, '<!doctype html><p>Expected List-Unsubscribe=One-Click.</p>');
    engine.engage.unsubscribe(target.sgMessageId);
    if (req.method === 'POST') return emptyResponse(200);
    return page('Unsubscribed', `<h1>You have been unsubscribed</h1><p>You will no longer receive email from this sender (“${subjectOf(engine.mail(target.sgMessageId))}”).</p>`);
  });

  sim.route('*', TRACKING_PATHS['group-unsubscribe'], (req) => {
    const target = engine.tokens.resolve(req.query.get('upn'));
    if (target?.kind !== 'group-unsubscribe') return expired();
    const pageUrl = `${sim.baseUrl}${req.path}?upn=${req.query.get('upn') ?? ''}`;
    const resubscribe = req.method === 'POST' && req.query.get('resubscribe') === '1';
    if (req.method === 'POST' && !resubscribe && !isOneClick(req)) return htmlResponse(400, '<!doctype html><p>Expected List-Unsubscribe=One-Click.</p>');
    engine.engage.groupUnsubscribe(target.sgMessageId, target.groupId, pageUrl, actorOf(req), resubscribe);
    if (req.method === 'POST' && !resubscribe) return emptyResponse(200);
    const action = `${escapeHtml(pageUrl)}&amp;resubscribe=1`;
    return resubscribe
      ? page('Resubscribed', `<h1>You are subscribed again</h1><p>Unsubscribe group ${target.groupId}.</p>`)
      : page(
          'Unsubscribed',
          `<h1>You have been unsubscribed</h1><p>from unsubscribe group ${target.groupId} (“${subjectOf(engine.mail(target.sgMessageId))}”).</p><form method="post" action="${action}"><button>Resubscribe</button></form>`,
        );
  });
}
