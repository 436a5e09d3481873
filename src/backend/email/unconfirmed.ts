/**
 * Unconfirmed requests: waves whose Mail Send call got no answer (5xx, timeout, a killed run) stay
 * `queued` without `sent_at`. SendGrid has no API to look a message up by our id, and a request is
 * all-or-nothing (one 202 accepts every personalization). What resolves them is SendGrid's own
 * account of what it accepted: every accepted email yields a `processed` event carrying our
 * custom_args message id, which the Event Webhook applies to the record (→ `sent`, `delivered`…).
 *
 * Rule, per request, once CONFIRM_AFTER_MS have passed since its call:
 * 1. any record of the request moved on through an event → SendGrid accepted the request: the
 *    others are marked accepted too (`sent_at` = the attempt), never resent;
 * 2. otherwise, if the webhook has since recorded an event of this carrier's mail that happened
 *    after the attempt (a delivery, an open, a click: events are flowing, and an accepted request's
 *    `processed` events would have come with them) → it was not accepted: the records go back to
 *    `pending` and are sent again;
 * 3. otherwise (no evidence either way, e.g. the webhook is down) they wait; after GIVE_UP_MS
 *    (SendGrid stops retrying webhooks after 24 h) they fail as `unconfirmed`, never resent.
 * A duplicate is only possible if the batch carrying the request's `processed` events failed for
 * more than CONFIRM_AFTER_MS while later batches were delivered.
 *
 * Cost: one read of the campaign's unconfirmed records, then per request one or two reads and one
 * write. The normal path (every call answered) never runs it.
 */
import type { EmailMessage } from '../collections/email';
import { MAX_BULK_ITEMS } from '../platform/data';
import { emailMessages, patchEmailMessages } from './records';

export const CONFIRM_AFTER_MS = 30 * 60_000;
export const GIVE_UP_MS = 24 * 60 * 60_000;

/** Statuses only the Event Webhook sets: proof SendGrid accepted that email. */
export const EVENT_STATUSES = ['sent', 'deferred', 'delivered', 'bounced', 'dropped'] as const;

export interface UnconfirmedReport {
  readonly confirmed: number;
  readonly resend: number;
  readonly failed: number;
  /** Earliest instant a still-waiting request may be resolved; null when none waits. */
  readonly nextCheckAt: Date | null;
}

function requestKey(m: Pick<EmailMessage, 'request_id' | 'attempted_at'>): string {
  return m.request_id ?? `at:${m.attempted_at?.getTime() ?? 0}`;
}

async function acceptedByEvents(campaignId: string, requestId: string | null | undefined): Promise<boolean> {
  if (!requestId) return false;
  const [moved] = await emailMessages().find((q) => q.eq('campaign_id', campaignId).eq('request_id', requestId).hasSome('status', [...EVENT_STATUSES]), { limit: 1 });
  return moved !== undefined;
}

/**
 * An event generated after `since` and recorded by the webhook (a delivery, a human open or a click
 * — engagement keeps arriving for hours after a send): first in the campaign, else anywhere in the
 * carrier's mail. One read each.
 */
async function eventsFlowingSince(campaignId: string, carrierDot: string, since: Date): Promise<boolean> {
  const db = emailMessages();
  const after = db.filter().gt('delivered_at', since).or(db.filter().gt('opened_at', since)).or(db.filter().gt('clicked_at', since));
  const [own] = await db.find((q) => q.eq('campaign_id', campaignId).and(after), { limit: 1 });
  if (own) return true;
  const [other] = await db.find((q) => q.eq('carrier_dot', carrierDot).and(after), { limit: 1 });
  return other !== undefined;
}

/** Resolves the campaign's unconfirmed requests that are old enough (see the rule above). */
export async function resolveUnconfirmed(input: { campaignId: string; carrierDot: string; now: Date }): Promise<UnconfirmedReport> {
  const { campaignId, carrierDot, now } = input;
  const open = await emailMessages().find((q) => q.eq('campaign_id', campaignId).eq('status', 'queued').isEmpty('sent_at').ascending('attempted_at'), { limit: MAX_BULK_ITEMS });
  let confirmed = 0;
  let resend = 0;
  let failed = 0;
  let nextCheckAt: Date | null = null;
  const later = (at: number): void => {
    if (nextCheckAt === null || at < nextCheckAt.getTime()) nextCheckAt = new Date(at);
  };
  const groups = new Map<string, EmailMessage[]>();
  for (const m of open) {
    const list = groups.get(requestKey(m));
    if (list) list.push(m);
    else groups.set(requestKey(m), [m]);
  }
  for (const group of groups.values()) {
    const first = group[0];
    if (!first) continue;
    const attemptedAt = first.attempted_at ?? now;
    if (now.getTime() - attemptedAt.getTime() < CONFIRM_AFTER_MS) {
      later(attemptedAt.getTime() + CONFIRM_AFTER_MS);
      continue;
    }
    const ids = group.map((m) => m._id);
    if (await acceptedByEvents(campaignId, first.request_id)) {
      await patchEmailMessages(ids, { sent_at: attemptedAt, error_code: null, error_message: null });
      confirmed += ids.length;
    } else if (await eventsFlowingSince(campaignId, carrierDot, attemptedAt)) {
      await patchEmailMessages(ids, { status: 'pending', request_id: null, error_code: 'not_accepted', error_message: 'SendGrid did not answer and its events show the request was not accepted; sent again' });
      resend += ids.length;
    } else if (now.getTime() - attemptedAt.getTime() >= GIVE_UP_MS) {
      await patchEmailMessages(ids, { status: 'failed', error_code: 'unconfirmed', error_message: 'SendGrid did not answer and no event confirmed or ruled out the send within 24 hours; not resent, to avoid a duplicate' });
      failed += ids.length;
    } else {
      later(now.getTime() + CONFIRM_AFTER_MS);
    }
  }
  return { confirmed, resend, failed, nextCheckAt };
}
