/**
 * The one place that suppresses email addresses (CAN-SPAM: honoured at once, never mailed again by
 * the carrier). Items: suppressionRecords.ts (one per carrier, address and reason [and group]); side
 * effects: suppressionEffects.ts.
 *
 * "At once" means: the next send consults EmailSuppressions. Campaign waves (`EmailWaveSender.decide`),
 * sequence email steps (facts.ts / emailSteps.ts) and enrollments read the items of their batch's
 * addresses in one read before deciding, so a suppression counts from the moment its item is written.
 * The DriverProfiles mirror, the cancelation of unsent email and the sequence exits follow.
 *
 *   recordEmailSuppressions({ suppress, lift, at })   — the SendGrid Event Webhook: ONE bulkSave per
 *       ≤ 1000 items, no read; the side effects are queued (`effects_due_at`) for the job
 *       `processEmailSuppressions`, which runs every 5 minutes.
 *   suppressEmailAddresses(entries)                   — one-click unsubscribes, recruiters: reads the
 *       items first (a repeat writes nothing), writes the new ones, applies the side effects at once
 *       (the job finishes them if the process dies in between).
 *   liftEmailSuppressions(lifts)                      — a group resubscribe outside the webhook: lifts
 *       that group's item only, then the side effects.
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
 */
import type { EmailSuppression } from '../collections/email';
import type { EmailSuppressionReason, EmailSuppressionSource } from '../collections/vocabulary';
import { MAX_BULK_ITEMS, now as clockNow } from '../platform';
import { chunk, groupBy } from '../util/lists';
import { applySuppressionEffects } from './suppressionEffects';
import { isActiveSuppression, markEffectsApplied, normalizeAddress, saveSuppressionItems, suppressionId, suppressionItems, type NewSuppressionItem } from './suppressionRecords';

export { activeSuppressionsOf, isActiveSuppression, suppressionId, type ActiveSuppression } from './suppressionRecords';

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

export interface SuppressionLift {
  readonly carrierDot: string;
  readonly emailAddress: string;
  readonly asmGroupId: number;
  /** When the resubscribe happened. */
  readonly at: Date;
  /** When the lifted unsubscribe happened, if known (the item's `suppressed_at`; else `at`). */
  readonly unsubscribedAt?: Date | null;
  readonly driverId?: string | null;
  readonly evidence?: string | null;
}

export interface SuppressionReport {
  /** Items written (new, or re-activated after a lift). */
  readonly suppressed: number;
  /** Requests whose item already existed and was active (nothing written for them). */
  readonly alreadySuppressed: number;
  readonly driversUpdated: number;
  readonly emailsCanceled: number;
  readonly enrollmentsExited: number;
}

/** The item a request writes. */
export function suppressionItem(e: EmailSuppressionRequest): NewSuppressionItem {
  const address = normalizeAddress(e.emailAddress);
  const group = e.reason === 'group_unsubscribed' ? (e.asmGroupId ?? null) : null;
  return {
    _id: suppressionId(e.carrierDot, address, e.reason, group),
    carrier_dot: e.carrierDot,
    email_address: address,
    reason: e.reason,
    source: e.source,
    asm_group_id: group,
    driver_id: e.driverId ?? null,
    suppressed_at: e.at,
    evidence: e.evidence ?? null,
    lifted_at: null,
  };
}

/** The group's item, lifted (a resubscribe). */
export function liftedItem(l: SuppressionLift): NewSuppressionItem {
  const address = normalizeAddress(l.emailAddress);
  return {
    _id: suppressionId(l.carrierDot, address, 'group_unsubscribed', l.asmGroupId),
    carrier_dot: l.carrierDot,
    email_address: address,
    reason: 'group_unsubscribed',
    source: 'sendgrid_event',
    asm_group_id: l.asmGroupId,
    driver_id: l.driverId ?? null,
    suppressed_at: l.unsubscribedAt ?? l.at,
    evidence: l.evidence ?? null,
    lifted_at: l.at,
  };
}

/** One item per id: the earliest request wins (a later repeat says nothing new), keeping a driver id any of them knew. */
function distinctItems(entries: readonly EmailSuppressionRequest[]): NewSuppressionItem[] {
  const byId = new Map<string, NewSuppressionItem>();
  for (const e of [...entries].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const item = suppressionItem(e);
    const kept = byId.get(item._id);
    if (!kept) byId.set(item._id, item);
    else if (!kept.driver_id && item.driver_id) byId.set(item._id, { ...kept, driver_id: item.driver_id });
  }
  return [...byId.values()];
}

