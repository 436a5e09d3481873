/**
 * Sequence definitions as the web methods take them: one input schema (camelCase, like the SMS
 * service), the validation a sequence must pass before it is saved (step numbers, templates per
 * channel, email content, triggers), and the EmailSequences fields built from it.
 */
import * as z from 'zod';
import { sendWindow } from '../collections/common';
import type { EmailSequence } from '../collections/email';
import { exitCondition, sequenceStep, triggerConditions, type ExitCondition, type SequenceStep } from '../collections/sequence-steps';
import { SEQUENCE_EXIT_TYPES, SEQUENCE_TRIGGER_TYPES, type SequenceTriggerType } from '../collections/vocabulary';
import { validateTemplate } from '../outreach';
import type { TemplateChannel } from '../outreach/variables';
import { UserFacingError } from '../service';
import { findTemplate } from './templates';

export const SequenceInput = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  /** A built-in template (getSequenceTemplates): its steps, exits and completion tag unless given here. */
  templateId: z.string().min(1).max(100).optional(),
  triggerType: z.enum(SEQUENCE_TRIGGER_TYPES).optional(),
  triggerConditions: triggerConditions.optional(),
  steps: z.array(sequenceStep).min(1).max(50).optional(),
  exitConditions: z.array(exitCondition).max(SEQUENCE_EXIT_TYPES.length).optional(),
  sendWindow: sendWindow.nullable().optional(),
  /** `active` starts it at once; default `draft`. */
  status: z.enum(['draft', 'active']).optional(),
  jobPostingId: z.string().min(1).max(200).nullable().optional(),
  completionTag: z.string().trim().min(1).max(60).nullable().optional(),
  inactiveAfterDays: z.number().int().min(1).max(365).optional(),
});
export type SequenceInput = z.infer<typeof SequenceInput>;

export const SequenceUpdate = SequenceInput.omit({ templateId: true }).partial();
export type SequenceUpdate = z.infer<typeof SequenceUpdate>;

/** Triggers that enroll drivers by themselves today; the others are refused until they exist. */
export const SUPPORTED_TRIGGERS: readonly SequenceTriggerType[] = ['manual', 'application_submitted', 'audience_match'];

const DEFAULT_EXITS: readonly ExitCondition[] = [
  { type: 'replied', enabled: true },
  { type: 'hired', enabled: true },
  { type: 'unsubscribed', enabled: true },
  { type: 'opted_out', enabled: true },
];

