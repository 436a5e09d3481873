/**
 * Result shapes of the drip-sequence web methods (src/backend/sequences/, re-exported by
 * emailCampaignService.web; spec §4.2 and the EmailSequences / EmailSequenceEnrollments
 * collections), as the iframe receives them. Steps use the collection's own step schema.
 */
import * as z from 'zod';
import { exitCondition, sequenceStep, triggerConditions } from '../../../backend/collections/sequence-steps';
import { ENROLLMENT_STATUSES, SEQUENCE_STATUSES, SEQUENCE_STEP_TYPES, SEQUENCE_TRIGGER_TYPES, STEP_OUTCOMES } from '../../../backend/collections/vocabulary';

const count = z.number().min(0).catch(0);
const when = z.union([z.string(), z.null()]).optional();
const ok = <S extends z.ZodRawShape>(shape: S) => z.looseObject({ success: z.literal(true), ...shape });

export const Sequence = z.looseObject({
  _id: z.string(),
  sequence_name: z.string(),
  description: z.string().optional(),
  status: z.enum(SEQUENCE_STATUSES),
  trigger_type: z.enum(SEQUENCE_TRIGGER_TYPES),
  trigger_conditions: triggerConditions.optional(),
  steps: z.array(sequenceStep),
  exit_conditions: z.array(exitCondition),
  enrollment_count: count.optional(),
  active_count: count.optional(),
  completed_count: count.optional(),
  conversion_count: count.optional(),
  version: z.number().optional(),
  template_id: z.string().nullable().optional(),
  completion_tag: z.string().nullable().optional(),
  inactive_after_days: z.number().optional(),
  activated_at: when,
  paused_at: when,
  _createdDate: when,
});
export type Sequence = z.infer<typeof Sequence>;

/** A list entry: the stored sequence itself, or a summary carrying it as `sequence`. */
export const SequenceEntry = z.union([z.looseObject({ sequence: Sequence }).transform((s) => s.sequence), Sequence]);

export const SequenceTemplate = z.looseObject({
  templateId: z.string(),
  name: z.string(),
  description: z.string().optional(),
  triggerType: z.enum(SEQUENCE_TRIGGER_TYPES).optional(),
  steps: z.array(sequenceStep).min(1),
  exitConditions: z.array(exitCondition).optional(),
  completionTag: z.string().nullable().optional(),
});
export type SequenceTemplate = z.infer<typeof SequenceTemplate>;

export const StepFunnel = z.looseObject({
  position: z.number(),
  stepNumber: z.number(),
  stepType: z.enum(SEQUENCE_STEP_TYPES),
  reached: count,
  sent: count,
  opened: count.optional(),
  clicked: count.optional(),
  replied: count.optional(),
  exited: count.optional(),
  waiting: count.optional(),
});
export type StepFunnel = z.infer<typeof StepFunnel>;

export const SequenceAnalytics = z.looseObject({
  enrolled: count,
  active: count,
  completed: count,
  exited: count.optional(),
  conversions: count,
  conversionRate: z.number().optional(),
  completionRate: z.number().optional(),
  exitReasons: z.record(z.string(), count).optional(),
  steps: z.array(StepFunnel).optional(),
});
export type SequenceAnalytics = z.infer<typeof SequenceAnalytics>;

export const StepHistory = z.looseObject({
  step_number: z.number(),
  step_type: z.enum(SEQUENCE_STEP_TYPES),
  executed_at: z.string(),
  outcome: z.enum(STEP_OUTCOMES),
  reason: z.string().optional(),
});
export type StepHistory = z.infer<typeof StepHistory>;

export const Enrollment = z.looseObject({
  _id: z.string(),
  driver_id: z.string(),
  driverName: z.string().nullable().optional(),
  status: z.enum(ENROLLMENT_STATUSES),
  current_step: z.number(),
  exit_reason: z.string().nullable().optional(),
  enrolled_at: when,
  next_step_at: when,
  last_step_at: when,
  step_history: z.array(StepHistory).optional(),
});
export type Enrollment = z.infer<typeof Enrollment>;
const EnrollmentEntry = z.union([z.looseObject({ enrollment: Enrollment }).transform((e) => ({ ...e.enrollment, ...(typeof e['driverName'] === 'string' ? { driverName: e['driverName'] } : {}) })), Enrollment]);

const Skipped = z.looseObject({ driverId: z.string(), reason: z.string() });

export const SEQUENCE_RESULTS = {
  getSequenceTemplates: ok({ templates: z.array(SequenceTemplate) }),
  createEmailSequence: ok({ sequenceId: z.string() }),
  getEmailSequences: ok({ sequences: z.array(SequenceEntry) }),
  updateEmailSequence: ok({ sequence: SequenceEntry.optional() }),
  pauseEmailSequence: ok({}),
  resumeEmailSequence: ok({}),
  enrollDriversInSequence: ok({
    enrolled: z.union([count, z.array(z.string()).transform((ids) => ids.length)]),
    skipped: z.union([count, z.array(Skipped).transform((list) => list.length)]).optional(),
    nextCursor: z.string().nullable().optional(),
  }),
  removeFromSequence: ok({}),
  getSequenceAnalytics: ok({ analytics: SequenceAnalytics }),
  getSequenceEnrollments: ok({ enrollments: z.array(EnrollmentEntry), total: count.optional() }),
} as const;
