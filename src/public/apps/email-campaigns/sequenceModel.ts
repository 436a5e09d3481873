/**
 * View logic of the sequence builder (spec §6.3), free of the DOM: the steps as an ordered list of
 * forms (move up / down, add, remove), a stored sequence or a template → forms, forms → the
 * `sequenceData` of createEmailSequence / updateEmailSequence, and the checks made first.
 */
import type { ExitCondition, SequenceStep, StepConditions } from '../../../backend/collections/sequence-steps';
import { SEQUENCE_EXIT_TYPES, type SequenceExitType, type SequenceStepType, type SequenceTriggerType } from '../../../backend/collections/vocabulary';
import type { SequenceData } from '../../messaging';
import type { Sequence, SequenceTemplate } from './sequenceSchemas';

/** The triggers the builder offers (the backend enrolls by these today). */
export const BUILDER_TRIGGERS = ['manual', 'application_submitted', 'audience_match'] as const satisfies readonly SequenceTriggerType[];
export type BuilderTrigger = (typeof BUILDER_TRIGGERS)[number];

export const TRIGGER_LABEL: Readonly<Record<BuilderTrigger, string>> = {
  manual: 'Manual (a recruiter enrolls drivers)',
  application_submitted: 'When a driver submits an application',
  audience_match: 'When a new driver matches a saved search',
};

export const EXIT_LABEL: Readonly<Record<SequenceExitType, string>> = {
  replied: 'Driver replies to any message',
  applied: 'Driver applies',
  hired: 'Driver is hired',
  unsubscribed: 'Driver unsubscribes from email',
  opted_out: 'Driver texts STOP',
  inactive: 'Driver becomes inactive',
};

export type ConditionKey = keyof StepConditions;
export const CONDITION_LABEL: Readonly<Record<ConditionKey, string>> = {
  if_not_opened: 'If the email was not opened',
  if_not_clicked: 'If the email was not clicked',
  if_no_reply: 'If no reply',
};

/** One step being edited. `key` is the editor's own id (stable across moves). */
export interface StepForm {
  readonly key: string;
  readonly type: SequenceStepType;
  readonly delayDays: number;
  readonly delayHours: number;
  readonly conditions: StepConditions;
  readonly subject: string;
  readonly preheader: string;
  readonly html: string;
  readonly templateId: string;
  readonly message: string;
  readonly script: string;
  readonly onFalse: 'skip_next' | 'exit';
}

export interface SequenceForm {
  readonly name: string;
  readonly description: string;
  readonly trigger: BuilderTrigger;
  readonly savedSearchId: string;
  readonly steps: readonly StepForm[];
  readonly exits: Readonly<Record<SequenceExitType, boolean>>;
  readonly inactiveAfterDays: string;
  readonly completionTag: string;
  /** The built-in template it started from, if any. */
  readonly templateId: string | null;
}

let counter = 0;
export function newStepKey(): string {
  counter += 1;
  return `step-${counter}`;
}

export function blankStep(type: SequenceStepType): StepForm {
  return { key: newStepKey(), type, delayDays: type === 'wait' ? 1 : 0, delayHours: 0, conditions: {}, subject: '', preheader: '', html: '', templateId: '', message: '', script: '', onFalse: 'skip_next' };
}

export const DEFAULT_EXITS: Readonly<Record<SequenceExitType, boolean>> = { replied: true, applied: true, hired: true, unsubscribed: true, opted_out: true, inactive: false };

export const EMPTY_SEQUENCE: SequenceForm = {
  name: '',
  description: '',
  trigger: 'manual',
  savedSearchId: '',
  steps: [],
  exits: DEFAULT_EXITS,
  inactiveAfterDays: '30',
  completionTag: '',
  templateId: null,
};

/** Moves the step at `index` one place up (-1) or down (+1); out-of-range moves change nothing. */
export function moveStep<T>(steps: readonly T[], index: number, direction: -1 | 1): T[] {
  const target = index + direction;
  if (index < 0 || index >= steps.length || target < 0 || target >= steps.length) return [...steps];
  const next = [...steps];
  const [moved] = next.splice(index, 1);
  if (moved !== undefined) next.splice(target, 0, moved);
  return next;
}

