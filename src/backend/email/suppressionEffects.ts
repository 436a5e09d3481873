/**
 * The side effects of email suppressions — none of which a send waits for (campaign waves and
 * sequence email steps read EmailSuppressions themselves, in the read that decides their batch):
 *
 * - the DriverProfiles mirror `email_suppressed_reason` / `email_suppressed_at` (audience counts and
 *   reachability read it): the strongest active reason of the driver's current address; cleared when
 *   only a lifted group unsubscribe is left;
 * - the carrier's unsent (`pending` / `held`) EmailMessages to a suppressed address → `canceled`;
 * - the running sequence enrollments of drivers whose address is suppressed end with the exit
 *   `unsubscribed` (where the sequence enables it; sequences/exits.ts).
 *
 * `applySuppressionEffects` applies them for some addresses of a carrier, from the stored state (so
 * twice is the same as once). `processEmailSuppressions` (job, every 5 minutes) applies them for the
 * items queued by their writes (`effects_due_at`: written in the same request as the suppression,
 * so nothing is lost when the process dies after the write) and then clears the mark, only where it
 * is still the one read (an item written again meanwhile stays queued). Overlapping runs only repeat
 * idempotent work, so the job holds no lease.
 */
import { EmailMessages } from '../collections/email';
import { DriverProfiles, type DriverProfile } from '../collections/people';
import { createLogger, elevatedCollection, MAX_BULK_ITEMS, now as clockNow, nowMs } from '../platform';
import { exitEnrollmentsForDrivers } from '../sequences/exits';
import { chunk, groupBy } from '../util/lists';
import { activeSuppressionsOf, dueSuppressionItems, markEffectsApplied, normalizeAddress, reasonRank, type ActiveSuppression } from './suppressionRecords';

const log = createLogger('email.suppressions');

export const SUPPRESSION_JOB_NAME = 'processEmailSuppressions';

/** Drivers per read of their running enrollments (a driver rarely runs more than a few sequences). */
const EXIT_DRIVERS_PER_CALL = 300;

export interface EffectsReport {
  readonly driversUpdated: number;
  readonly emailsCanceled: number;
  readonly enrollmentsExited: number;
}

const NO_EFFECTS: EffectsReport = { driversUpdated: 0, emailsCanceled: 0, enrollmentsExited: 0 };

const drivers = () => elevatedCollection(DriverProfiles);
const messages = () => elevatedCollection(EmailMessages);

/** The mirror a driver should carry, or undefined when it stays as it is. */
function mirrorChange(driver: DriverProfile, active: ActiveSuppression | undefined): Pick<DriverProfile, 'email_suppressed_reason' | 'email_suppressed_at'> | undefined {
  const have = driver.email_suppressed_reason ?? null;
  if (active) return reasonRank(active.reason) > reasonRank(have) ? { email_suppressed_reason: active.reason, email_suppressed_at: active.suppressedAt } : undefined;
  // Only a group unsubscribe is ever lifted; a stronger mirror stays (it came from a permanent reason).
  return have === 'group_unsubscribed' ? { email_suppressed_reason: null, email_suppressed_at: null } : undefined;
}

/** Drivers whose current address is one of these: the mirror updated (one read + one write per 1000); returns the suppressed ones. */
async function mirrorOnDrivers(carrierDot: string, addresses: readonly string[], active: ReadonlyMap<string, ActiveSuppression>): Promise<{ updated: number; suppressed: string[] }> {
  let updated = 0;
  const suppressed: string[] = [];
  for (const part of chunk(addresses, MAX_BULK_ITEMS)) {
    for await (const page of drivers().pages((q) => q.eq('carrier_dot', carrierDot).hasSome('email', part))) {
      const changed: DriverProfile[] = [];
      for (const d of page) {
        const state = active.get(normalizeAddress(d.email ?? ''));
        if (state) suppressed.push(d._id);
        const change = mirrorChange(d, state);
        if (change) changed.push({ ...d, ...change });
      }
      // Whole items read just above: the hooks refresh the reachability flags.
      if (changed.length > 0) await drivers().bulkUpdate(changed);
      updated += changed.length;
    }
  }
  return { updated, suppressed };
}

