/**
 * Sequence versions. Rule: **an enrollment finishes on the version it started on; new enrollments
 * take the current one.** The current version's steps live on the sequence (`version`, `steps`,
 * `exit_conditions`, `send_window`); an edit of any of these first freezes the version it replaces
 * into EmailSequenceVersions (`<sequence>.v<n>`, an insert: racing edits write the same item once),
 * then patches the sequence to version n+1 only if it is still at n. So whenever a reader sees
 * version n+1, version n is already frozen, and every version an enrollment names can be found.
 */
import type { EmailSequence, EmailSequenceEnrollment } from '../collections/email';
import type { SequenceStep } from '../collections/sequence-steps';
import { sequenceVersionId, type EmailSequenceVersion } from '../collections/sequences';
import { DEFAULT_INACTIVE_AFTER_DAYS, type SequencePlan } from './engine';
import { byIds, versions } from './records';

export function sortedSteps(steps: readonly SequenceStep[]): SequenceStep[] {
  return [...steps].sort((a, b) => a.step_number - b.step_number);
}

export function versionOf(sequence: Pick<EmailSequence, 'version'>): number {
  return sequence.version ?? 1;
}

export function enrollmentVersionOf(enrollment: Pick<EmailSequenceEnrollment, 'sequence_version'>): number {
  return enrollment.sequence_version ?? 1;
}

/** The plan of the sequence's current version. */
export function currentPlan(sequence: EmailSequence): SequencePlan {
  return {
    sequenceId: sequence._id,
    version: versionOf(sequence),
    steps: sortedSteps(sequence.steps),
    exitConditions: sequence.exit_conditions,
    sendWindow: sequence.send_window ?? null,
    inactiveAfterDays: sequence.inactive_after_days ?? DEFAULT_INACTIVE_AFTER_DAYS,
  };
}

function frozenPlan(sequence: EmailSequence, frozen: EmailSequenceVersion): SequencePlan {
  return {
    sequenceId: sequence._id,
    version: frozen.version,
    steps: sortedSteps(frozen.steps),
    exitConditions: frozen.exit_conditions,
    sendWindow: frozen.send_window ?? null,
    inactiveAfterDays: sequence.inactive_after_days ?? DEFAULT_INACTIVE_AFTER_DAYS,
  };
}

export function planKey(sequenceId: string, version: number): string {
  return sequenceVersionId(sequenceId, version);
}

/**
 * The plan of every (sequence, version) the enrollments run: the current ones from the sequences
 * already read, older ones from EmailSequenceVersions (one read, only when some enrollment is on an
 * older version). A version that cannot be found is missing from the map.
 */
export async function plansFor(sequenceById: ReadonlyMap<string, EmailSequence>, list: readonly Pick<EmailSequenceEnrollment, 'sequence_id' | 'sequence_version'>[]): Promise<Map<string, SequencePlan>> {
  const plans = new Map<string, SequencePlan>();
  const older: string[] = [];
  for (const e of list) {
    const sequence = sequenceById.get(e.sequence_id);
    if (!sequence) continue;
    const version = enrollmentVersionOf(e);
    const key = planKey(sequence._id, version);
    if (plans.has(key)) continue;
    if (version === versionOf(sequence)) plans.set(key, currentPlan(sequence));
    else older.push(key);
  }
  if (older.length > 0) {
    for (const frozen of await byIds(versions(), older)) {
      const sequence = sequenceById.get(frozen.sequence_id);
      if (sequence) plans.set(frozen._id, frozenPlan(sequence, frozen));
    }
  }
  return plans;
}

/** Freezes the sequence's current version before an edit replaces it (idempotent: a second insert is skipped). */
export async function freezeCurrentVersion(sequence: EmailSequence, at: Date): Promise<void> {
  const version = versionOf(sequence);
  await versions().bulkInsert([
    {
      _id: sequenceVersionId(sequence._id, version),
      sequence_id: sequence._id,
      carrier_dot: sequence.carrier_dot,
      version,
      steps: sequence.steps,
      exit_conditions: sequence.exit_conditions,
      send_window: sequence.send_window ?? null,
      replaced_at: at,
    },
  ]);
}
