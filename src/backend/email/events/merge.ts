/**
 * How SendGrid events change an EmailMessages item (pure). Every rule is a join: statuses only move
 * up a fixed rank, first-time timestamps take the earliest, flags only turn on, counters add one
 * per event (each event is applied once: see the receipts), link lists are a capped sorted union,
 * and ties are broken by value. So the same set of events gives the same record in any order, in
 * one batch or spread over many.
 */
import type { EmailMessage } from '../../collections/email';
import type { BounceType, EmailMessageStatus } from '../../collections/vocabulary';
import type { BounceEvent, SendGridEvent } from './schema';
import type * as z from 'zod';

/** At most this many distinct clicked links are kept per message (sorted, so any order keeps the same ones). */
export const MAX_CLICKED_LINKS = 20;
/** Longer links are cut to this length before they are stored. */
export const MAX_LINK_LENGTH = 1_000;
const MAX_REASON_LENGTH = 500;

/**
 * Rank of each status for provider events. Everything before the provider call (and the sender's
 * own failure states) ranks 0: an event proves the mail reached SendGrid. Then accepted (`sent`,
 * from `processed`), `deferred`, `delivered`, `dropped`, `bounced` — a bounce can follow a
 * delivery (asynchronous bounce), so it outranks it; a late `delivered` never undoes a bounce.
 */
export function providerRank(status: EmailMessageStatus): number {
  switch (status) {
    case 'pending':
    case 'held':
    case 'queued':
    case 'failed':
    case 'canceled':
    case 'blocked':
      return 0;
    case 'sent':
      return 1;
    case 'deferred':
      return 2;
    case 'delivered':
      return 3;
    case 'dropped':
      return 4;
    case 'bounced':
      return 5;
  }
}

/** The status an event is evidence of, or null when it says nothing about delivery. */
export function statusOfEvent(event: SendGridEvent): EmailMessageStatus | null {
  switch (event.event) {
    case 'processed':
      return 'sent';
    case 'deferred':
      return 'deferred';
    case 'delivered':
      return 'delivered';
    case 'dropped':
      return 'dropped';
    case 'bounce':
      return 'bounced';
    // Engagement can only happen to delivered mail: it proves delivery when `delivered` is late or lost.
    case 'open':
    case 'click':
    case 'spamreport':
    case 'unsubscribe':
    case 'group_unsubscribe':
      return 'delivered';
    case 'group_resubscribe':
      return null;
  }
}

const SOFT_CLASSIFICATIONS: ReadonlySet<string> = new Set(['mailbox unavailable', 'technical', 'frequency/volume']);
const BLOCK_CLASSIFICATIONS: ReadonlySet<string> = new Set(['reputation', 'content']);

/**
 * hard / soft / block for a `bounce` event. `type: blocked` is a block (the receiving server refused
 * the sender, not the address). Otherwise a 4.x.x status is soft (temporary), classifications that
 * describe the sender or a full mailbox are soft or block, and the rest (5.x.x "Invalid Address",
 * unclassified permanent failures) are hard. Only hard bounces suppress the address.
 */
export function bounceTypeOf(event: z.infer<typeof BounceEvent>): BounceType {
  if (event.type === 'blocked') return 'block';
  const status = (event.status ?? '').trim();
  if (status.startsWith('4')) return 'soft';
  const classification = (event.bounce_classification ?? '').trim().toLowerCase();
  if (SOFT_CLASSIFICATIONS.has(classification)) return 'soft';
  if (BLOCK_CLASSIFICATIONS.has(classification)) return 'block';
  return 'hard';
}

function bounceSeverity(type: BounceType | null | undefined): number {
  switch (type) {
    case 'hard':
      return 3;
    case 'block':
      return 2;
    case 'soft':
      return 1;
    case null:
    case undefined:
      return 0;
  }
}

const dateOf = (event: SendGridEvent): Date => new Date(Math.round(event.timestamp * 1000));
const clip = (text: string | undefined, max = MAX_REASON_LENGTH): string | null => (text === undefined || text === '' ? null : text.slice(0, max));

function earliest(current: Date | null | undefined, candidate: Date): Date {
  return current && current.getTime() <= candidate.getTime() ? current : candidate;
}

/** The larger of two optional strings (a deterministic tie-break: the stored value never depends on order). */
function larger(current: string | null | undefined, candidate: string | null): string | null {
  if (candidate === null) return current ?? null;
  if (current === null || current === undefined) return candidate;
  return candidate > current ? candidate : current;
}

