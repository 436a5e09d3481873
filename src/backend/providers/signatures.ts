/**
 * Webhook signature verification, computed from what arrived on the wire (providers.md §1.7, §3.5,
 * §4.1, §6.1). Every function returns false (never throws) on missing or malformed input, and
 * compares in constant time.
 *
 * Site code: Node `crypto` only, no Wix imports.
 */
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/** Decoded form params; a repeated key is an array. */
export type WebhookFormParams = Readonly<Record<string, string | readonly string[]>>;

export interface VerifyTwilioSignatureInput {
  readonly authToken: string;
  /** The full public URL Twilio was configured with (scheme, host, path, query), not one rebuilt from proxy headers. */
  readonly url: string;
  /** Decoded form params; or, for JSON webhooks (`url` carries `bodySHA256`), the raw body string. */
  readonly params: WebhookFormParams | string;
  /** The `X-Twilio-Signature` header. */
  readonly signature: string | null | undefined;
}

export function verifyTwilioSignature(input: VerifyTwilioSignatureInput): boolean {
  const { authToken, url, params, signature } = input;
  if (!authToken || !url || !signature) return false;
  try {
    if (typeof params === 'string') {
      const expectedHash = bodyHashFromUrl(url);
      if (expectedHash === null) return false;
      const actualHash = createHash('sha256').update(params, 'utf8').digest('hex');
      if (!constantTimeEqual(actualHash, expectedHash.toLowerCase())) return false;
      return urlVariants(url).some((candidate) => constantTimeEqual(twilioExpectedSignature(authToken, candidate, {}), signature));
    }
    return urlVariants(url).some((candidate) => constantTimeEqual(twilioExpectedSignature(authToken, candidate, params), signature));
  } catch {
    return false;
  }
}

/** base64(HMAC-SHA1(authToken, url + Σ sorted keys (key + value); arrays: each unique value, sorted)). */
export function twilioExpectedSignature(authToken: string, url: string, params: WebhookFormParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value === undefined) continue;
    if (typeof value === 'string') data += key + value;
    else for (const v of [...new Set(value)].sort()) data += key + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

function bodyHashFromUrl(url: string): string | null {
  const query = url.indexOf('?');
  if (query < 0) return null;
  const hash = new URLSearchParams(url.slice(query + 1).split('#')[0]).get('bodySHA256');
  return hash && /^[0-9a-fA-F]{64}$/.test(hash) ? hash : null;
}

/** The URL as given, plus the same URL with the default port added or removed (Twilio signs either form). */
function urlVariants(url: string): string[] {
  const match = /^(https?:\/\/)([^/?#]*@)?(\[[^\]]+\]|[^/?#:]+)(:\d+)?(.*)$/i.exec(url);
  if (!match) return [url];
  const scheme = (match[1] ?? '').toLowerCase();
  const userInfo = match[2] ?? '';
  const host = match[3] ?? '';
  const port = match[4];
  const rest = match[5] ?? '';
  const defaultPort = scheme === 'https://' ? ':443' : ':80';
  const variants = [url];
  if (port === undefined) variants.push(`${match[1] ?? ''}${userInfo}${host}${defaultPort}${rest}`);
  else if (port === defaultPort) variants.push(`${match[1] ?? ''}${userInfo}${host}${rest}`);
  return variants;
}

export interface VerifySendGridSignatureInput {
  /** Base64 DER SubjectPublicKeyInfo as SendGrid shows it (PEM also accepted). */
  readonly publicKey: string;
  /** The raw request body exactly as received (events joined with ",\r\n"). */
  readonly payload: string | Uint8Array;
  /** `X-Twilio-Email-Event-Webhook-Signature`: base64 DER ECDSA signature. */
  readonly signature: string | null | undefined;
  /** `X-Twilio-Email-Event-Webhook-Timestamp`: unix seconds, as received. */
  readonly timestamp: string | null | undefined;
}

/** ECDSA P-256 / SHA-256 over `timestamp + payload`. */
export function verifySendGridSignature(input: VerifySendGridSignatureInput): boolean {
  const { publicKey, payload, signature, timestamp } = input;
  if (!publicKey || !signature || !timestamp || typeof payload === 'undefined') return false;
  try {
    const key = parseEcPublicKey(publicKey);
    if (!key) return false;
    const sig = Buffer.from(signature, 'base64');
    if (sig.length < 8) return false;
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
    return cryptoVerify('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, sig);
  } catch {
    return false;
  }
}

function parseEcPublicKey(publicKey: string): KeyObject | null {
  const trimmed = publicKey.trim();
  const key = trimmed.includes('-----BEGIN')
    ? createPublicKey(trimmed)
    : createPublicKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
  return key.asymmetricKeyType === 'ec' ? key : null;
}

/** True when a unix-seconds timestamp header is within `toleranceSeconds` of `nowMs` (replay window). */
export function isTimestampFresh(args: { timestamp: string | null | undefined; nowMs: number; toleranceSeconds: number }): boolean {
  if (!args.timestamp || !/^\d{1,12}$/.test(args.timestamp)) return false;
  return Math.abs(args.nowMs / 1000 - Number(args.timestamp)) <= args.toleranceSeconds;
}

/** Indeed Apply: `X-Indeed-Signature` = base64(HMAC-SHA1(apiSecret, rawBody)). */
export function verifyIndeedSignature(input: { apiSecret: string; payload: string | Uint8Array; signature: string | null | undefined }): boolean {
  if (!input.apiSecret || !input.signature) return false;
  const expected = createHmac('sha1', input.apiSecret).update(toBytes(input.payload)).digest('base64');
  return constantTimeEqual(expected, input.signature.trim());
}

/** Drop Cowboy: `X-Signature: sha256=<hex HMAC-SHA256(secret, ts + "." + rawBody)>`, `X-Timestamp` within ±300 s. */
export function verifyDropCowboySignature(input: {
  signingSecret: string;
  payload: string | Uint8Array;
  signature: string | null | undefined;
  timestamp: string | null | undefined;
  nowMs: number;
  toleranceSeconds?: number;
}): boolean {
  if (!input.signingSecret || !input.signature || !input.timestamp) return false;
  if (!isTimestampFresh({ timestamp: input.timestamp, nowMs: input.nowMs, toleranceSeconds: input.toleranceSeconds ?? 300 })) return false;
  const mac = createHmac('sha256', input.signingSecret);
  mac.update(`${input.timestamp}.`, 'utf8');
  mac.update(toBytes(input.payload));
  return constantTimeEqual(`sha256=${mac.digest('hex')}`, input.signature.trim());
}

function toBytes(payload: string | Uint8Array): Buffer {
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}
