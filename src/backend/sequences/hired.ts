/**
 * The `hired` exit at once. A hire is a DriverProfiles `status` of `hired`; it is set by a recruiter
 * (CMS, an import, the profile editor) or follows from a JobApplications `status` of `hired` (the
 * applicant's matched profile is marked hired). The data hooks (`DriverProfiles_afterUpdate`,
 * `JobApplications_afterUpdate` in data.ts) call these when the status becomes `hired`, so the
 * driver's running enrollments end right away — exit reason `hired`, counted as a conversion, in
 * the sequences that enable the exit — through `exitEnrollmentsForDrivers` (a conditional bulk patch
 * of the enrollments still running, then the counters' sync: they stay exact). The step job still
 * derives the exit before every step, so a hook that failed loses nothing but time.
 */
import type { JobApplication } from '../collections/jobs';
import { createLogger } from '../platform';
import { exitEnrollmentsForDrivers, type ExitReport } from './exits';
import { drivers } from './records';
import { groupBy } from '../util/lists';

const log = createLogger('sequences.hired');

/** Ends the running enrollments of these drivers (of one carrier) whose sequence enables the `hired` exit. */
export async function onDriversHired(input: { carrierDot: string; driverIds: readonly string[]; at: Date }): Promise<ExitReport> {
  const driverIds = [...new Set(input.driverIds.filter((id) => id !== ''))];
  if (driverIds.length === 0) return { exited: 0, sequences: [] };
  return exitEnrollmentsForDrivers({ carrierDot: input.carrierDot, driverIds, reason: 'hired', at: input.at });
}

/**
 * Applications now `hired`: their matched profiles are marked hired (one bulk patch per carrier, only
 * those not hired yet; the profile hooks are skipped — the status feeds nothing they derive — so the
 * exit runs here, once), then the drivers' enrollments end.
 */
export async function onApplicationsHired(applications: readonly Pick<JobApplication, 'carrier_dot' | 'matched_driver_id'>[], at: Date): Promise<ExitReport> {
  let exited = 0;
  const sequences: string[] = [];
  for (const [carrierDot, list] of groupBy(applications.filter((a) => a.matched_driver_id), (a) => a.carrier_dot)) {
    const driverIds = [...new Set(list.map((a) => a.matched_driver_id ?? ''))].filter((id) => id !== '');
    const db = drivers();
    await db.bulkPatch(driverIds, { status: 'hired' }, { suppressHooks: true, condition: db.filter().eq('carrier_dot', carrierDot).ne('status', 'hired') });
    const report = await onDriversHired({ carrierDot, driverIds, at });
    exited += report.exited;
    sequences.push(...report.sequences);
  }
  return { exited, sequences };
}

/** For the data hooks: never throws (the write that fired the hook must stand); the step job derives the exit anyway. */
export async function endEnrollmentsOfHired(run: () => Promise<ExitReport>, context: Record<string, unknown>): Promise<void> {
  try {
    const report = await run();
    if (report.exited > 0) log.info('enrollments ended: the driver was hired', { ...context, exited: report.exited });
  } catch (error) {
    log.error('ending sequence enrollments of a hired driver failed; the step job will exit them before their next step', { ...context, error });
  }
}
