/**
 * The unsubscribe endpoint behind every campaign email (`/_functions/email/unsubscribe?t=TOKEN`):
 * - GET (the footer link): a small confirmation page whose button POSTs — a GET never unsubscribes,
 *   so link scanners that prefetch URLs change nothing;
 * - POST (RFC 8058 one-click from the mail client, body `List-Unsubscribe=One-Click`, or the page's
 *   button): suppresses the address for the carrier and cancels its unsent emails.
 * The token is verified (HMAC, constant time) before anything is read or written: a malformed
 * token answers 400, a forged or tampered one 403. Repeating a POST is harmless (same suppression id).
 */
import { Carriers } from '../collections/people';
import { elevatedCollection, getOptionalSecret, now as clockNow } from '../platform';
import { escapeHtml } from '../outreach/templates';
import { emailMessages } from './records';
import { suppressEmailAddresses } from './suppress';
import { verifyUnsubscribeToken, UNSUBSCRIBE_PATH, type UnsubscribeSubject } from './unsubscribeToken';

export interface UnsubscribeResponse {
  readonly status: 200 | 400 | 403;
  readonly html: string;
}

/** The RFC 8058 POST body (`application/x-www-form-urlencoded`). */
export const ONE_CLICK_FIELD = 'List-Unsubscribe';
export const ONE_CLICK_VALUE = 'One-Click';

function page(title: string, body: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222">${body}</body></html>`
  );
}

const REFUSED: Record<400 | 403, UnsubscribeResponse> = {
  400: { status: 400, html: page('Link not valid', '<h1>This unsubscribe link is not valid</h1><p>Please use the link from the email you received.</p>') },
  403: { status: 403, html: page('Link not valid', '<h1>This unsubscribe link is not valid</h1><p>It may have been changed. Please use the link from the email you received.</p>') },
};

/** Verifies the token (nothing read or written before); null means refused with `refusal`. */
async function verified(token: string | null): Promise<{ subject: UnsubscribeSubject } | { refusal: UnsubscribeResponse }> {
  const secret = await getOptionalSecret('EMAIL_UNSUBSCRIBE_SECRET');
  if (!secret) return { refusal: REFUSED[403] };
  const check = verifyUnsubscribeToken(secret, token);
  if (!check.ok) return { refusal: REFUSED[check.reason === 'malformed' ? 400 : 403] };
  return { subject: check.subject };
}

async function carrierName(carrierDot: string): Promise<string> {
  const [carrier] = await elevatedCollection(Carriers).find((q) => q.eq('carrier_dot', carrierDot), { limit: 1 });
  return carrier?.name ?? 'this sender';
}

/** GET: the confirmation page (reads the carrier's name; writes nothing). */
export async function unsubscribePage(token: string | null): Promise<UnsubscribeResponse> {
  const v = await verified(token);
  if ('refusal' in v) return v.refusal;
  const name = escapeHtml(await carrierName(v.subject.carrierDot));
  const action = `${UNSUBSCRIBE_PATH}?t=${encodeURIComponent(token ?? '')}`;
  return {
    status: 200,
    html: page(
      'Unsubscribe',
      `<h1>Unsubscribe from ${name} emails?</h1><p>${escapeHtml(v.subject.email)} will no longer receive recruiting emails from ${name}.</p>` +
        `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="${ONE_CLICK_FIELD}" value="${ONE_CLICK_VALUE}"><input type="hidden" name="source" value="page">` +
        '<button type="submit" style="font-size:1rem;padding:.6rem 1.2rem">Unsubscribe</button></form>',
    ),
  };
}

/** POST: one-click (RFC 8058) or the page's button. Verified first; then suppress (idempotent). */
export async function unsubscribeOneClick(token: string | null, rawBody: string): Promise<UnsubscribeResponse> {
  const v = await verified(token);
  if ('refusal' in v) return v.refusal;
  const form = new URLSearchParams(rawBody);
  if (form.get(ONE_CLICK_FIELD) !== ONE_CLICK_VALUE) return { status: 400, html: page('Not understood', `<h1>Expected ${ONE_CLICK_FIELD}=${ONE_CLICK_VALUE}</h1>`) };
  const { subject } = v;
  const at = clockNow();
  const message = await emailMessages().get(subject.messageId);
  const own = message && message.carrier_dot === subject.carrierDot && message.email_address.toLowerCase() === subject.email ? message : null;
  await suppressEmailAddresses([
    {
      carrierDot: subject.carrierDot,
      emailAddress: subject.email,
      reason: 'unsubscribed',
      source: form.get('source') === 'page' ? 'unsubscribe_link' : 'one_click',
      at,
      driverId: own?.driver_id ?? null,
      evidence: subject.messageId,
    },
  ]);
  if (own && !own.unsubscribed) await emailMessages().patch(own._id, { unsubscribed: true });
  const name = escapeHtml(await carrierName(subject.carrierDot));
  return { status: 200, html: page('Unsubscribed', `<h1>You are unsubscribed</h1><p>${escapeHtml(subject.email)} will no longer receive recruiting emails from ${name}.</p>`) };
}
