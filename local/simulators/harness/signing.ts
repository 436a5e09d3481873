/**
 * Webhook signing, simulator side, computed from the raw bytes that go on the wire
 * (providers.md §1.7 Twilio, §3.5 SendGrid, §4.1 Indeed, §6.1 Drop Cowboy).
 * The receiving side lives in `src/backend/providers/signatures.ts`; tests check both against the
 * published vectors and against each other.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { parseForm, type FormParams } from './http';

export interface SignContext {
  /** Delivery URL as configured (what the receiver reconstructs from its public base URL). */
  readonly url: string;
  readonly method: string;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** Simulator clock at this attempt, epoch ms. */
  readonly now: number;
}

export interface SignResult {
  readonly headers: Record<string, string>;
  /** Set when signing changes the URL (Twilio JSON bodies add `bodySHA256`). */
  readonly url?: string;
}

/** Called at every delivery attempt, so timestamped schemes sign with the attempt's time. */
export type WebhookSigner = (ctx: SignContext) => SignResult;

// ---------------------------------------------------------------------------------------------
// Twilio
// ---------------------------------------------------------------------------------------------

/** The string Twilio signs: URL, then each key (sorted by UTF-16 code units) + value; arrays: sorted unique values. */
export function twilioSignedPayload(url: string, params: Readonly<FormParams>): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of [...new Set(value)].sort()) data += key + v;
    } else {
      data += key + value;
    }
  }
  return data;
}

export function twilioSignature(authToken: string, url: string, params: Readonly<FormParams>): string {
  return createHmac('sha1', authToken).update(Buffer.from(twilioSignedPayload(url, params), 'utf8')).digest('base64');
}

export function twilioBodyHash(body: Buffer | string): string {
  return createHash('sha256').update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body).digest('hex');
}

/** Appends `bodySHA256=<hex>` to the URL's query, as Twilio does for JSON webhooks. */
export function twilioUrlWithBodyHash(url: string, body: Buffer | string): string {
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}bodySHA256=${twilioBodyHash(body)}`;
}

/**
 * Signs form bodies over their decoded params, JSON bodies via `bodySHA256` with no params.
 * GET requests sign the URL alone.
 */
export function twilioSigner(args: { authToken: string }): WebhookSigner {
  return (ctx) => {
    const contentType = (ctx.headers['content-type'] ?? '').toLowerCase();
    if (ctx.method.toUpperCase() === 'GET') {
      return { headers: { 'x-twilio-signature': twilioSignature(args.authToken, ctx.url, {}) } };
    }
    if (contentType.includes('json')) {
      const url = twilioUrlWithBodyHash(ctx.url, ctx.body);
      return { url, headers: { 'x-twilio-signature': twilioSignature(args.authToken, url, {}) } };
    }
    const params = parseForm(ctx.body.toString('utf8'));
    return { headers: { 'x-twilio-signature': twilioSignature(args.authToken, ctx.url, params) } };
  };
}

// ---------------------------------------------------------------------------------------------
// SendGrid Signed Event Webhook
// ---------------------------------------------------------------------------------------------

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

export interface SendGridKeyPair {
  readonly privateKey: KeyObject;
  /** What the SendGrid console shows: base64 DER SubjectPublicKeyInfo, no PEM armour. */
  readonly publicKeyBase64: string;
  /** PKCS#8 PEM of the private key, to persist a stable key across restarts. */
  readonly privateKeyPem: string;
}

export function generateSendGridKeyPair(): SendGridKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey,
    publicKeyBase64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

export function sendGridKeyPairFromPem(privateKeyPem: string): SendGridKeyPair {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ec') throw new Error('SendGrid event webhook keys are EC (P-256) keys');
  const publicKeyBase64 = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
  return { privateKey, publicKeyBase64, privateKeyPem };
}

/** base64 DER ECDSA P-256 / SHA-256 signature over `timestamp + rawBody`. */
export function sendGridSignature(privateKey: KeyObject, timestamp: string, body: Buffer | string): string {
  const payload = Buffer.concat([Buffer.from(timestamp, 'utf8'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
  return cryptoSign('sha256', payload, privateKey).toString('base64');
}

/** Joins events the way SendGrid frames a batch: `",\r\n"` between events, trailing `"\r\n"`. */
export function sendGridEventBatchBody(events: readonly unknown[]): string {
  return `[${events.map((e) => JSON.stringify(e)).join(',\r\n')}]\r\n`;
}

export function sendGridSigner(args: { privateKey: KeyObject }): WebhookSigner {
  return (ctx) => {
    const timestamp = String(Math.floor(ctx.now / 1000));
    return {
      headers: {
        [SENDGRID_SIGNATURE_HEADER]: sendGridSignature(args.privateKey, timestamp, ctx.body),
        [SENDGRID_TIMESTAMP_HEADER]: timestamp,
      },
    };
  };
}

// ---------------------------------------------------------------------------------------------
// Indeed Apply and Drop Cowboy
// ---------------------------------------------------------------------------------------------

export function indeedSignature(secret: string, body: Buffer | string): string {
  return createHmac('sha1', secret).update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body).digest('base64');
}

export function indeedSigner(args: { secret: string }): WebhookSigner {
  return (ctx) => ({ headers: { 'x-indeed-signature': indeedSignature(args.secret, ctx.body) } });
}

/** `sha256=<hex HMAC-SHA256(secret, ts + "." + rawBody)>`. */
export function dropCowboySignature(secret: string, timestamp: string, body: Buffer | string): string {
  const mac = createHmac('sha256', secret);
  mac.update(Buffer.from(`${timestamp}.`, 'utf8'));
  mac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return `sha256=${mac.digest('hex')}`;
}

export function dropCowboySigner(args: { secret: string }): WebhookSigner {
  return (ctx) => {
    const timestamp = String(Math.floor(ctx.now / 1000));
    return {
      headers: {
        'x-signature': dropCowboySignature(args.secret, timestamp, ctx.body),
        'x-timestamp': timestamp,
        'x-signature-version': 'v1',
      },
    };
  };
}
