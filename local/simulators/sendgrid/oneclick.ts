/**
 * RFC 8058 one-click unsubscribe as a mailbox provider performs it (providers.md §3.8): a POST of
 * `List-Unsubscribe=One-Click` (application/x-www-form-urlencoded, no cookies or credentials) to
 * the https/http URL in the message's `List-Unsubscribe` header, offered only when the message
 * also carries `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
 */
import type { SimClock } from '../harness';
import type { OneClickAttempt, StoredMail } from './model';

export const ONE_CLICK_BODY = 'List-Unsubscribe=One-Click';
export const ONE_CLICK_USER_AGENT = 'Mozilla/5.0 (compatible; MailboxProvider-OneClickUnsubscribe/1.0; local simulator)';

export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The first http(s) URL in `<…>` brackets of a List-Unsubscribe header (RFC 2369), or null. */
export function oneClickUrl(m: StoredMail): string | null {
  const list = headerValue(m.headers, 'List-Unsubscribe');
  const post = headerValue(m.headers, 'List-Unsubscribe-Post');
  if (list === undefined || post?.trim() !== ONE_CLICK_BODY) return null;
  for (const match of list.matchAll(/<\s*([^>]+?)\s*>/g)) {
    const url = match[1] ?? '';
    if (/^https?:\/\//i.test(url)) return url;
  }
  return null;
}

/** Performs the POST and records the attempt on the message. */
export async function performOneClick(m: StoredMail, clock: SimClock, fetchImpl: typeof globalThis.fetch = globalThis.fetch, timeoutMs = 10_000): Promise<OneClickAttempt> {
  const url = oneClickUrl(m);
  const at = clock.now();
  let attempt: OneClickAttempt;
  if (url === null) {
    attempt = { at, url: '', status: null, error: 'no one-click List-Unsubscribe (needs an http(s) URL and List-Unsubscribe-Post: List-Unsubscribe=One-Click)' };
  } else {
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': ONE_CLICK_USER_AGENT },
        body: ONE_CLICK_BODY,
        redirect: 'manual',
        credentials: 'omit',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      attempt = { at, url, status: response.status, error: null };
    } catch (err) {
      attempt = { at, url, status: null, error: err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err) };
    }
  }
  m.oneClick.push(attempt);
  return attempt;
}
