/**
 * The drip-sequence engine (pure): given the version of the steps an enrollment runs, where it
 * stands and what the driver has done, decide what its due step does (exit, complete, send an
 * email or an SMS, skip, wait, branch), and after it ran, where the enrollment goes next and when.
 *
 * Rules (docs/sequences.md):
 * - exits are checked before every step, in the order hired, applied, replied, unsubscribed,
 *   opted_out, inactive, each only when the sequence enables it;
 * - a step's `conditions` gate it (all set flags must hold), otherwise it is skipped;
 * - a condition step branches: true → the next step; false → `skip_next` jumps over the next step,
 *   `exit` ends the enrollment;
 * - voicemail steps are recorded as skipped (the voicemail channel is not available yet);
 * - the next step is due `delay_days`/`delay_hours` after the step that just ran, then moved into its
 *   channel's window (see ./timing.ts).
 */
import type { SendWindow } from '../collections/common';
import type { ExitCondition, SequenceStep, StepConditions, StepHistoryEntry } from '../collections/sequence-steps';
import type { SequenceExitType, StepOutcome } from '../collections/vocabulary';
import type { RecipientLocation } from '../outreach';
import { delayOf, dueAfter } from './timing';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Default of `inactive_after_days`. */
export const DEFAULT_INACTIVE_AFTER_DAYS = 30;

/** The steps an enrollment runs: one version of a sequence. */
export interface SequencePlan {
  readonly sequenceId: string;
  readonly version: number;
  /**
   * Ordered by `step_number`. An enrollment's `current_step` is the 1-based position of the step it
   * runs next (`steps.length + 1` once completed; the position it stood at when it exited).
   */
  readonly steps: readonly SequenceStep[];
  readonly exitConditions: readonly ExitCondition[];
  readonly sendWindow: SendWindow | null;
  readonly inactiveAfterDays: number;
}

/** What the driver has done, as far as the sequence cares (read per batch, see ./facts.ts). */
export interface EngagementFacts {
  /** Latest reply on any channel since the enrollment started, or null. */
  readonly repliedAt: Date | null;
  /** Latest application since the enrollment started, or null. */
  readonly appliedAt: Date | null;
  /** The driver profile's status is `hired`. */
  readonly hired: boolean;
  /** The driver profile's status is `inactive`. */
  readonly profileInactive: boolean;
  /** The carrier may not email this driver any more (unsubscribe, spam report, hard bounce). */
  readonly unsubscribed: boolean;
  /** The driver opted out of this carrier's texts. */
  readonly optedOut: boolean;
  /** Some email this enrollment sent was opened / clicked. */
  readonly emailOpened: boolean;
  readonly emailClicked: boolean;
  /** Latest reply, open, click or application (any time), or null. */
  readonly lastActivityAt: Date | null;
}

export const NO_ENGAGEMENT: EngagementFacts = Object.freeze({
  repliedAt: null,
  appliedAt: null,
  hired: false,
  profileInactive: false,
  unsubscribed: false,
  optedOut: false,
  emailOpened: false,
  emailClicked: false,
  lastActivityAt: null,
});

/** Why an enrollment ended early: an exit condition, a condition step, a recruiter, or missing data. */
export type ExitReason = SequenceExitType | 'condition' | 'removed' | 'driver_missing';

export type SendStep = Extract<SequenceStep, { step_type: 'email' | 'sms' }>;

export type StepPlan =
  | { readonly kind: 'exit'; readonly reason: ExitReason; readonly detail: string }
  | { readonly kind: 'complete' }
  | { readonly kind: 'send'; readonly position: number; readonly step: SendStep }
  | { readonly kind: 'skip'; readonly position: number; readonly step: SequenceStep; readonly reason: string }
  | { readonly kind: 'wait'; readonly position: number; readonly step: Extract<SequenceStep, { step_type: 'wait' }> }
  | { readonly kind: 'branch'; readonly position: number; readonly step: Extract<SequenceStep, { step_type: 'condition' }>; readonly holds: boolean; readonly reason: string };

function enabled(plan: Pick<SequencePlan, 'exitConditions'>, type: SequenceExitType): boolean {
  return plan.exitConditions.some((c) => c.type === type && c.enabled);
}

