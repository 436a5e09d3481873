/**
 * The one place that suppresses email addresses (CAN-SPAM: honoured at once, never mailed again by
 * the carrier). Called by the one-click unsubscribe endpoint, the SendGrid Event Webhook (hard
 * bounces, spam reports, unsubscribes, group unsubscribes), sequences and recruiters.
 *
 *   suppressEmailAddresses(entries: readonly EmailSuppressionRequest[]): Promise<SuppressionReport>
 *
 *   EmailSuppressionRequest = {
 *     carrierDot: string;                  // the tenant whose mail the address leaves
 *     emailAddress: string;                // any case: stored lower-cased
 *     reason: 'unsubscribed' | 'group_unsubscribed' | 'hard_bounce' | 'spam_report' | 'manual';
 *     source: 'sendgrid_event' | 'one_click' | 'unsubscribe_link' | 'recruiter' | 'import';
 *     at: Date;                            // when it happened (the event time)
 *     asmGroupId?: number | null;          // the SendGrid group, for group_unsubscribed
 *     driverId?: string | null;            // when known (the message's driver)
 *     evidence?: string | null;            // sg_event_id or our message id, for the audit trail
 *   }
 *   SuppressionReport = { suppressed, alreadySuppressed, driversUpdated, emailsCanceled }
 *
 * Per carrier and ≤ 1000 entries: EmailSuppressions read 1 + bulkSave 1 (`_id` = `<carrier>:<address>`,
 * so repeating a call changes nothing: an address already suppressed keeps its first record); the
 * DriverProfiles mirror `email_suppressed_reason` (audience counts read it): 1 aggregate over the
 * carrier's EmailMessages for the drivers mailed at addresses no entry names a driver for (none
 * when every entry carries its driver, as the Event Webhook's do), 1 read of those drivers, 1 bulk
 * update; the carrier's `pending` / `held` EmailMessages to those addresses: 1 read + 1 bulkPatch →
 * `canceled` when there are any. 4–6 data requests whatever the number of entries.
 *
 * `liftEmailSuppressions` undoes a group unsubscribe (SendGrid `group_resubscribe`) for that group only.
 */
import { EmailMessages, EmailSuppressions, type EmailSuppression } from '../collections/email';
import { DriverProfiles } from '../collections/people';
import type { EmailSuppressionReason, EmailSuppressionSource } from '../collections/vocabulary';
import { elevatedCollection, MAX_BULK_ITEMS, type NewItem } from '../platform/data';
import { chunk, groupBy } from '../util/lists';

export interface EmailSuppressionRequest {
  readonly carrierDot: string;
  readonly emailAddress: string;
  readonly reason: EmailSuppressionReason;
  readonly source: EmailSuppressionSource;
  readonly at: Date;
  readonly asmGroupId?: number | null;
  readonly driverId?: string | null;
  readonly evidence?: string | null;
}

export interface SuppressionReport {
  /** Suppressions written (new, re-activated after a lift, or upgraded from a group unsubscribe). */
  readonly suppressed: number;
  /** Addresses that were already suppressed (nothing written for them). */
  readonly alreadySuppressed: number;
  readonly driversUpdated: number;
  readonly emailsCanceled: number;
}

export interface SuppressionLift {
  readonly carrierDot: string;
  readonly emailAddress: string;
  readonly asmGroupId: number;
  readonly at: Date;
  readonly evidence?: string | null;
}

const suppressions = () => elevatedCollection(EmailSuppressions);
const messages = () => elevatedCollection(EmailMessages);
const drivers = () => elevatedCollection(DriverProfiles);

export function suppressionId(carrierDot: string, emailAddress: string): string {
  return `${carrierDot}:${emailAddress.trim().toLowerCase()}`;
}

/** A suppression that blocks mail now (not lifted). */
export function isActiveSuppression(s: Pick<EmailSuppression, 'lifted_at'>): boolean {
  return !s.lifted_at;
}

/** Stored suppressions by id (≤ 1000 ids: one read). */
export async function suppressionsByIds(ids: readonly string[]): Promise<EmailSuppression[]> {
  if (ids.length === 0) return [];
  return suppressions().find((q) => q.hasSome('_id', [...ids]), { limit: MAX_BULK_ITEMS });
}