/** Sorted distinct union, capped: the same links whatever order the clicks arrive in. */
export function mergeLinks(current: readonly string[], url: string): string[] {
  const link = url.slice(0, MAX_LINK_LENGTH);
  if (current.includes(link)) return [...current];
  return [...current, link].sort().slice(0, MAX_CLICKED_LINKS);
}

/** Applies one event (never applied before) to a message; returns a new item. */
export function applyEvent(message: EmailMessage, event: SendGridEvent): EmailMessage {
  const at = dateOf(event);
  const next: EmailMessage = { ...message };
  const status = statusOfEvent(event);
  if (status !== null && providerRank(status) > providerRank(next.status)) next.status = status;
  switch (event.event) {
    case 'processed':
      next.sent_at = earliest(next.sent_at, at);
      return next;
    case 'dropped':
      next.drop_reason = larger(next.drop_reason, clip(event.reason) ?? 'unknown');
      return next;
    case 'delivered':
      next.delivered_at = earliest(next.delivered_at, at);
      return next;
    case 'deferred': {
      const attempt = event.attempt ?? 1;
      const stored = next.deferral_count ?? 0;
      const response = clip(event.response);
      if (attempt > stored) {
        next.deferral_count = attempt;
        next.deferral_response = response;
      } else if (attempt === stored) {
        next.deferral_response = larger(next.deferral_response, response);
      }
      return next;
    }
    case 'bounce': {
      const type = bounceTypeOf(event);
      const reason = clip(event.reason) ?? clip(event.bounce_classification) ?? clip(event.status);
      const severity = bounceSeverity(type);
      const stored = bounceSeverity(next.bounce_type);
      if (severity > stored) {
        next.bounce_type = type;
        next.bounce_reason = reason;
      } else if (severity === stored) {
        next.bounce_reason = larger(next.bounce_reason, reason);
      }
      return next;
    }
    case 'open':
      if (event.sg_machine_open === true) {
        next.machine_open_count = (next.machine_open_count ?? 0) + 1;
        return next;
      }
      next.opened = true;
      next.opened_at = earliest(next.opened_at, at);
      next.opened_hour = hourKey(next.opened_at);
      next.open_count += 1;
      return next;
    case 'click':
      next.clicked = true;
      next.clicked_at = earliest(next.clicked_at, at);
      next.clicked_hour = hourKey(next.clicked_at);
      next.click_count += 1;
      next.clicked_links = mergeLinks(next.clicked_links, event.url);
      return next;
    case 'spamreport':
      next.spam_reported = true;
      return next;
    case 'unsubscribe':
    case 'group_unsubscribe':
      next.unsubscribed = true;
      return next;
    case 'group_resubscribe':
      // The message keeps `unsubscribed` (it records that this email led to an unsubscribe); the
      // suppression itself is lifted (see suppressions.ts).
      return next;
  }
}

/** The UTC hour an instant falls in (`2026-11-04T21`), the analytics timeline's bucket. */
export function hourKey(at: Date | null | undefined): string | null {
  return at ? at.toISOString().slice(0, 13) : null;
}

/** Applies a message's new events in a fixed order (time, then event id) — the result does not depend on it. */
export function applyEvents(message: EmailMessage, events: readonly SendGridEvent[]): EmailMessage {
  return [...events].sort(compareEvents).reduce(applyEvent, message);
}

export function compareEvents(a: SendGridEvent, b: SendGridEvent): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  return a.sg_event_id < b.sg_event_id ? -1 : a.sg_event_id > b.sg_event_id ? 1 : 0;
}

const TRACKED_FIELDS = [
  'status',
  'sent_at',
  'delivered_at',
  'bounce_type',
  'bounce_reason',
  'drop_reason',
  'deferral_count',
  'deferral_response',
  'opened',
  'opened_at',
  'opened_hour',
  'open_count',
  'machine_open_count',
  'clicked',
  'clicked_at',
  'clicked_hour',
  'click_count',
  'clicked_links',
  'unsubscribed',
  'spam_reported',
] as const satisfies readonly (keyof EmailMessage)[];

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  return (a ?? null) === (b ?? null);
}

/** True when applying events changed anything stored. */
export function messageChanged(before: EmailMessage, after: EmailMessage): boolean {
  return TRACKED_FIELDS.some((field) => !sameValue(before[field], after[field]));
}