const after = (at: Date | null, since: Date): boolean => at !== null && at.getTime() >= since.getTime();

/** The first exit condition that applies now, or null. */
export function exitFor(input: { plan: Pick<SequencePlan, 'exitConditions' | 'inactiveAfterDays'>; enrolledAt: Date; facts: EngagementFacts; now: Date }): { reason: SequenceExitType; detail: string } | null {
  const { plan, enrolledAt, facts, now } = input;
  for (const type of EXIT_ORDER) {
    if (!enabled(plan, type)) continue;
    const detail = exitDetail(type, { plan, enrolledAt, facts, now });
    if (detail) return { reason: type, detail };
  }
  return null;
}

const EXIT_ORDER: readonly SequenceExitType[] = ['hired', 'applied', 'replied', 'unsubscribed', 'opted_out', 'inactive'];

function exitDetail(type: SequenceExitType, input: { plan: Pick<SequencePlan, 'inactiveAfterDays'>; enrolledAt: Date; facts: EngagementFacts; now: Date }): string | null {
  const { plan, enrolledAt, facts, now } = input;
  switch (type) {
    case 'hired':
      return facts.hired ? 'The driver was hired' : null;
    case 'applied':
      return after(facts.appliedAt, enrolledAt) ? 'The driver applied' : null;
    case 'replied':
      return after(facts.repliedAt, enrolledAt) ? 'The driver replied' : null;
    case 'unsubscribed':
      return facts.unsubscribed ? 'The driver unsubscribed from email' : null;
    case 'opted_out':
      return facts.optedOut ? 'The driver opted out of texts' : null;
    case 'inactive': {
      if (facts.profileInactive) return 'The driver profile is inactive';
      const since = Math.max(enrolledAt.getTime(), facts.lastActivityAt?.getTime() ?? 0);
      const days = plan.inactiveAfterDays;
      return now.getTime() - since > days * DAY_MS ? `No activity for more than ${days} days` : null;
    }
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

/** Whether every set flag of a step's conditions holds; `failed` says which one did not. */
export function evaluateConditions(conditions: StepConditions | undefined, facts: EngagementFacts, enrolledAt: Date): { holds: boolean; failed: string | null } {
  if (!conditions) return { holds: true, failed: null };
  if (conditions.if_not_opened && facts.emailOpened) return { holds: false, failed: 'an earlier email was opened' };
  if (conditions.if_not_clicked && facts.emailClicked) return { holds: false, failed: 'an earlier email was clicked' };
  if (conditions.if_no_reply && after(facts.repliedAt, enrolledAt)) return { holds: false, failed: 'the driver replied' };
  return { holds: true, failed: null };
}

/** Decides what the enrollment's due step does. `position` is the enrollment's `current_step` (1-based). */
export function planStep(input: { plan: SequencePlan; position: number; enrolledAt: Date; facts: EngagementFacts; now: Date }): StepPlan {
  const { plan, position, enrolledAt, facts, now } = input;
  const exit = exitFor({ plan, enrolledAt, facts, now });
  if (exit) return { kind: 'exit', reason: exit.reason, detail: exit.detail };
  const step = plan.steps[position - 1];
  if (!step) return { kind: 'complete' };
  const gate = evaluateConditions(step.conditions, facts, enrolledAt);
  switch (step.step_type) {
    case 'email':
    case 'sms':
      return gate.holds ? { kind: 'send', position, step } : { kind: 'skip', position, step, reason: `Skipped: ${gate.failed ?? 'condition not met'}` };
    case 'voicemail':
      return { kind: 'skip', position, step, reason: 'Skipped: voicemail steps are not available yet' };
    case 'wait':
      return { kind: 'wait', position, step };
    case 'condition':
      return { kind: 'branch', position, step, holds: gate.holds, reason: gate.holds ? 'Condition met' : `Condition not met: ${gate.failed ?? 'false'}` };
    default: {
      const unreachable: never = step;
      return unreachable;
    }
  }
}

/**
 * The steps one batch may run for an enrollment standing at `position`: the due step and, while the
 * step run has no side effect (wait, condition, voicemail, or a message step its conditions may skip)
 * and the next step has no delay, the steps after it (a `skip_next` condition may jump over one). A
 * batch reads what these steps need (their email records, the facts their conditions read), so a step
 * due at once after a wait or a condition runs in the same batch instead of waiting for a later claim.
 * A superset: whether a step really runs at once is decided when the batch plans (its due time, the
 * conditions, the branch taken).
 */
export function stepsAtOnce(plan: Pick<SequencePlan, 'steps'>, position: number): SequenceStep[] {
  const reached = new Map<number, SequenceStep>();
  const visit = (p: number): void => {
    const step = plan.steps[p - 1];
    if (!step || reached.has(p)) return;
    reached.set(p, step);
    const sideEffect = (step.step_type === 'email' || step.step_type === 'sms') && !step.conditions;
    if (sideEffect) return;
    const next = step.step_type === 'condition' && step.on_false === 'skip_next' ? [p + 1, p + 2] : [p + 1];
    for (const q of next) {
      const candidate = plan.steps[q - 1];
      if (candidate && delayOf(candidate) === 0) visit(q);
    }
  };
  visit(position);
  return [...reached.entries()].sort((a, b) => a[0] - b[0]).map(([, step]) => step);
}

/** Where an enrollment goes after a step ran (or was skipped / branched). */
export interface Advance {
  readonly status: 'active' | 'completed' | 'exited';
  /** Position of the next step to run (`steps.length + 1` when completed). */
  readonly currentStep: number;
  readonly nextStepAt: Date | null;
  readonly exitReason: ExitReason | null;
  readonly entry: StepHistoryEntry;
}

/**
 * After the step at `position` ran at `at` with `outcome`: the next position (`skip` more steps
 * jumped over), its due time in its channel's window, or completion when none is left.
 */
export function advanceAfter(input: {
  plan: SequencePlan;
  position: number;
  outcome: StepOutcome;
  at: Date;
  location: RecipientLocation;
  messageId?: string | null;
  reason?: string;
  skip?: number;
}): Advance {
  const { plan, position, outcome, at, location } = input;
  const step = plan.steps[position - 1];
  if (!step) throw new RangeError(`No step at position ${position}`);
  const entry: StepHistoryEntry = {
    step_number: step.step_number,
    step_type: step.step_type,
    executed_at: at,
    outcome,
    message_id: input.messageId ?? null,
    ...(input.reason ? { reason: input.reason.slice(0, 300) } : {}),
  };
  const nextPosition = position + 1 + (input.skip ?? 0);
  const next = plan.steps[nextPosition - 1];
  if (!next) return { status: 'completed', currentStep: plan.steps.length + 1, nextStepAt: null, exitReason: null, entry };
  return { status: 'active', currentStep: nextPosition, nextStepAt: dueAfter({ step: next, after: at, location, sendWindow: plan.sendWindow }), exitReason: null, entry };
}

/** The branch taken by a condition step: how many steps to jump over, or an exit. */
export function branchOutcome(plan: Extract<StepPlan, { kind: 'branch' }>): { outcome: StepOutcome; skip: number; exit: boolean } {
  if (plan.holds) return { outcome: 'condition_true', skip: 0, exit: false };
  switch (plan.step.on_false) {
    case 'skip_next':
      return { outcome: 'condition_false', skip: 1, exit: false };
    case 'exit':
      return { outcome: 'condition_false', skip: 0, exit: true };
    default: {
      const unreachable: never = plan.step.on_false;
      return unreachable;
    }
  }
}

/** When a new enrollment's first step is due. */
export function firstDueAt(input: { plan: SequencePlan; enrolledAt: Date; location: RecipientLocation }): Date | null {
  const first = input.plan.steps[0];
  return first ? dueAfter({ step: first, after: input.enrolledAt, location: input.location, sendWindow: input.plan.sendWindow }) : null;
}

/** A driver converts when they reply, apply or are hired while enrolled. */
export function convertedAt(facts: EngagementFacts, enrolledAt: Date, now: Date): Date | null {
  if (facts.hired) return now;
  const times = [facts.repliedAt, facts.appliedAt].filter((t): t is Date => after(t, enrolledAt)).map((t) => t.getTime());
  return times.length > 0 ? new Date(Math.min(...times)) : null;
}