export function stepFormOf(step: SequenceStep): StepForm {
  const base = { ...blankStep(step.step_type), delayDays: step.delay_days, delayHours: step.delay_hours, conditions: { ...(step.conditions ?? {}) } };
  switch (step.step_type) {
    case 'email':
      return { ...base, subject: step.subject, preheader: step.preheader ?? '', html: step.html_content ?? '', templateId: step.template_id ?? '' };
    case 'sms':
      return { ...base, message: step.message_template };
    case 'voicemail':
      return { ...base, script: step.script };
    case 'wait':
      return base;
    case 'condition':
      return { ...base, onFalse: step.on_false };
  }
}

function exitsOf(list: readonly ExitCondition[] | undefined): Record<SequenceExitType, boolean> {
  const out = { ...DEFAULT_EXITS };
  if (list) for (const type of SEQUENCE_EXIT_TYPES) out[type] = list.some((e) => e.type === type && e.enabled);
  return out;
}

const isBuilderTrigger = (t: string): t is BuilderTrigger => (BUILDER_TRIGGERS as readonly string[]).includes(t);

export function sequenceFormOf(s: Sequence): SequenceForm {
  return {
    name: s.sequence_name,
    description: s.description ?? '',
    trigger: isBuilderTrigger(s.trigger_type) ? s.trigger_type : 'manual',
    savedSearchId: s.trigger_conditions?.saved_search_id ?? '',
    steps: [...s.steps].sort((a, b) => a.step_number - b.step_number).map(stepFormOf),
    exits: exitsOf(s.exit_conditions),
    inactiveAfterDays: String(s.inactive_after_days ?? 30),
    completionTag: s.completion_tag ?? '',
    templateId: s.template_id ?? null,
  };
}

/** What "Start from template" needs of a template (getSequenceTemplates). */
export type TemplateLike = Readonly<Pick<SequenceTemplate, 'templateId' | 'name' | 'description' | 'triggerType' | 'completionTag'>> & {
  readonly steps: readonly SequenceStep[];
  readonly exitConditions?: readonly ExitCondition[] | undefined;
};

/** "Start from template": the template's steps, exits, trigger and tag; its name as a starting name. */
export function sequenceFormFromTemplate(t: TemplateLike): SequenceForm {
  return {
    ...EMPTY_SEQUENCE,
    name: t.name,
    description: t.description ?? '',
    trigger: t.triggerType !== undefined && isBuilderTrigger(t.triggerType) ? t.triggerType : 'manual',
    steps: [...t.steps].sort((a, b) => a.step_number - b.step_number).map(stepFormOf),
    exits: exitsOf(t.exitConditions),
    completionTag: t.completionTag ?? '',
    templateId: t.templateId,
  };
}

function conditionsOf(c: StepConditions): StepConditions | undefined {
  const set: StepConditions = {};
  if (c.if_not_opened) set.if_not_opened = true;
  if (c.if_not_clicked) set.if_not_clicked = true;
  if (c.if_no_reply) set.if_no_reply = true;
  return Object.keys(set).length > 0 ? set : undefined;
}

/** The stored step for a form at `position` (1-based: step numbers follow the order shown). */
export function stepOf(form: StepForm, position: number): SequenceStep {
  const conditions = conditionsOf(form.conditions);
  const base = { step_number: position, delay_days: Math.max(0, Math.trunc(form.delayDays)), delay_hours: Math.max(0, Math.trunc(form.delayHours)), ...(conditions ? { conditions } : {}) };
  switch (form.type) {
    case 'email':
      return {
        ...base,
        step_type: 'email',
        subject: form.subject.trim(),
        ...(form.preheader.trim() !== '' ? { preheader: form.preheader.trim() } : {}),
        ...(form.templateId.trim() !== '' ? { template_id: form.templateId.trim() } : { html_content: form.html }),
      };
    case 'sms':
      return { ...base, step_type: 'sms', message_template: form.message.trim() };
    case 'voicemail':
      return { ...base, step_type: 'voicemail', script: form.script.trim() };
    case 'wait':
      return { ...base, step_type: 'wait' };
    case 'condition':
      return { ...base, step_type: 'condition', conditions: conditions ?? {}, on_false: form.onFalse };
  }
}

