/**
 * What a batch writes for each enrollment (batch.ts): the fields that change and the history
 * entries appended to the stored history, from the plan of its due step (engine.ts) and, for a
 * message step, the channel's result.
 *
 * Steps without side effect (wait, condition, voicemail, a message step its conditions skip) are
 * followed in the same batch by the next step when that one is due at once (no delay, in its window)
 * and the batch read what it needs (`stepsAtOnce`: its email record, the facts of its conditions):
 * one change then carries several entries, and a message step reached that way is sent by this batch.
 * Exactly once is unchanged: nothing of the enrollment is written before its one final write, and a
 * message step's record id is deterministic whichever batch runs it.
 */
import type { EmailSequenceEnrollment } from '../collections/email';
import type { StepHistoryEntry } from '../collections/sequence-steps';
import type { StepOutcome } from '../collections/vocabulary';
import { recipientLocation } from '../outreach';
import { addCounterChange, type CounterChange } from './counters';
import { advanceAfter, branchOutcome, planStep, stepsAtOnce, type ExitReason, type StepPlan } from './engine';
import type { Claimed, Loaded } from './prepare';
import { enrollments, indexById, stepMessageId } from './records';
import type { SendResult } from './stepItem';

const MIN_RESCHEDULE_MS = 60_000;

/** What to write for one enrollment; `entries` are appended to its stored history. */
export type Change = Partial<Pick<EmailSequenceEnrollment, 'status' | 'current_step' | 'next_step_at' | 'last_step_at' | 'exit_reason' | 'finished_at' | 'converted_at' | 'converted'>> & {
  readonly entries?: readonly StepHistoryEntry[];
};

export function emptySteps(): Record<StepOutcome, number> {
  return { sent: 0, skipped: 0, held: 0, blocked: 0, failed: 0, waited: 0, condition_true: 0, condition_false: 0 };
}

export function exitChange(reason: ExitReason, at: Date): Change {
  return { status: 'exited', exit_reason: reason, next_step_at: null, finished_at: at };
}

/** `next` applied after `prior` (fields of `next` win; entries accumulate). */
export function mergeChange(prior: Change | null | undefined, next: Change): Change {
  if (!prior) return next;
  return { ...prior, ...next, entries: [...(prior.entries ?? []), ...(next.entries ?? [])] };
}

function advanceChange(l: Loaded, input: { position: number; outcome: StepOutcome; at: Date; messageId?: string | null; reason?: string; skip?: number; exit?: ExitReason }): Change {
  const advance = advanceAfter({ plan: l.plan, position: input.position, outcome: input.outcome, at: input.at, location: recipientLocation(l.driver), messageId: input.messageId ?? null, ...(input.reason ? { reason: input.reason } : {}), skip: input.skip ?? 0 });
  if (input.exit) return { ...exitChange(input.exit, input.at), current_step: input.position, last_step_at: input.at, entries: [advance.entry] };
  return {
    status: advance.status,
    current_step: advance.currentStep,
    next_step_at: advance.nextStepAt,
    last_step_at: input.at,
    entries: [advance.entry],
    ...(advance.status === 'completed' ? { finished_at: input.at } : {}),
  };
}

/** The change of a plan that sends nothing (null for a message step: its result decides). */
function changeForPlan(l: Loaded, plan: StepPlan, at: Date): Change | null {
  switch (plan.kind) {
    case 'exit':
      return exitChange(plan.reason, at);
    case 'complete':
      return { status: 'completed', current_step: l.plan.steps.length + 1, next_step_at: null, finished_at: at };
    case 'skip':
      return advanceChange(l, { position: plan.position, outcome: 'skipped', at, reason: plan.reason });
    case 'wait':
      return advanceChange(l, { position: plan.position, outcome: 'waited', at });
    case 'branch': {
      const branch = branchOutcome(plan);
      return advanceChange(l, { position: plan.position, outcome: branch.outcome, at, reason: plan.reason, skip: branch.skip, ...(branch.exit ? { exit: 'condition' as const } : {}) });
    }
    case 'send':
      return null;
    default: {
      const unreachable: never = plan;
      return unreachable;
    }
  }
}

export type SendPlan = Extract<StepPlan, { kind: 'send' }>;

/** An enrollment's steps in this batch: what the steps without side effect changed, and the message step to send (if one is reached). */
export interface PlannedSteps {
  readonly change: Change | null;
  readonly send: SendPlan | null;
}

