/**
 * Ending enrollments when something happens outside the step job: a reply or STOP (the Twilio
 * inbound webhook), and anything else that learns of an exit at once (an unsubscribe, a hire).
 * Batch-shaped: one read of the drivers' running enrollments (per carrier), one read of their
 * sequences, one conditional bulk patch per exit kind (only items still running are written), then
 * the counters sync. An enrollment exits only when its sequence enables that exit condition.
 * The step job re-derives the same facts before every step, so an exit missed here (a failed call)
 * still happens before anything more is sent.
 */
import type { EmailSequenceEnrollment } from '../collections/email';
import type { SequenceExitType } from '../collections/vocabulary';
import type { ComplianceStore } from '../outreach';
import { createLogger } from '../platform';
import { syncSequenceCounters } from './counters';
import { activeEnrollmentsOf } from './enroll';
import { drivers, enrollments, indexById, sequencesByIds } from './records';

const log = createLogger('sequences.exits');

/** Exits that also count as a conversion. */
const CONVERTING: ReadonlySet<SequenceExitType> = new Set(['replied', 'applied', 'hired']);

export interface ExitReport {
  readonly exited: number;
  readonly sequences: readonly string[];
}

/**
 * Exits the drivers' running enrollments whose sequence enables `reason`. The exit condition is read
 * from the sequence's current version (older versions' exit conditions are the same in practice; the
 * step job applies each enrollment's own version before every step).
 */
export async function exitEnrollmentsForDrivers(input: { carrierDot: string; driverIds: readonly string[]; reason: SequenceExitType; at: Date }): Promise<ExitReport> {
  const running = await activeEnrollmentsOf(input.carrierDot, input.driverIds);
  if (running.length === 0) return { exited: 0, sequences: [] };
  const sequenceById = indexById(await sequencesByIds(running.map((e) => e.sequence_id)));
  const leaving = running.filter((e) => {
    const sequence = sequenceById.get(e.sequence_id);
    return sequence !== undefined && sequence.exit_conditions.some((c) => c.type === input.reason && c.enabled);
  });
  if (leaving.length === 0) return { exited: 0, sequences: [] };
  const db = enrollments();
  const stillRunning = db.filter().hasSome('status', ['active', 'paused']);
  const fields = { status: 'exited' as const, exit_reason: input.reason, next_step_at: null, finished_at: input.at };
  const converting = CONVERTING.has(input.reason);
  const groups: [EmailSequenceEnrollment[], typeof fields & { converted?: number; converted_at?: Date }][] = converting
    ? [
        [leaving.filter((e) => !e.converted_at), { ...fields, converted: 1, converted_at: input.at }],
        [leaving.filter((e) => e.converted_at), fields],
      ]
    : [[leaving, fields]];
  let exited = 0;
  for (const [list, patch] of groups) {
    if (list.length === 0) continue;
    const outcome = await db.bulkPatch(list.map((e) => e._id), patch, { condition: stillRunning });
    exited += outcome.updated;
  }
  const touched = [...new Set(leaving.map((e) => e.sequence_id))];
  await syncSequenceCounters(touched);
  return { exited, sequences: touched };
}

/**
 * From the SMS inbound webhook: `replied` (any text that is not a keyword) or `opted_out` (STOP) for
 * the drivers with that phone — of one carrier, or of every carrier for STOPALL. A reply is also
 * mirrored on the drivers (`last_reply_at`, one bulk patch). Never throws: the webhook's own answer
 * (the TwiML confirmation) must go out; the step job re-derives the exit before the next step.
 */
export async function exitSequencesForPhone(input: { phone: string; carrierDot: string | 'all'; reason: 'replied' | 'opted_out'; at: Date; store: ComplianceStore }): Promise<ExitReport> {
  try {
    const { drivers: found } = await input.store.findDriversByPhone({ phone: input.phone, carrierDot: input.carrierDot });
    if (found.length === 0) return { exited: 0, sequences: [] };
    if (input.reason === 'replied') await drivers().bulkPatch(found.map((d) => d._id), { last_reply_at: input.at }, { suppressHooks: true });
    let exited = 0;
    const sequences: string[] = [];
    const byCarrier = new Map<string, string[]>();
    for (const d of found) byCarrier.set(d.carrier_dot, [...(byCarrier.get(d.carrier_dot) ?? []), d._id]);
    for (const [carrierDot, driverIds] of byCarrier) {
      const report = await exitEnrollmentsForDrivers({ carrierDot, driverIds, reason: input.reason, at: input.at });
      exited += report.exited;
      sequences.push(...report.sequences);
    }
    return { exited, sequences };
  } catch (error) {
    log.error('ending sequence enrollments for an inbound SMS failed; the step job will exit them before their next step', { reason: input.reason, error });
    return { exited: 0, sequences: [] };
  }
}
