/**
 * HTTP functions (`/_functions/<name>`): webhooks, feeds and health. Handlers stay thin: verify,
 * validate, call the domain, map to a response.
 */
import { badRequest, forbidden, ok, serverError, type WixHttpFunctionRequest, type WixHttpFunctionResponse } from './platform';
import { createLogger, getOptionalSecret } from './platform';
import { verifyTwilioSignature, type WebhookFormParams } from './providers';
import { handleIncomingSms, handleStatusCallback, InboundParams, StatusCallbackParams, twiml } from './sms/webhooks';

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
