/**
 * Delivery statuses in bulk from Twilio's message list instead of one callback per message (see
 * docs/sms-campaigns.md for the threshold): one provider page of ≤1000 messages costs one read of
 * our matching records and at most one bulk write.
 */
import type { SMSMessage } from '../collections/sms';
import { now as clockNow } from '../platform';
import type { SmsProvider } from './provider';
import { mergeProviderState, messages } from './records';

export interface ReconcileReport {
  readonly listed: number;
  readonly matched: number;
  readonly updated: number;
  readonly reads: number;
  readonly writes: number;
}

export async function reconcileDeliveryStatus(input: { provider: SmsProvider; sentAfter: Date; sentBefore: Date; pageSize?: number }): Promise<ReconcileReport> {
  let listed = 0;
  let matched = 0;
  let updated = 0;
  let reads = 0;
  let writes = 0;
  const at = clockNow();
  for await (const page of input.provider.listSent({ sentAfter: input.sentAfter, sentBefore: input.sentBefore, pageSize: input.pageSize ?? 1000 })) {
    listed += page.length;
    const bySid = new Map(page.map((m) => [m.sid, m]));
    const ours = await messages().find((q) => q.hasSome('twilio_sid', [...bySid.keys()]), { limit: 1000 });
    reads += 1;
    matched += ours.length;
    const changed: SMSMessage[] = [];
    for (const message of ours) {
      const p = message.twilio_sid ? bySid.get(message.twilio_sid) : undefined;
      const merged = p ? mergeProviderState(message, p, p.dateSent ?? at) : null;
      if (merged) changed.push(merged);
    }
    if (changed.length > 0) {
      await messages().bulkUpdate(changed);
      writes += 1;
      updated += changed.length;
    }
  }
  return { listed, matched, updated, reads, writes };
}

const RECONCILE_HORIZON_MS = 72 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Reconciles from the UTC day of the oldest message still `queued`/`sent` in the last 72 hours
 * (Twilio's DateSent filter has day granularity). One read to find it; nothing when there is none.
 */
export async function reconcilePendingStatuses(input: { provider: SmsProvider }): Promise<ReconcileReport> {
  const at = clockNow();
  const [oldest] = await messages().find((q) => q.hasSome('status', ['queued', 'sent']).ge('sent_at', new Date(at.getTime() - RECONCILE_HORIZON_MS)).ascending('sent_at'), { limit: 1 });
  if (!oldest?.sent_at) return { listed: 0, matched: 0, updated: 0, reads: 1, writes: 0 };
  const day = new Date(Math.floor(oldest.sent_at.getTime() / DAY_MS) * DAY_MS);
  const report = await reconcileDeliveryStatus({ provider: input.provider, sentAfter: day, sentBefore: new Date(at.getTime() + DAY_MS) });
  return { ...report, reads: report.reads + 1 };
}