/** The carrier's emails to these addresses not yet handed to SendGrid become `canceled`. */
async function cancelUnsent(carrierDot: string, addresses: readonly string[]): Promise<number> {
  let canceled = 0;
  for (const part of chunk(addresses, MAX_BULK_ITEMS)) {
    for (;;) {
      const open = await messages().find((q) => q.eq('carrier_dot', carrierDot).hasSome('email_address', part).hasSome('status', ['pending', 'held']), { limit: MAX_BULK_ITEMS });
      if (open.length === 0) break;
      await messages().bulkPatch(
        open.map((m) => m._id),
        { status: 'canceled', compliance_rule: 'email.suppressed', compliance_reason: 'The address was suppressed (unsubscribe, bounce or spam report) before this email was sent' },
      );
      canceled += open.length;
      if (open.length < MAX_BULK_ITEMS) break;
    }
  }
  return canceled;
}

/** Applies the side effects of the stored suppression state of these addresses at this carrier. */
export async function applySuppressionEffects(input: { carrierDot: string; addresses: readonly string[]; at: Date }): Promise<EffectsReport> {
  const addresses = [...new Set(input.addresses.map(normalizeAddress))].filter((a) => a !== '');
  if (addresses.length === 0) return NO_EFFECTS;
  const active = await activeSuppressionsOf(input.carrierDot, addresses);
  const mirrored = await mirrorOnDrivers(input.carrierDot, addresses, active);
  const emailsCanceled = active.size > 0 ? await cancelUnsent(input.carrierDot, [...active.keys()]) : 0;
  let enrollmentsExited = 0;
  for (const part of chunk(mirrored.suppressed, EXIT_DRIVERS_PER_CALL)) {
    enrollmentsExited += (await exitEnrollmentsForDrivers({ carrierDot: input.carrierDot, driverIds: part, reason: 'unsubscribed', at: input.at })).exited;
  }
  return { driversUpdated: mirrored.updated, emailsCanceled, enrollmentsExited };
}

export interface SuppressionJobReport extends EffectsReport {
  /** Queued items whose effects were applied and whose mark was cleared. */
  readonly items: number;
  /** Queued items of carriers whose effects failed (left queued for the next run). */
  readonly failed: number;
  /** The time budget ran out with items still queued. */
  readonly partial: boolean;
}

/**
 * The follow-up of the suppression writes (job `processEmailSuppressions`, every 5 minutes): queued
 * items ≤ 1000 at a time, per carrier `applySuppressionEffects`, then the marks cleared. A carrier
 * whose effects fail keeps its items queued; the run stops there and the next run retries.
 */
export async function processEmailSuppressions(options: { budgetMs?: number; batchSize?: number } = {}): Promise<SuppressionJobReport> {
  const started = nowMs();
  const budgetMs = options.budgetMs ?? 4 * 60_000;
  const batchSize = Math.max(1, Math.min(MAX_BULK_ITEMS, options.batchSize ?? MAX_BULK_ITEMS));
  const total = { items: 0, failed: 0, driversUpdated: 0, emailsCanceled: 0, enrollmentsExited: 0 };
  for (;;) {
    const due = await dueSuppressionItems(batchSize);
    if (due.length === 0) return { ...total, partial: false };
    const at = clockNow();
    const done: typeof due = [];
    for (const [carrierDot, items] of groupBy(due, (i) => i.carrier_dot)) {
      try {
        const r = await applySuppressionEffects({ carrierDot, addresses: items.map((i) => i.email_address), at });
        total.driversUpdated += r.driversUpdated;
        total.emailsCanceled += r.emailsCanceled;
        total.enrollmentsExited += r.enrollmentsExited;
        done.push(...items);
      } catch (error) {
        total.failed += items.length;
        log.error('applying email suppressions failed; they stay queued for the next run', { carrierDot, items: items.length, error });
      }
    }
    total.items += await markEffectsApplied(done, at);
    if (total.failed > 0 || due.length < batchSize) return { ...total, partial: false };
    if (nowMs() - started >= budgetMs) return { ...total, partial: true };
  }
}