/** Group unsubscribes can be lifted by a resubscribe; the other reasons outrank them. */
function overrides(existing: EmailSuppression | undefined, next: EmailSuppressionRequest): boolean {
  if (!existing || !isActiveSuppression(existing)) return true;
  return existing.reason === 'group_unsubscribed' && next.reason !== 'group_unsubscribed';
}

/** Driver ids mailed at these addresses by this carrier: one aggregate (distinct address × driver). */
async function driversMailedAt(carrierDot: string, addresses: readonly string[]): Promise<Map<string, Set<string>>> {
  const db = messages();
  const result = await db
    .aggregate()
    .filter(db.filter().eq('carrier_dot', carrierDot).hasSome('email_address', [...addresses]).isNotEmpty('driver_id'))
    .group('email_address', 'driver_id')
    .count('n')
    .limit(1000)
    .run();
  const out = new Map<string, Set<string>>();
  for (const row of result.items as Record<string, unknown>[]) {
    const key = typeof row['_id'] === 'object' && row['_id'] !== null ? (row['_id'] as Record<string, unknown>) : row;
    const address = key['email_address'];
    const driverId = key['driver_id'];
    if (typeof address !== 'string' || typeof driverId !== 'string') continue;
    const set = out.get(address) ?? new Set<string>();
    set.add(driverId);
    out.set(address, set);
  }
  return out;
}

/** The DriverProfiles mirror: drivers whose current address is one of these get the reason (hooks update reachability). */
async function mirrorOnDrivers(carrierDot: string, byAddress: ReadonlyMap<string, EmailSuppressionRequest>): Promise<number> {
  // Drivers named by the entries (the event's message names its driver); the aggregate finds the
  // drivers mailed at the other addresses.
  const unnamed = [...byAddress].filter(([, e]) => !e.driverId).map(([address]) => address);
  const candidates = unnamed.length > 0 ? await driversMailedAt(carrierDot, unnamed) : new Map<string, Set<string>>();
  for (const [address, entry] of byAddress) {
    if (entry.driverId) candidates.set(address, (candidates.get(address) ?? new Set<string>()).add(entry.driverId));
  }
  const ids = [...new Set([...candidates.values()].flatMap((s) => [...s]))];
  if (ids.length === 0) return 0;
  let updated = 0;
  for (const part of chunk(ids, MAX_BULK_ITEMS)) {
    const found = await drivers().find((q) => q.hasSome('_id', part).eq('carrier_dot', carrierDot), { limit: MAX_BULK_ITEMS });
    const changed = found.flatMap((d) => {
      const entry = d.email ? byAddress.get(d.email.toLowerCase()) : undefined;
      if (!entry || (d.email_suppressed_reason && d.email_suppressed_reason !== 'group_unsubscribed')) return [];
      return d.email_suppressed_reason === entry.reason ? [] : [{ ...d, email_suppressed_reason: entry.reason, email_suppressed_at: entry.at }];
    });
    // One write whatever the mix of reasons: the items were read just above (hooks refresh reachability).
    if (changed.length > 0) await drivers().bulkUpdate(changed);
    updated += changed.length;
  }
  return updated;
}

/** The carrier's emails to these addresses not yet handed to SendGrid become `canceled`. */
async function cancelUnsent(carrierDot: string, byAddress: ReadonlyMap<string, EmailSuppressionRequest>): Promise<number> {
  let canceled = 0;
  for (;;) {
    const open = await messages().find((q) => q.eq('carrier_dot', carrierDot).hasSome('email_address', [...byAddress.keys()]).hasSome('status', ['pending', 'held']), { limit: MAX_BULK_ITEMS });
    if (open.length === 0) return canceled;
    await messages().bulkPatch(
      open.map((m) => m._id),
      { status: 'canceled', compliance_rule: 'email.suppressed', compliance_reason: 'The address was suppressed (unsubscribe, bounce or spam report) before this email was sent' },
    );
    canceled += open.length;
    if (open.length < MAX_BULK_ITEMS) return canceled;
  }
}

