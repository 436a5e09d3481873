/**
 * SendGrid event receipts (`SendGridEventReceipts`): their ids and their retention. A receipt only
 * needs to outlive SendGrid's retries (up to 24 h) and duplicate deliveries (minutes apart), so
 * receipts are kept 72 h and then removed by the hourly `pruneSendGridEventReceipts` job.
 */
import { createHash } from 'node:crypto';
import { SendGridEventReceipts } from '../../collections/operations';
import { elevatedCollection, MAX_BULK_ITEMS, nowMs } from '../../platform';

export const RECEIPT_RETENTION_MS = 72 * 3_600_000;

const SAFE_ID = /^[A-Za-z0-9_.:=+/-]{1,100}$/;

/** The receipt `_id` of an event: its sg_event_id, or a hash of it when it holds unusual characters. */
export function receiptIdOf(sgEventId: string): string {
  return SAFE_ID.test(sgEventId) ? sgEventId : `h:${createHash('sha256').update(sgEventId, 'utf8').digest('base64url')}`;
}

export interface PruneReport {
  readonly removed: number;
  /** True when the time budget ran out before every expired receipt was removed (the next run continues). */
  readonly partial: boolean;
}

/**
 * Removes receipts older than the retention, 1000 at a time (one read and one write per 1000),
 * until none is left or `budgetMs` is used. Overlapping runs are harmless: removing a removed id is
 * skipped.
 */
export async function pruneSendGridEventReceipts(options: { budgetMs?: number; retentionMs?: number } = {}): Promise<PruneReport> {
  const started = nowMs();
  const cutoff = new Date(started - (options.retentionMs ?? RECEIPT_RETENTION_MS));
  const budgetMs = options.budgetMs ?? 60_000;
  const receipts = elevatedCollection(SendGridEventReceipts);
  let removed = 0;
  for (;;) {
    const expired = await receipts.find((q) => q.lt('received_at', cutoff), { limit: MAX_BULK_ITEMS });
    if (expired.length === 0) return { removed, partial: false };
    const outcome = await receipts.bulkRemove(expired.map((r) => r._id));
    removed += outcome.removed;
    if (expired.length < MAX_BULK_ITEMS) return { removed, partial: false };
    if (nowMs() - started > budgetMs) return { removed, partial: true };
  }
}
