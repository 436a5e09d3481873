/**
 * Data hooks (`backend/data.js`). They run for every write, including CMS edits and imports, so
 * driver contact details are stored normalised, with up-to-date reachability flags, whichever way
 * they arrive.
 */
import { normalizeDriverContact } from './drivers/contact';
import { withReachabilityFirst } from './outreach/audience/reachability';
import { JobApplications } from './collections/jobs';
import { DriverProfiles } from './collections/people';
import { createLogger, now as clockNow } from './platform';
import { endEnrollmentsOfHired, onApplicationsHired, onDriversHired } from './sequences/hired';
import { onApplicationSubmitted } from './sequences/triggers';

interface HookContext {
  collectionName: string;
  userId: string | null;
  userRole: string;
  /** Update hooks: the item as stored before the update. */
  currentItem?: Item;
}

type Item = Record<string, unknown>;

/**
 * Normalised contact fields, and the reachability flags derived from them. The flags lead the
 * stored item: audience estimates sum them over tens of thousands of items, and a JSON document
 * store finds leading keys sooner (Wix itself ignores key order).
 */
function prepareDriver(item: Item): Item {
  return withReachabilityFirst(normalizeDriverContact(item));
}

export function DriverProfiles_beforeInsert(item: Item, _context: HookContext): Item {
  return prepareDriver(item);
}

export function DriverProfiles_beforeUpdate(item: Item, _context: HookContext): Item {
  return prepareDriver(item);
}

/** True when an update moved the item's `status` to `value` (any update when the previous item is unknown). */
function becomes(item: Item, context: HookContext, value: string): boolean {
  return item['status'] === value && context.currentItem?.['status'] !== value;
}

/**
 * A driver just hired (the status moved to `hired`): the driver's running sequence enrollments end
 * at once with exit reason `hired` (src/backend/sequences/hired.ts). Never fails the update.
 */
export async function DriverProfiles_afterUpdate(item: Item, context: HookContext): Promise<Item> {
  if (!becomes(item, context, 'hired')) return item;
  const parsed = DriverProfiles.schema.pick({ _id: true, carrier_dot: true }).safeParse(item);
  if (!parsed.success) return item;
  const { _id: driverId, carrier_dot: carrierDot } = parsed.data;
  await endEnrollmentsOfHired(() => onDriversHired({ carrierDot, driverIds: [driverId], at: clockNow() }), { driverId });
  return item;
}

/**
 * An application just hired: the matched driver profile is marked hired and its running sequence
 * enrollments end at once (src/backend/sequences/hired.ts). Never fails the update.
 */
export async function JobApplications_afterUpdate(item: Item, context: HookContext): Promise<Item> {
  if (!becomes(item, context, 'hired')) return item;
  const parsed = JobApplications.schema.safeParse(item);
  if (!parsed.success || !parsed.data.matched_driver_id) return item;
  const application = parsed.data;
  await endEnrollmentsOfHired(() => onApplicationsHired([application], clockNow()), { applicationId: application._id });
  return item;
}

const log = createLogger('data');

/**
 * A new application matched to a driver: the driver's `last_applied_at` mirror (the sequences'
 * `applied` exit reads it), then enrollment into the carrier's active `application_submitted`
 * sequences (src/backend/sequences/triggers.ts; idempotent). Never fails the insert: a failure is
 * logged and the recruiter can still enroll the driver by hand.
 */
export async function JobApplications_afterInsert(item: Item, _context: HookContext): Promise<Item> {
  const parsed = JobApplications.schema.safeParse(item);
  if (!parsed.success || !parsed.data.matched_driver_id) return item;
  try {
    await onApplicationSubmitted(parsed.data, clockNow());
  } catch (error) {
    log.error('recording an application for sequences failed', { applicationId: parsed.data._id, error });
  }
  return item;
}