async function suppressForCarrier(carrierDot: string, entries: readonly EmailSuppressionRequest[]): Promise<SuppressionReport> {
  // One entry per address: the first of a batch wins (a later duplicate changes nothing).
  const byAddress = new Map<string, EmailSuppressionRequest>();
  for (const e of entries) {
    const address = e.emailAddress.trim().toLowerCase();
    if (!byAddress.has(address)) byAddress.set(address, { ...e, emailAddress: address });
  }
  const existing = new Map((await suppressionsByIds([...byAddress.keys()].map((a) => suppressionId(carrierDot, a)))).map((s) => [s.email_address.toLowerCase(), s]));
  const toWrite: NewItem<typeof EmailSuppressions>[] = [];
  for (const [address, e] of byAddress) {
    if (!overrides(existing.get(address), e)) continue;
    toWrite.push({
      _id: suppressionId(carrierDot, address),
      carrier_dot: carrierDot,
      email_address: address,
      reason: e.reason,
      source: e.source,
      asm_group_id: e.reason === 'group_unsubscribed' ? (e.asmGroupId ?? null) : null,
      driver_id: e.driverId ?? existing.get(address)?.driver_id ?? null,
      suppressed_at: e.at,
      evidence: e.evidence ?? null,
      lifted_at: null,
    });
  }
  if (toWrite.length > 0) await suppressions().bulkSave(toWrite);
  const driversUpdated = await mirrorOnDrivers(carrierDot, byAddress);
  const emailsCanceled = await cancelUnsent(carrierDot, byAddress);
  return { suppressed: toWrite.length, alreadySuppressed: byAddress.size - toWrite.length, driversUpdated, emailsCanceled };
}

export async function suppressEmailAddresses(entries: readonly EmailSuppressionRequest[]): Promise<SuppressionReport> {
  const total = { suppressed: 0, alreadySuppressed: 0, driversUpdated: 0, emailsCanceled: 0 };
  for (const [carrierDot, list] of groupBy(entries, (e) => e.carrierDot)) {
    for (const part of chunk(list, MAX_BULK_ITEMS)) {
      const r = await suppressForCarrier(carrierDot, part);
      total.suppressed += r.suppressed;
      total.alreadySuppressed += r.alreadySuppressed;
      total.driversUpdated += r.driversUpdated;
      total.emailsCanceled += r.emailsCanceled;
    }
  }
  return total;
}

/** A group resubscribe: lifts that group's unsubscribe (other reasons stay) and clears the driver mirror. */
export async function liftEmailSuppressions(lifts: readonly SuppressionLift[]): Promise<{ readonly lifted: number }> {
  let lifted = 0;
  for (const [carrierDot, list] of groupBy(lifts, (l) => l.carrierDot)) {
    for (const part of chunk(list, MAX_BULK_ITEMS)) {
      const wanted = new Map(part.map((l) => [l.emailAddress.trim().toLowerCase(), l]));
      const stored = await suppressionsByIds([...wanted.keys()].map((a) => suppressionId(carrierDot, a)));
      const lift = stored.filter((s) => isActiveSuppression(s) && s.reason === 'group_unsubscribed' && s.asm_group_id === wanted.get(s.email_address.toLowerCase())?.asmGroupId);
      if (lift.length === 0) continue;
      await suppressions().bulkUpdate(lift.map((s) => ({ ...s, lifted_at: wanted.get(s.email_address.toLowerCase())?.at ?? s.suppressed_at, evidence: wanted.get(s.email_address.toLowerCase())?.evidence ?? s.evidence ?? null })));
      lifted += lift.length;
      const addresses = lift.map((s) => s.email_address);
      const mailed = await driversMailedAt(carrierDot, addresses);
      const ids = [...new Set([...mailed.values()].flatMap((s) => [...s]).concat(lift.flatMap((s) => (s.driver_id ? [s.driver_id] : []))))];
      if (ids.length === 0) continue;
      const found = await drivers().find((q) => q.hasSome('_id', ids.slice(0, MAX_BULK_ITEMS)).eq('carrier_dot', carrierDot).eq('email_suppressed_reason', 'group_unsubscribed'), { limit: MAX_BULK_ITEMS });
      const clear = found.filter((d) => d.email !== null && addresses.includes(d.email.toLowerCase())).map((d) => d._id);
      if (clear.length > 0) await drivers().bulkPatch(clear, { email_suppressed_reason: null, email_suppressed_at: null });
    }
  }
  return { lifted };
}