function assertTemplate(text: string, channel: TemplateChannel, where: string): void {
  const errors = validateTemplate(text, channel).filter((p) => p.severity === 'error');
  if (errors.length === 0) return;
  const unknown = errors.filter((e) => e.code === 'unknown_variable').map((e) => e.variable ?? '?');
  if (unknown.length > 0) throw new UserFacingError(`${where}: unknown template variable${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, 'INVALID_INPUT');
  throw new UserFacingError(`${where}: ${errors.map((e) => e.message).join(' ')}`, 'INVALID_INPUT');
}

/** Step numbers unique, templates valid for their channel, email content present. */
export function assertSteps(steps: readonly SequenceStep[]): void {
  const numbers = new Set<number>();
  for (const step of steps) {
    const where = `Step ${step.step_number}`;
    if (numbers.has(step.step_number)) throw new UserFacingError(`${where} appears twice; step numbers must be unique.`, 'INVALID_INPUT');
    numbers.add(step.step_number);
    switch (step.step_type) {
      case 'sms':
        assertTemplate(step.message_template, 'sms', where);
        break;
      case 'email':
        assertTemplate(step.subject, 'email_subject', `${where} subject`);
        if (!step.html_content && !step.template_id) throw new UserFacingError(`${where}: an email step needs html_content or a SendGrid template_id.`, 'INVALID_INPUT');
        if (step.html_content) assertTemplate(step.html_content, 'email_html', `${where} body`);
        break;
      case 'voicemail':
        assertTemplate(step.script, 'voicemail_script', `${where} script`);
        break;
      case 'wait':
      case 'condition':
        break;
      default: {
        const unreachable: never = step;
        return unreachable;
      }
    }
  }
}

export function assertTrigger(type: SequenceTriggerType, conditions: z.infer<typeof triggerConditions>): void {
  if (!SUPPORTED_TRIGGERS.includes(type)) throw new UserFacingError(`The "${type}" trigger is not available yet; use ${SUPPORTED_TRIGGERS.join(', ')}.`, 'INVALID_INPUT');
  if (type === 'audience_match' && !conditions.saved_search_id) throw new UserFacingError('An audience_match trigger needs trigger_conditions.saved_search_id (a saved search).', 'INVALID_INPUT');
}

export type NewSequence = Omit<EmailSequence, '_id' | '_createdDate' | '_updatedDate' | '_owner'>;

/** The fields of a new sequence (a template fills what the input leaves out). */
export function sequenceFields(input: SequenceInput, carrierDot: string, memberId: string, now: Date): NewSequence {
  const template = input.templateId ? findTemplate(input.templateId) : null;
  if (input.templateId && !template) throw new UserFacingError(`No sequence template "${input.templateId}".`, 'INVALID_INPUT');
  const steps = input.steps ?? (template ? [...template.steps] : null);
  if (!steps) throw new UserFacingError('A sequence needs steps (or a templateId).', 'INVALID_INPUT');
  const triggerType = input.triggerType ?? template?.triggerType ?? 'manual';
  const trigger = input.triggerConditions ?? {};
  assertSteps(steps);
  assertTrigger(triggerType, trigger);
  const active = input.status === 'active';
  return {
    carrier_dot: carrierDot,
    sequence_name: input.name,
    ...(input.description !== undefined ? { description: input.description } : template ? { description: template.description } : {}),
    status: active ? 'active' : 'draft',
    trigger_type: triggerType,
    trigger_conditions: trigger,
    steps,
    exit_conditions: input.exitConditions ?? (template ? [...template.exitConditions] : [...DEFAULT_EXITS]),
    enrollment_count: 0,
    active_count: 0,
    completed_count: 0,
    conversion_count: 0,
    version: 1,
    send_window: input.sendWindow ?? null,
    owner_member_id: memberId,
    job_posting_id: input.jobPostingId ?? null,
    template_id: template?.templateId ?? null,
    completion_tag: input.completionTag !== undefined ? input.completionTag : (template?.completionTag ?? null),
    ...(input.inactiveAfterDays !== undefined ? { inactive_after_days: input.inactiveAfterDays } : {}),
    activated_at: active ? now : null,
    paused_at: null,
    trigger_cursor: null,
    counters_at: now,
  };
}

/** True when the update changes what enrollments run (a new version). */
export function changesVersion(update: SequenceUpdate): boolean {
  return update.steps !== undefined || update.exitConditions !== undefined || update.sendWindow !== undefined;
}

/** The sequence with the update applied (validated); `version` is bumped by the caller. */
export function applyUpdate(sequence: EmailSequence, update: SequenceUpdate): EmailSequence {
  const next: EmailSequence = {
    ...sequence,
    ...(update.name !== undefined ? { sequence_name: update.name } : {}),
    ...(update.description !== undefined ? { description: update.description } : {}),
    ...(update.triggerType !== undefined ? { trigger_type: update.triggerType } : {}),
    ...(update.triggerConditions !== undefined ? { trigger_conditions: update.triggerConditions } : {}),
    ...(update.steps !== undefined ? { steps: update.steps } : {}),
    ...(update.exitConditions !== undefined ? { exit_conditions: update.exitConditions } : {}),
    ...(update.sendWindow !== undefined ? { send_window: update.sendWindow } : {}),
    ...(update.jobPostingId !== undefined ? { job_posting_id: update.jobPostingId } : {}),
    ...(update.completionTag !== undefined ? { completion_tag: update.completionTag } : {}),
    ...(update.inactiveAfterDays !== undefined ? { inactive_after_days: update.inactiveAfterDays } : {}),
  };
  assertSteps(next.steps);
  assertTrigger(next.trigger_type, next.trigger_conditions);
  return next;
}
