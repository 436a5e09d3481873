/**
 * Collections the platform itself needs to run safely on Wix (not tenant data): job leases that
 * make at-least-once scheduled jobs run each piece of work once.
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

/** Collections that are not tenant-scoped (no carrier_dot). */
export const PLATFORM_COLLECTION_IDS = ['JobLeases'] as const;
