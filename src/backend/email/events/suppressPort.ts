/**
 * Writes a batch's suppression changes: `recordEmailSuppressions` (src/backend/email/suppress.ts) —
 * one EmailSuppressions `bulkSave` for every suppression and group resubscribe of the batch, without
 * reading them first (deterministic ids per carrier, address and reason [and group]). The side
 * effects (driver mirror, unsent email canceled, sequence exits) are queued by that write for the
 * `processEmailSuppressions` job; sends read EmailSuppressions themselves, so nothing waits for it.
 *
 * Group unsubscribes and resubscribes of the same address may arrive in separate batches in either
 * order. So that the outcome follows the event times rather than the arrival order, a batch with
 * group events first reads the receipts of that address's group events (one read, on the receipts'
 * `group_key`), then drops a group unsubscribe older than a resubscribe of that group already
 * received, and a resubscribe older than an unsubscribe already received. Receipts live 72 h, far
 * beyond SendGrid's retry window (24 h).
 */
import { SendGridEventReceipts } from '../../collections/operations';
import { elevatedCollection, MAX_BULK_ITEMS, now as clockNow } from '../../platform';
import { recordEmailSuppressions, type EmailSuppressionRequest, type SuppressionLift } from '../suppress';
import type { ApplySuppressions } from './process';
import { groupKey, type SuppressionChange } from './suppressions';

type Suppress = Extract<SuppressionChange, { kind: 'suppress' }>;

interface GroupHistory {
  /** Latest event time (ms) of a group unsubscribe / resubscribe received for the key. */
  unsubscribedAt: number;
  resubscribedAt: number;
}

function keyOf(change: SuppressionChange): string | null {
  if (change.kind === 'lift') return groupKey(change.carrierDot, change.emailAddress, change.asmGroupId);
  return change.reason === 'group_unsubscribed' && change.asmGroupId !== null ? groupKey(change.carrierDot, change.emailAddress, change.asmGroupId) : null;
}

/** What the receipts know of these keys' group events, this batch's included (one read per 1000 keys). */
async function groupHistory(changes: readonly SuppressionChange[]): Promise<Map<string, GroupHistory>> {
  const keys = [...new Set(changes.map(keyOf).filter((k): k is string => k !== null))];
  const history = new Map<string, GroupHistory>();
  for (let i = 0; i < keys.length; i += MAX_BULK_ITEMS) {
    const part = keys.slice(i, i + MAX_BULK_ITEMS);
    for (const r of await elevatedCollection(SendGridEventReceipts).find((q) => q.hasSome('group_key', part), { limit: MAX_BULK_ITEMS })) {
      if (!r.group_key) continue;
      const h = history.get(r.group_key) ?? { unsubscribedAt: 0, resubscribedAt: 0 };
      if (r.event === 'group_unsubscribe') h.unsubscribedAt = Math.max(h.unsubscribedAt, r.event_at.getTime());
      if (r.event === 'group_resubscribe') h.resubscribedAt = Math.max(h.resubscribedAt, r.event_at.getTime());
      history.set(r.group_key, h);
    }
  }
  return history;
}

/** The time of the latest group unsubscribe already received for the key (the lifted item's `suppressed_at`), if any. */
function unsubscribedAt(history: GroupHistory | undefined): Date | null {
  return history && history.unsubscribedAt > 0 ? new Date(history.unsubscribedAt) : null;
}

function toRequest(change: Suppress): EmailSuppressionRequest {
  return {
    carrierDot: change.carrierDot,
    emailAddress: change.emailAddress,
    reason: change.reason,
    source: 'sendgrid_event',
    at: change.at,
    asmGroupId: change.asmGroupId,
    driverId: change.driverId,
    evidence: change.evidence,
  };
}

export const applySuppressionChanges: ApplySuppressions = async (changes) => {
  const history = changes.some((c) => keyOf(c) !== null) ? await groupHistory(changes) : new Map<string, GroupHistory>();
  const historyOf = (c: SuppressionChange): GroupHistory | undefined => {
    const key = keyOf(c);
    return key === null ? undefined : history.get(key);
  };
  const requests: EmailSuppressionRequest[] = [];
  const lifts: SuppressionLift[] = [];
  for (const change of changes) {
    const at = change.at.getTime();
    switch (change.kind) {
      case 'suppress':
        // A group unsubscribe already answered by a later resubscribe changes nothing.
        if ((historyOf(change)?.resubscribedAt ?? 0) > at) continue;
        requests.push(toRequest(change));
        continue;
      case 'lift':
        // A resubscribe older than an unsubscribe already received lifts nothing.
        if ((historyOf(change)?.unsubscribedAt ?? 0) > at) continue;
        lifts.push({ carrierDot: change.carrierDot, emailAddress: change.emailAddress, asmGroupId: change.asmGroupId, at: change.at, unsubscribedAt: unsubscribedAt(historyOf(change)), driverId: change.driverId, evidence: change.evidence });
        continue;
      default: {
        const unhandled: never = change;
        throw new Error(`unhandled suppression change ${JSON.stringify(unhandled)}`);
      }
    }
  }
  if (requests.length === 0 && lifts.length === 0) return { suppressed: 0, lifted: 0 };
  return recordEmailSuppressions({ suppress: requests, lift: lifts, at: clockNow() });
};