/**
 * Plans the enrollment's due step and follows with the next ones while they are due at once (see
 * the header). `emailRead`: whether the batch read the stored record of an email step's message id
 * (a step a killed run may have sent must be decided on its record, never composed anew).
 */
export function planSteps(input: { l: Loaded; enrollment: Claimed; at: Date; emailRead: (messageId: string) => boolean }): PlannedSteps {
  const { l, enrollment: e, at } = input;
  const reachable = new Set(stepsAtOnce(l.plan, e.current_step).map((s) => s.step_number));
  let position = e.current_step;
  let change: Change | null = null;
  for (let ran = 0; ran <= l.plan.steps.length; ran += 1) {
    const plan = planStep({ plan: l.plan, position, enrolledAt: e.enrolled_at, facts: l.facts, now: at });
    if (plan.kind === 'send') return { change, send: plan };
    const next = changeForPlan(l, plan, at);
    if (!next) break;
    change = mergeChange(change, next);
    const following = change.status === 'active' && change.current_step !== undefined ? l.plan.steps[change.current_step - 1] : undefined;
    const dueNow = change.next_step_at !== null && change.next_step_at !== undefined && change.next_step_at.getTime() <= at.getTime();
    if (!following || !dueNow || !reachable.has(following.step_number)) break;
    if (following.step_type === 'email' && !input.emailRead(stepMessageId(e._id, following.step_number))) break;
    position = change.current_step ?? position;
  }
  return { change, send: null };
}

/** The change once a message step's channel answered, after what the steps before it in this batch changed. */
export function changeForResult(l: Loaded, position: number, result: SendResult, at: Date, prior: Change | null): Change {
  switch (result.kind) {
    case 'later':
      // Never due again within this run: a run only moves forward.
      return mergeChange(prior, { next_step_at: new Date(Math.max(result.until.getTime(), at.getTime() + MIN_RESCHEDULE_MS)) });
    case 'done':
      return mergeChange(prior, advanceChange(l, { position, outcome: result.outcome, at, messageId: result.messageId, ...(result.reason ? { reason: result.reason } : {}) }));
  }
}

/** The completion tags of the enrollments this batch completes, by driver. */
export function completionTags(batch: readonly Claimed[], changes: ReadonlyMap<string, Change>, loaded: ReadonlyMap<string, Loaded>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const e of batch) {
    const tag = loaded.get(e._id)?.sequence.completion_tag;
    if (!tag || changes.get(e._id)?.status !== 'completed') continue;
    out.set(e.driver_id, new Set([...(out.get(e.driver_id) ?? []), tag]));
  }
  return out;
}

/** What one written enrollment changes in its sequence's counters (it was `active` as stored). */
function counterChangeOf(stored: EmailSequenceEnrollment, written: EmailSequenceEnrollment): Partial<CounterChange> {
  const ended = written.status === 'completed' || written.status === 'exited';
  return {
    active_count: ended ? -1 : 0,
    completed_count: written.status === 'completed' ? 1 : 0,
    conversion_count: (written.converted ?? 0) - (stored.converted ?? 0),
  };
}

/**
 * Writes the changes of enrollments still `active` at the step they were claimed at (`fresh`: them
 * as stored now); also what the writes change in the sequences' counters.
 */
export async function writeChanges(batch: readonly Claimed[], changes: ReadonlyMap<string, Change>, fresh: readonly EmailSequenceEnrollment[]): Promise<{ written: EmailSequenceEnrollment[]; entries: StepHistoryEntry[]; counters: Map<string, CounterChange> }> {
  const claimed = indexById(batch);
  const written: EmailSequenceEnrollment[] = [];
  const entries: StepHistoryEntry[] = [];
  const counters = new Map<string, CounterChange>();
  for (const current of fresh) {
    const before = claimed.get(current._id);
    const change = changes.get(current._id);
    // Removed, exited by a webhook or moved on meanwhile: its own writer's state stands.
    if (!before || !change || current.status !== 'active' || current.current_step !== before.current_step) continue;
    const { entries: added = [], ...fields } = change;
    const next = { ...current, ...fields, step_history: added.length > 0 ? [...current.step_history, ...added] : current.step_history };
    written.push(next);
    entries.push(...added);
    addCounterChange(counters, current.sequence_id, counterChangeOf(current, next));
  }
  if (written.length > 0) await enrollments().bulkUpdate(written);
  return { written, entries, counters };
}
