/**
 * A recruiter removes a driver from a sequence: the enrollment exits (`removed: <reason>`), with a
 * field-level patch only while it still runs, so nothing else it holds is lost.
 *
 * The step job writes a batch's advances with one bulk update of whole items after re-reading them
 * (batch.ts). A removal landing between that re-read and that write would be overwritten, and it is
 * the one exit the job cannot re-derive from facts. Only an enrollment that was already due can be
 * in a running batch (batches claim `next_step_at ≤ now`), so for those the removal waits out the
 * job's re-read-to-write window and checks again, re-applying itself if a batch wrote over it.
 */
import type { EmailSequenceEnrollment } from '../collections/email';
import { enrollments } from './records';

/** Longer than the job's re-read → bulk update of one batch (one data request apart). */
export const JOB_WRITE_SETTLE_MS = 1_500;

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** False when the enrollment had already ended. */
export async function removeEnrollment(input: { enrollment: EmailSequenceEnrollment; reason: string; by: string; at: Date }): Promise<boolean> {
  const { enrollment, at } = input;
  const db = enrollments();
  const fields = { status: 'exited' as const, exit_reason: input.reason ? `removed: ${input.reason}`.slice(0, 200) : 'removed', next_step_at: null, finished_at: at, enrolled_by: input.by };
  const running = db.filter().hasSome('status', ['active', 'paused']);
  const patched = await db.patch(enrollment._id, fields, { condition: running });
  if (!patched) return false;
  const due = enrollment.next_step_at !== null && enrollment.next_step_at !== undefined && enrollment.next_step_at.getTime() <= at.getTime();
  if (due) {
    await wait(JOB_WRITE_SETTLE_MS);
    const now = await db.get(enrollment._id);
    if (now?.status === 'active') await db.patch(enrollment._id, fields, { condition: running });
  }
  return true;
}