/** `status`: `draft` or `active` for a new sequence or a draft; omitted when editing a running one. */
export function sequenceDataOf(form: SequenceForm, status?: 'draft' | 'active'): SequenceData {
  const days = Number(form.inactiveAfterDays);
  return {
    name: form.name.trim(),
    description: form.description.trim(),
    triggerType: form.trigger,
    triggerConditions: form.trigger === 'audience_match' ? { saved_search_id: form.savedSearchId.trim() } : {},
    steps: form.steps.map((s, i) => stepOf(s, i + 1)),
    exitConditions: SEQUENCE_EXIT_TYPES.map((type) => ({ type, enabled: form.exits[type] })),
    ...(form.exits.inactive && Number.isInteger(days) && days >= 1 ? { inactiveAfterDays: Math.min(365, days) } : {}),
    completionTag: form.completionTag.trim() === '' ? null : form.completionTag.trim(),
    ...(form.templateId !== null ? { templateId: form.templateId } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}

/** Problems per step (by key) and for the whole sequence, before asking the backend. */
export function sequenceProblems(form: SequenceForm): { general: string[]; steps: Record<string, string[]> } {
  const general: string[] = [];
  const steps: Record<string, string[]> = {};
  if (form.name.trim() === '') general.push('Give the sequence a name.');
  if (form.steps.length === 0) general.push('Add at least one step.');
  if (form.trigger === 'audience_match' && form.savedSearchId.trim() === '') general.push('Name the saved search whose new matches enter the sequence.');
  if (form.exits.inactive && !(Number.isInteger(Number(form.inactiveAfterDays)) && Number(form.inactiveAfterDays) >= 1)) general.push('"Inactive" needs a whole number of days.');
  form.steps.forEach((s, i) => {
    const list: string[] = [];
    if (!(s.delayDays >= 0 && s.delayHours >= 0)) list.push('Delays cannot be negative.');
    switch (s.type) {
      case 'email':
        if (s.subject.trim() === '') list.push('Write the subject.');
        if (s.templateId.trim() === '' && s.html.trim() === '') list.push('Write the email or give a SendGrid template id.');
        if (s.templateId.trim() !== '' && !/^d-[0-9a-f]{32}$/i.test(s.templateId.trim())) list.push('A SendGrid template id looks like d- and 32 hex digits.');
        break;
      case 'sms':
        if (s.message.trim() === '') list.push('Write the text message.');
        break;
      case 'voicemail':
        if (s.script.trim() === '') list.push('Write the voicemail script.');
        break;
      case 'wait':
        if (s.delayDays === 0 && s.delayHours === 0) list.push('A wait step needs a delay.');
        break;
      case 'condition':
        if (conditionsOf(s.conditions) === undefined) list.push('Pick what the condition checks.');
        break;
    }
    if (i === 0 && s.type === 'condition') list.push('A condition cannot be the first step: there is nothing to check yet.');
    if (list.length > 0) steps[s.key] = list;
  });
  return { general, steps };
}

/** "Immediately", "Wait 2 days", "Wait 1 day 6 hours" — the step card's heading. */
export function delayLabel(days: number, hours: number): string {
  if (days <= 0 && hours <= 0) return 'Immediately';
  const parts = [days > 0 ? `${days} day${days === 1 ? '' : 's'}` : '', hours > 0 ? `${hours} hour${hours === 1 ? '' : 's'}` : ''].filter((p) => p !== '');
  return `Wait ${parts.join(' ')}`;
}

/** Day on which each step runs at the earliest (delays add up), as the §2.3 flow shows "Day 0, 1, 3, 5". */
export function dayOffsets(steps: readonly Pick<StepForm, 'delayDays' | 'delayHours'>[]): number[] {
  let hours = 0;
  return steps.map((s) => {
    hours += s.delayDays * 24 + s.delayHours;
    return Math.floor(hours / 24);
  });
}

/**
 * Which step (0-based position) a backend error is about: "Step 3 subject: …" (steps are numbered
 * by position when saved) or a validation path "argument 1.steps.2.subject: …"; null otherwise.
 */
export function stepAtFault(message: string): number | null {
  const named = /\bStep (\d+)\b/.exec(message);
  if (named?.[1] !== undefined) return Number(named[1]) - 1;
  const path = /argument \d+\.steps\.(\d+)/.exec(message);
  return path?.[1] !== undefined ? Number(path[1]) : null;
}
