/**
 * One-click unsubscribe tokens (pure; Node `crypto` only). A token names the carrier, the address
 * and the email it came in, and carries an HMAC-SHA256 of them under EMAIL_UNSUBSCRIBE_SECRET:
 *
 *   `v1.<base64url(carrier "\n" lower-cased address "\n" message id)>.<base64url(HMAC)>`
 *
 * It is self-contained, so it keeps working for as long as CAN-SPAM requires (≥ 30 days) even when
 * the message record is gone, and it is verified in constant time before anything is read or written.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface UnsubscribeSubject {
  readonly carrierDot: string;
  /** Lower-cased by `makeUnsubscribeToken`. */
  readonly email: string;
  readonly messageId: string;
}

const VERSION = 'v1';
const MAX_TOKEN_LENGTH = 1200;

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload, 'utf8').digest();
}

function payloadOf(subject: UnsubscribeSubject): string {
  return `${subject.carrierDot}\n${subject.email.trim().toLowerCase()}\n${subject.messageId}`;
}

export function makeUnsubscribeToken(secret: string, subject: UnsubscribeSubject): string {
  if (!secret) throw new Error('an unsubscribe secret is required');
  const payload = payloadOf(subject);
  return `${VERSION}.${Buffer.from(payload, 'utf8').toString('base64url')}.${mac(secret, payload).toString('base64url')}`;
}

export type TokenCheck = { readonly ok: true; readonly subject: UnsubscribeSubject } | { readonly ok: false; readonly reason: 'malformed' | 'forged' };

/** `malformed`: not a token at all (400); `forged`: well-formed but the MAC does not match (403). */
export function verifyUnsubscribeToken(secret: string, token: string | null | undefined): TokenCheck {
  if (!secret || !token || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  const [version, body, signature] = parts;
  if (parts.length !== 3 || version !== VERSION || !body || !signature || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(signature)) {
    return { ok: false, reason: 'malformed' };
  }
  const payload = Buffer.from(body, 'base64url').toString('utf8');
  const fields = payload.split('\n');
  const [carrierDot, email, messageId] = fields;
  if (fields.length !== 3 || !carrierDot || !email || !messageId || !/^\d{1,8}$/.test(carrierDot) || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  return { ok: true, subject: { carrierDot, email, messageId } };
}

/** The endpoint path under the site's public base URL (`http-functions.ts`: `get_email` / `post_email`). */
export const UNSUBSCRIBE_PATH = '/_functions/email/unsubscribe';

export function unsubscribeUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${UNSUBSCRIBE_PATH}?t=${token}`;
}
