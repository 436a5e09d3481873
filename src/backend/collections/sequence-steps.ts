/**
 * Drip sequence steps (spec §3.2 "Sequence Step Object") as a discriminated union on `step_type`,
 * plus the enrollment history entries. Switch on `step_type` exhaustively (see `describeStep`).
 */
import * as z from 'zod';
import { SEQUENCE_EXIT_TYPES, SEQUENCE_TRIGGER_TYPES, STEP_OUTCOMES, SEQUENCE_STEP_TYPES } from './vocabulary';

/** Optional gates on a step: it runs only when every set flag holds. */
export const stepConditions = z.object({
  if_not_opened: z.boolean().optional(),
  if_not_clicked: z.boolean().optional(),
  if_no_reply: z.boolean().optional(),
});
export type StepConditions = z.infer<typeof stepConditions>;

const stepBase = {
  step_number: z.number().int().positive(),
  /** Days after the previous step. */
  delay_days: z.number().int().min(0),
  /** Hours after the previous step (added to `delay_days`). */
  delay_hours: z.number().int().min(0),
  conditions: stepConditions.optional(),
};

export const emailStep = z.object({
  ...stepBase,
  step_type: z.literal('email'),
  subject: z.string().min(1),
  template_id: z.string().optional(),
  html_content: z.string().optional(),
  preheader: z.string().optional(),
});

export const smsStep = z.object({
  ...stepBase,
  step_type: z.literal('sms'),
  message_template: z.string().min(1),
});

export const voicemailStep = z.object({
  ...stepBase,
  step_type: z.literal('voicemail'),
  /** Recorded or generated audio; `script` is kept for review and re-generation. */
  audio_url: z.string().optional(),
  script: z.string().min(1),
});

export const waitStep = z.object({
  ...stepBase,
  step_type: z.literal('wait'),
});

/** Branch point: when `conditions` fail, either skip to the next step or leave the sequence. */
export const conditionStep = z.object({
  ...stepBase,
  step_type: z.literal('condition'),
  conditions: stepConditions,
  on_false: z.enum(['skip_next', 'exit']),
});

export const sequenceStep = z.discriminatedUnion('step_type', [emailStep, smsStep, voicemailStep, waitStep, conditionStep]);
export type SequenceStep = z.infer<typeof sequenceStep>;

/** A one-line, human-readable summary of a step (exhaustive over step types). */
export function describeStep(step: SequenceStep): string {
  const when = step.delay_days === 0 && step.delay_hours === 0 ? 'immediately' : `after ${step.delay_days}d ${step.delay_hours}h`;
  switch (step.step_type) {
    case 'email':
      return `Step ${step.step_number} (${when}): email "${step.subject}"`;
    case 'sms':
      return `Step ${step.step_number} (${when}): SMS`;
    case 'voicemail':
      return `Step ${step.step_number} (${when}): voicemail drop`;
    case 'wait':
      return `Step ${step.step_number}: wait ${step.delay_days}d ${step.delay_hours}h`;
    case 'condition':
      return `Step ${step.step_number} (${when}): condition, else ${step.on_false}`;
    default: {
      const unreachable: never = step;
      return unreachable;
    }
  }
}

// Compile-time check that the union covers the vocabulary exactly.
type _StepTypesCovered = SequenceStep['step_type'] extends (typeof SEQUENCE_STEP_TYPES)[number]
  ? (typeof SEQUENCE_STEP_TYPES)[number] extends SequenceStep['step_type']
    ? true
    : never
  : never;
export const STEP_TYPES_COVERED: _StepTypesCovered = true;

export const triggerConditions = z.object({
  /** For `status_changed`: the new status. */
  to_status: z.string().optional(),
  /** For `tag_added`. */
  tag: z.string().optional(),
  /** For `application_submitted`: limit to postings. */
  job_posting_ids: z.array(z.string()).optional(),
  /** For `audience_match`: a saved search id. */
  saved_search_id: z.string().optional(),
});

export const sequenceTriggerType = z.enum(SEQUENCE_TRIGGER_TYPES);

export const exitCondition = z.object({
  type: z.enum(SEQUENCE_EXIT_TYPES),
  enabled: z.boolean(),
});
export type ExitCondition = z.infer<typeof exitCondition>;

export const stepHistoryEntry = z.object({
  step_number: z.number().int().positive(),
  step_type: z.enum(SEQUENCE_STEP_TYPES),
  executed_at: z.date(),
  outcome: z.enum(STEP_OUTCOMES),
  message_id: z.string().nullable().optional(),
  reason: z.string().optional(),
});
export type StepHistoryEntry = z.infer<typeof stepHistoryEntry>;
