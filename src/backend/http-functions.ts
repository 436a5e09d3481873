/**
 * HTTP functions (`/_functions/<name>`): webhooks, feeds and health. Handlers stay thin: verify,
 * validate, call the domain, map to a response.
 */
import { badRequest, forbidden, ok, serverError, type WixHttpFunctionRequest, type WixHttpFunctionResponse } from './platform';
import { createLogger, getOptionalSecret } from './platform';
import { verifyTwilioSignature, type WebhookFormParams } from './providers';
import { handleIncomingSms, handleStatusCallback, InboundParams, StatusCallbackParams, twiml } from './sms/webhooks';
import { handleSendGridEventWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './email/events';
import { unsubscribeOneClick, unsubscribePage, type UnsubscribeResponse } from './email/unsubscribe';

const log = createLogger('http');

/** `GET /_functions/health` — liveness for uptime checks and the local host's start-up probe. */
export function get_health(_request: WixHttpFunctionRequest): WixHttpFunctionResponse {
  return ok({ body: { status: 'ok' }, headers: { 'Content-Type': 'application/json' } });
}

function formParams(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function single(params: WebhookFormParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'string' ? v : (v[0] ?? '');
  return out;
}

function header(request: WixHttpFunctionRequest, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(request.headers)) if (k.toLowerCase() === wanted) return v;
  return null;
}

/**
 * `POST /_functions/twilio/status` and `/_functions/twilio/incoming`. The signature is checked
 * against the configured public URL (PUBLIC_BASE_URL + path + query) over the raw form body before
 * anything is read or written; 403 otherwise.
 */
export async function post_twilio(request: WixHttpFunctionRequest): Promise<WixHttpFunctionResponse> {
  const route = request.path[0];
  if (route !== 'status' && route !== 'incoming') return badRequest({ body: 'unknown twilio route' });
  const [authToken, publicBase] = await Promise.all([getOptionalSecret('TWILIO_AUTH_TOKEN'), getOptionalSecret('PUBLIC_BASE_URL')]);
  if (!authToken || !publicBase) return forbidden({ body: 'webhook verification is not configured' });
  const raw = await request.body.text();
  const params = formParams(raw);
  const queryIndex = request.url.indexOf('?');
  const query = queryIndex >= 0 ? request.url.slice(queryIndex) : '';
  const url = `${publicBase.replace(/\/+$/, '')}/_functions/twilio/${route}${query}`;
  if (!verifyTwilioSignature({ authToken, url, params, signature: header(request, 'x-twilio-signature') })) return forbidden({ body: 'invalid signature' });
  try {
    if (route === 'status') {
      const parsed = StatusCallbackParams.safeParse(single(params));
      if (!parsed.success) return badRequest({ body: 'invalid status callback' });
      const ourId = new URLSearchParams(query.slice(1)).get('m');
      await handleStatusCallback(parsed.data, ourId);
      return ok({ body: '', headers: { 'Content-Type': 'text/plain' } });
    }
    const parsed = InboundParams.safeParse(single(params));
    if (!parsed.success) return badRequest({ body: 'invalid inbound message' });
    const result = await handleIncomingSms(parsed.data);
    return ok({ body: twiml(result.reply), headers: { 'Content-Type': 'text/xml' } });
  } catch (error) {
    log.error('twilio webhook failed', { route, error });
    return serverError({ body: 'try again' });
  }
}

/**
 * `POST /_functions/sendgrid/events` — the SendGrid Event Webhook. The ECDSA signature and its
 * timestamp are checked over the raw body bytes before anything is parsed, read or written (403
 * otherwise, also when the key secret is missing); then one batch of reads and writes
 * (src/backend/email/events, docs/email-events.md).
 */
export async function post_sendgrid(request: WixHttpFunctionRequest): Promise<WixHttpFunctionResponse> {
  if (request.path[0] !== 'events' || request.path.length !== 1) return badRequest({ body: 'unknown sendgrid route' });
  const result = await handleSendGridEventWebhook({ rawBody: await request.body.buffer(), signature: header(request, SIGNATURE_HEADER), timestamp: header(request, TIMESTAMP_HEADER) });
  switch (result.status) {
    case 200:
      return ok({ body: { applied: result.report.applied, duplicates: result.report.duplicates }, headers: { 'Content-Type': 'application/json' } });
    case 400:
      return badRequest({ body: result.reason });
    case 403:
      return forbidden({ body: 'invalid signature' });
    case 500:
      return serverError({ body: 'try again' });
  }
}

function htmlResponse(result: UnsubscribeResponse): WixHttpFunctionResponse {
  const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' };
  switch (result.status) {
    case 200:
      return ok({ body: result.html, headers });
    case 400:
      return badRequest({ body: result.html, headers });
    case 403:
      return forbidden({ body: result.html, headers });
  }
}

/**
 * `GET /_functions/email/unsubscribe?t=TOKEN` — the footer link: a confirmation page whose button
 * POSTs (a GET never unsubscribes). The token is verified before anything is read.
 */
export async function get_email(request: WixHttpFunctionRequest): Promise<WixHttpFunctionResponse> {
  if (request.path[0] !== 'unsubscribe' || request.path.length !== 1) return badRequest({ body: 'unknown email route' });
  try {
    return htmlResponse(await unsubscribePage(request.query['t'] ?? null));
  } catch (error) {
    log.error('unsubscribe page failed', { error });
    return serverError({ body: 'try again' });
  }
}

/**
 * `POST /_functions/email/unsubscribe?t=TOKEN` — RFC 8058 one-click (body `List-Unsubscribe=One-Click`)
 * and the confirmation page's button: token verified before any write (400 malformed, 403 forged),
 * then the address is suppressed for the carrier and its unsent emails canceled. Idempotent.
 */
export async function post_email(request: WixHttpFunctionRequest): Promise<WixHttpFunctionResponse> {
  if (request.path[0] !== 'unsubscribe' || request.path.length !== 1) return badRequest({ body: 'unknown email route' });
  try {
    return htmlResponse(await unsubscribeOneClick(request.query['t'] ?? null, await request.body.text()));
  } catch (error) {
    log.error('one-click unsubscribe failed', { error });
    return serverError({ body: 'try again' });
  }
}