/**
 * The Event Webhook's write: every suppression and lift of a batch in one `bulkSave` (per ≤ 1000
 * items), without reading. The caller has already ordered group unsubscribes and resubscribes
 * (events/suppressPort.ts). Side effects are queued for `processEmailSuppressions`.
 */
export async function recordEmailSuppressions(input: { suppress: readonly EmailSuppressionRequest[]; lift: readonly SuppressionLift[]; at: Date }): Promise<{ readonly suppressed: number; readonly lifted: number }> {
  const suppress = distinctItems(input.suppress);
  const liftIds = new Set<string>();
  const lift = input.lift.map(liftedItem).filter((item) => (liftIds.has(item._id) ? false : (liftIds.add(item._id), true)));
  const items = [...suppress.filter((s) => !liftIds.has(s._id)), ...lift];
  if (items.length > 0) await saveSuppressionItems(items, input.at);
  return { suppressed: items.length - lift.length, lifted: lift.length };
}

async function storedByIds(ids: readonly string[]): Promise<Map<string, EmailSuppression>> {
  if (ids.length === 0) return new Map();
  return new Map((await suppressionItems().find((q) => q.hasSome('_id', [...ids]), { limit: MAX_BULK_ITEMS })).map((s) => [s._id, s]));
}

/** Writes `items` (queued), applies the carrier's side effects for `addresses` now, then clears the queue mark. */
async function writeAndApply(carrierDot: string, items: readonly NewSuppressionItem[], addresses: readonly string[]): Promise<Omit<SuppressionReport, 'suppressed' | 'alreadySuppressed'>> {
  const at = clockNow();
  if (items.length > 0) await saveSuppressionItems(items, at);
  const effects = await applySuppressionEffects({ carrierDot, addresses, at });
  if (items.length > 0) await markEffectsApplied(items.map((i) => ({ _id: i._id, effects_due_at: at })), clockNow());
  return effects;
}

export async function suppressEmailAddresses(entries: readonly EmailSuppressionRequest[]): Promise<SuppressionReport> {
  const total = { suppressed: 0, alreadySuppressed: 0, driversUpdated: 0, emailsCanceled: 0, enrollmentsExited: 0 };
  for (const [carrierDot, list] of groupBy(entries, (e) => e.carrierDot)) {
    for (const part of chunk(distinctItems(list), MAX_BULK_ITEMS)) {
      const stored = await storedByIds(part.map((i) => i._id));
      // An active item stays as first written; a lifted one (group unsubscribe) is written again.
      const toWrite = part.filter((i) => {
        const s = stored.get(i._id);
        return !s || !isActiveSuppression(s);
      });
      const r = await writeAndApply(carrierDot, toWrite, part.map((i) => i.email_address));
      total.suppressed += toWrite.length;
      total.alreadySuppressed += part.length - toWrite.length;
      total.driversUpdated += r.driversUpdated;
      total.emailsCanceled += r.emailsCanceled;
      total.enrollmentsExited += r.enrollmentsExited;
    }
  }
  return total;
}

/** A group resubscribe: lifts that group's active unsubscribe only (other reasons stay), then the side effects. */
export async function liftEmailSuppressions(lifts: readonly SuppressionLift[]): Promise<{ readonly lifted: number }> {
  let lifted = 0;
  for (const [carrierDot, list] of groupBy(lifts, (l) => l.carrierDot)) {
    for (const part of chunk(list.map(liftedItem), MAX_BULK_ITEMS)) {
      const stored = await storedByIds(part.map((i) => i._id));
      const toWrite = part.flatMap((i) => {
        const s = stored.get(i._id);
        return s && isActiveSuppression(s) ? [{ ...i, source: s.source, driver_id: s.driver_id ?? i.driver_id ?? null, suppressed_at: s.suppressed_at }] : [];
      });
      if (toWrite.length === 0) continue;
      await writeAndApply(carrierDot, toWrite, toWrite.map((i) => i.email_address));
      lifted += toWrite.length;
    }
  }
  return { lifted };
}
