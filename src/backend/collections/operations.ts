/**
 * Collections the platform itself needs to run safely on Wix (not tenant data): job leases that
 * make at-least-once scheduled jobs run each piece of work once, and webhook receipts that make
 * at-least-once provider webhooks apply each event once.
 */
import * as z from 'zod';
import { defineCollection, index, type ItemOf } from './define';

export const JobLeases = defineCollection({
  id: 'JobLeases',
  description: 'One item per lease generation of a scheduled job: holder, expiry and the resumable cursor.',
  fields: {
    job_name: z.string().min(1),
    generation: z.number().int().nonnegative(),
    holder: z.string().min(1),
    lease_until: z.date(),
    cursor: z.record(z.string(), z.unknown()).nullable(),
    started_at: z.date(),
    finished_at: z.date().nullable(),
    outcome: z.enum(['running', 'completed', 'partial', 'failed']),
    note: z.string().max(500).nullable(),
  },
  indexes: [index('job_name', 'generation')],
});
export type JobLease = ItemOf<typeof JobLeases>;

/**
 * SendGrid Event Webhook receipts: one item per applied event, `_id` = its `sg_event_id`. The
 * webhook bulk-inserts the batch's receipts first; Wix skips ids that exist, so the inserted ids
 * are exactly the events never applied before (replays and duplicate deliveries change nothing).
 * Kept 72 h (SendGrid retries for up to 24 h), then removed by `pruneSendGridEventReceipts`.
 */
export const SendGridEventReceipts = defineCollection({
  id: 'SendGridEventReceipts',
  description: 'One item per SendGrid event applied (id = sg_event_id): makes the Event Webhook idempotent across retries and duplicates. Pruned after 72 h.',
  fields: {
    received_at: z.date(),
    event: z.string().min(1).max(40),
    /** The event's own time (SendGrid `timestamp`). */
    event_at: z.date(),
    /** Our EmailMessages id when the event named it (custom_args), else null. */
    message_id: z.string().max(200).nullable(),
    /** Group (un/re)subscribes only: `<carrier>|<address>|<asm group>`, so a late unsubscribe can see a newer resubscribe. */
    group_key: z.string().max(400).nullable(),
  },
  indexes: [index('received_at'), index('group_key', 'event')],
});
export type SendGridEventReceipt = ItemOf<typeof SendGridEventReceipts>;

/** Collections that are not tenant-scoped (no carrier_dot). */
export const PLATFORM_COLLECTION_IDS = ['JobLeases', 'SendGridEventReceipts'] as const;
