/**
 * EmailSuppressions items: their ids, what they say about an address, blind writes, and the queue of
 * side effects still to apply (docs/email-events.md, "Suppressions").
 *
 * One item per carrier, lower-cased address and reason — and SendGrid group for a group unsubscribe:
 * `_id = <carrier>:<address>:<reason>[:<asm group>]`. So writing one never needs a read first: a
 * repeat writes the same item again, reasons never overwrite each other (a later group unsubscribe
 * cannot weaken a spam report), and a group resubscribe writes its own group's item lifted. An
 * address is suppressed for the carrier while any of its items is not lifted (only group
 * unsubscribes are ever lifted).
 *
 * Every write sets `effects_due_at`: the item is queued for `processEmailSuppressions`
 * (suppressionEffects.ts), which mirrors the state onto DriverProfiles, cancels unsent email and ends
 * sequence enrollments, then clears it. Sends never wait for that: they read these items
 * (`activeSuppressionsOf`) in the same batch read that decides them.
 */
import { EmailSuppressions, type EmailSuppression } from '../collections/email';
import type { EmailSuppressionReason } from '../collections/vocabulary';
import { elevatedCollection, MAX_BULK_ITEMS, type BulkOutcome, type NewItem } from '../platform/data';
import { chunk, groupBy } from '../util/lists';

export const suppressionItems = () => elevatedCollection(EmailSuppressions);

export type NewSuppressionItem = NewItem<typeof EmailSuppressions> & { _id: string };

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** `<carrier>:<address>:<reason>`, plus `:<asm group>` for a group unsubscribe that names its group. */
export function suppressionId(carrierDot: string, emailAddress: string, reason: EmailSuppressionReason, asmGroupId: number | null = null): string {
  const base = `${carrierDot}:${normalizeAddress(emailAddress)}:${reason}`;
  return reason === 'group_unsubscribed' && asmGroupId !== null ? `${base}:${asmGroupId}` : base;
}

/** A suppression that blocks mail now (not lifted). */
export function isActiveSuppression(s: Pick<EmailSuppression, 'lifted_at'>): boolean {
  return !s.lifted_at;
}

/** Every reason but a group unsubscribe is permanent and outranks it (the driver mirror shows the strongest). */
export function reasonRank(reason: EmailSuppressionReason | null | undefined): number {
  if (reason === null || reason === undefined) return 0;
  return reason === 'group_unsubscribed' ? 1 : 2;
}

/** The items of these addresses at this carrier, lifted ones included: one read per ≤ 1000 addresses (another page only past 1000 items). */
export async function suppressionItemsOf(carrierDot: string, addresses: readonly string[]): Promise<EmailSuppression[]> {
  const distinct = [...new Set(addresses.map(normalizeAddress))].filter((a) => a !== '');
  const out: EmailSuppression[] = [];
  for (const part of chunk(distinct, MAX_BULK_ITEMS)) {
    for await (const page of suppressionItems().pages((q) => q.eq('carrier_dot', carrierDot).hasSome('email_address', part))) out.push(...page);
  }
  return out;
}

/** Why, and since when, the carrier may not email an address. */
export interface ActiveSuppression {
  readonly reason: EmailSuppressionReason;
  readonly suppressedAt: Date;
}

/** The strongest active reason per address, its earliest time on a tie (addresses with none are absent). */
export function activeReasons(items: readonly EmailSuppression[]): Map<string, ActiveSuppression> {
  const out = new Map<string, ActiveSuppression>();
  for (const item of items) {
    if (!isActiveSuppression(item)) continue;
    const address = normalizeAddress(item.email_address);
    const kept = out.get(address);
    const rank = reasonRank(item.reason) - reasonRank(kept?.reason);
    if (!kept || rank > 0 || (rank === 0 && item.suppressed_at.getTime() < kept.suppressedAt.getTime())) out.set(address, { reason: item.reason, suppressedAt: item.suppressed_at });
  }
  return out;
}

/** Which of these addresses the carrier may not email now, and why (one read per ≤ 1000 addresses). */
export async function activeSuppressionsOf(carrierDot: string, addresses: readonly string[]): Promise<Map<string, ActiveSuppression>> {
  if (addresses.length === 0) return new Map();
  return activeReasons(await suppressionItemsOf(carrierDot, addresses));
}

/** Writes items whole, without reading (Wix `bulkSave`: one request per ≤ 1000). Each is queued for its side effects. */
export async function saveSuppressionItems(list: readonly NewSuppressionItem[], at: Date): Promise<BulkOutcome> {
  const byId = new Map<string, NewSuppressionItem>();
  for (const item of list) byId.set(item._id, { ...item, effects_due_at: at, effects_applied_at: null });
  const outcome = await suppressionItems().bulkSave([...byId.values()]);
  // A suppression is never dropped quietly: the caller fails (the webhook answers 5xx, SendGrid retries).
  if (outcome.errors.length > 0) throw new Error(`EmailSuppressions refused ${outcome.errors.length} item(s): ${[...new Set(outcome.errors.map((e) => e.code))].join(', ')}`);
  return outcome;
}

/** Items whose side effects are due, oldest first (one read). */
export async function dueSuppressionItems(limit: number): Promise<EmailSuppression[]> {
  return suppressionItems().find((q) => q.isNotEmpty('effects_due_at').ascending('effects_due_at'), { limit: Math.min(limit, MAX_BULK_ITEMS) });
}

/**
 * Clears the queue mark of items whose effects were applied — only where the stored mark is still the
 * one read (one conditional bulk patch per distinct mark: an item written again meanwhile stays due).
 */
export async function markEffectsApplied(items: readonly Pick<EmailSuppression, '_id' | 'effects_due_at'>[], at: Date): Promise<number> {
  let cleared = 0;
  const db = suppressionItems();
  for (const group of groupBy(items.filter((i) => i.effects_due_at), (i) => String(i.effects_due_at?.getTime())).values()) {
    const due = group[0]?.effects_due_at;
    if (!due) continue;
    const outcome = await db.bulkPatch(group.map((i) => i._id), { effects_due_at: null, effects_applied_at: at }, { condition: db.filter().eq('effects_due_at', due) });
    cleared += outcome.updated;
  }
  return cleared;
}
