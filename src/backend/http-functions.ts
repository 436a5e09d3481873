/**
 * HTTP functions (`/_functions/<name>`): webhooks, feeds and health. Handlers stay thin: verify,
 * validate, call the domain, map to a response.
 */
import { ok, type WixHttpFunctionRequest, type WixHttpFunctionResponse } from './platform';

/** `GET /_functions/health` — liveness for uptime checks and the local host's start-up probe. */
export function get_health(_request: WixHttpFunctionRequest): WixHttpFunctionResponse {
  return ok({ body: { status: 'ok' }, headers: { 'Content-Type': 'application/json' } });
}
