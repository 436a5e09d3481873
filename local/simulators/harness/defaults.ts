/**
 * Credentials the local simulators accept by default, and per-provider webhook retry presets.
 * None of these are real credentials. The Twilio and SendGrid values equal the local host's secret
 * defaults (`local/host/secrets.ts` LOCAL_SECRET_DEFAULTS); a test in test/simulators keeps them in step.
 * Simulators should take credentials from their options and fall back to these.
 */
import { createECDH, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import type { RetryPolicy } from './retry';

const SENDGRID_KEY_SEED = 'recruiter-outreach local sendgrid event webhook key v1';

export const DEFAULT_CREDENTIALS = Object.freeze({
  twilio: Object.freeze({
    accountSid: `AC${'10ca1'.padStart(32, '0')}`,
    authToken: '10ca1a0770c3e5'.padEnd(32, '0'),
    /** A sender number the Twilio simulator owns. */
    fromNumber: '+15005550006',
    messagingServiceSid: 'MG00000000000000000000000000000001',
  }),
  sendgrid: Object.freeze({
    apiKey: `SG.local-simulator.${'x'.repeat(43)}`,
    /**
     * Public half of `localSendGridWebhookKey()`: base64 DER SPKI, as SendGrid's console shows it.
     * (The running host generates its own pair per data dir and hands the private PEM to the
     * simulator via `sendGridKeyPairFromPem`; this fixed pair is for tests and standalone use.)
     */
    webhookPublicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEX+K3hP+KRs1wkfNApB67oHPqmk36GuIz+uq7iZlXMHoB8zC17kckU0PEEYlORPaxdi8nkbHPFWpFlUAeKkCe0w==',
  }),
  indeed: Object.freeze({ apiSecret: 'local-simulator-indeed-secret' }),
  dropCowboy: Object.freeze({ key: 'local-simulator-dc-key', secret: 'local-simulator-dc-secret', signingSecret: 'local-simulator-dc-webhook-secret' }),
});

/**
 * The SendGrid simulator's event-webhook signing key, derived from a fixed seed so the public key
 * above stays valid across restarts without storing a private key in the repo.
 */
export function localSendGridWebhookKey(): KeyObject {
  const d = createHash('sha256').update(SENDGRID_KEY_SEED).digest();
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey();
  return createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: d.toString('base64url'), x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
}

/** SendGrid: retried on any non-2xx "at increasing intervals up to 24 h" (compressed here to ~16 h). */
export const SENDGRID_RETRY: RetryPolicy = Object.freeze({
  backoffMs: Object.freeze([5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000]),
  on: 'non-2xx-or-connection',
});

/** Twilio: connection overrides default `rc=1` — one retry, on connection failures only. */
export const TWILIO_RETRY: RetryPolicy = Object.freeze({ backoffMs: Object.freeze([1_000]), on: 'connection-only' });

/** Drop Cowboy v2: ≤3 attempts (+~1 min, +~5 min) on 408/429/5xx/timeouts. */
export const DROP_COWBOY_RETRY: RetryPolicy = Object.freeze({ backoffMs: Object.freeze([60_000, 300_000]), on: 'timeout-408-429-5xx' });
