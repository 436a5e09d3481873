/**
 * What a batch changes on its drivers: the `last_sms_at` / `last_email_at` mirrors (audience filters
 * `no_sms_in_last_days` / `no_email_in_last_days`, caps) of the drivers Twilio / SendGrid accepted a
 * message for, and the end of a sequence
 * moving the driver to a segment — a sequence's `completion_tag` (the §2.3 template: `cold`) added
 * to `tags` when an enrollment completes. One read of those drivers right before one bulk update
 * (so the full-item update keeps concurrent changes), written before the enrollments advance:
 * a rerun after a kill finds the tag already there (adding is idempotent).
 */
import type { DriverProfile } from '../collections/people';
import { drivers, driversByIds } from './records';

export interface BatchDriverChanges {
  readonly emailed: readonly string[];
  readonly texted: readonly string[];
  readonly tags: ReadonlyMap<string, ReadonlySet<string>>;
  readonly at: Date;
}

/** The drivers the changes touch (the read half; the caller may overlap it with other reads). */
export function readBatchDrivers(input: BatchDriverChanges): Promise<DriverProfile[]> {
  const ids = [...new Set([...input.emailed, ...input.texted, ...input.tags.keys()])];
  return ids.length === 0 ? Promise.resolve([]) : driversByIds(ids);
}

/** The write half: the changed drivers in one bulk update. */
export async function writeBatchDrivers(input: BatchDriverChanges, current: readonly DriverProfile[]): Promise<number> {
  const emailed = new Set(input.emailed);
  const texted = new Set(input.texted);
  const changed: DriverProfile[] = [];
  for (const d of current) {
    const missing = [...(input.tags.get(d._id) ?? [])].filter((t) => !d.tags.includes(t));
    if (missing.length === 0 && !emailed.has(d._id) && !texted.has(d._id)) continue;
    changed.push({ ...d, tags: [...d.tags, ...missing], ...(emailed.has(d._id) ? { last_email_at: input.at } : {}), ...(texted.has(d._id) ? { last_sms_at: input.at } : {}) });
  }
  // Mirrors and tags feed nothing the DriverProfiles hooks derive (they normalise contact fields).
  if (changed.length > 0) await drivers().bulkUpdate(changed, { suppressHooks: true });
  return changed.length;
}
