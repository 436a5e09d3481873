/**
 * The sequence builder (spec §6.3): name, trigger, ordered steps (move up / down, add, remove),
 * exit conditions, "Start from template" (getSequenceTemplates, e.g. the §2.3 SMS + email flow),
 * and Save draft / Activate.
 */
import { SEQUENCE_EXIT_TYPES, type SequenceExitType, type SequenceStepType } from '../../../backend/collections/vocabulary';
import type { Api } from './api';
import { fill, h, toast } from '../shared/dom';
import type { Sequence, SequenceTemplate } from './sequenceSchemas';
import {
  BUILDER_TRIGGERS,
  blankStep,
  dayOffsets,
  delayLabel,
  EMPTY_SEQUENCE,
  EXIT_LABEL,
  moveStep,
  sequenceDataOf,
  sequenceFormFromTemplate,
  sequenceFormOf,
  sequenceProblems,
  stepAtFault,
  TRIGGER_LABEL,
  type BuilderTrigger,
  type SequenceForm,
  type StepForm,
} from './sequenceModel';
import { readStepCard, renderStepCard } from './steps';

export interface SequenceBuilderContext {
  readonly api: Api;
  readonly carrierDot: string;
  readonly openSequence: (sequenceId: string) => void;
  readonly openSequences: () => void;
}

function input(id: string, value: string, attrs: Record<string, string | number> = {}): HTMLInputElement {
  const el = h('input', { id, name: id, autocomplete: 'off', ...attrs });
  el.value = value;
  return el;
}

export function renderSequenceBuilder(container: HTMLElement, ctx: SequenceBuilderContext, existing?: Sequence): void {
  const sequenceId = existing?._id ?? null;
  let form: SequenceForm = existing ? sequenceFormOf(existing) : EMPTY_SEQUENCE;
  let stepProblems: Record<string, string[]> = {};
  let busy = false;
  const name = input('sequence-name', form.name, { maxlength: 200, placeholder: 'New Driver Welcome Sequence' });
  const description = input('sequence-description', form.description, { maxlength: 2000, placeholder: 'What the sequence is for (optional)' });
  const trigger = h('select', { id: 'sequence-trigger' }, ...BUILDER_TRIGGERS.map((t) => h('option', { value: t }, TRIGGER_LABEL[t])));
  const savedSearch = input('saved-search-id', form.savedSearchId, { placeholder: 'saved search id' });
  const savedSearchRow = h('label', { id: 'saved-search-row' }, 'Saved search', savedSearch);
  const stepList = h('ol', { id: 'step-list', class: 'step-list' });
  const exits = h('fieldset', { id: 'exit-conditions' }, h('legend', {}, 'Exit conditions'));
  const inactiveDays = input('inactive-days', form.inactiveAfterDays, { type: 'number', min: 1, max: 365, class: 'small-number', 'aria-label': 'Days without activity before a driver counts as inactive' });
  const completionTag = input('completion-tag', form.completionTag, { maxlength: 60, placeholder: 'e.g. cold' });
  const general = h('ul', { id: 'sequence-errors', class: 'error problems', role: 'alert', hidden: true });
  const templateNote = h('p', { id: 'template-note', class: 'muted small' });
  const templates = h('div', { id: 'template-choices', class: 'template-choices', hidden: true });

  /** Reads every input back into `form` (step cards by their keys). */
  const sync = (): SequenceForm => {
    const steps = form.steps.map((s) => {
      const card = stepList.querySelector<HTMLElement>(`[data-step-key="${s.key}"]`);
      return card ? readStepCard(card, s) : s;
    });
    const exitState = {} as Record<SequenceExitType, boolean>;
    for (const type of SEQUENCE_EXIT_TYPES) exitState[type] = exits.querySelector<HTMLInputElement>(`input[value="${type}"]`)?.checked === true;
    form = {
      ...form,
      name: name.value,
      description: description.value,
      trigger: BUILDER_TRIGGERS.find((t) => t === trigger.value) ?? 'manual',
      savedSearchId: savedSearch.value,
      steps,
      exits: exitState,
      inactiveAfterDays: inactiveDays.value,
      completionTag: completionTag.value,
    };
    return form;
  };

  const renderSteps = (): void => {
    const days = dayOffsets(form.steps);
    fill(
      stepList,
      ...form.steps.map((s, i) =>
        renderStepCard(s, i, form.steps.length, days[i] ?? 0, stepProblems[s.key] ?? [], {
          move: (key, direction) => restructure((steps) => moveStep(steps, steps.findIndex((x) => x.key === key), direction)),
          remove: (key) => restructure((steps) => steps.filter((x) => x.key !== key)),
          retype: (key, type) => restructure((steps) => steps.map((x) => (x.key === key ? { ...blankStep(type), key: x.key, delayDays: x.delayDays, delayHours: x.delayHours, conditions: x.conditions } : x))),
          changed: () => refreshHeadings(),
        }),
      ),
    );
    if (form.steps.length === 0) stepList.append(h('li', { class: 'empty' }, 'No steps yet: add one or start from a template.'));
  };

  /** Step headings follow their delays as the recruiter types. */
  const refreshHeadings = (): void => {
    const steps = sync().steps;
    const days = dayOffsets(steps);
    steps.forEach((s, i) => {
      const card = stepList.querySelector<HTMLElement>(`[data-step-key="${s.key}"]`);
      const title = card?.querySelector('.step-title');
      if (title) title.textContent = `STEP ${i + 1} - ${delayLabel(s.delayDays, s.delayHours)}`;
      const day = card?.querySelector('.step-head .muted');
      if (day) day.textContent = `Day ${days[i] ?? 0}`;
    });
  };

  function restructure(change: (steps: readonly StepForm[]) => StepForm[]): void {
    sync();
    form = { ...form, steps: change(form.steps) };
    renderSteps();
  }

  const renderExits = (): void => {
    fill(
      exits,
      h('legend', {}, 'Exit conditions'),
      ...SEQUENCE_EXIT_TYPES.map((type) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', name: 'exit', value: type, checked: form.exits[type] }),
          EXIT_LABEL[type],
          type === 'inactive' ? h('span', { class: 'inline' }, ' — no activity for ', inactiveDays, ' days') : null,
        ),
      ),
    );
  };

  const loadForm = (next: SequenceForm): void => {
    form = next;
    name.value = next.name;
    description.value = next.description;
    trigger.value = next.trigger;
    savedSearch.value = next.savedSearchId;
    inactiveDays.value = next.inactiveAfterDays;
    completionTag.value = next.completionTag;
    savedSearchRow.hidden = next.trigger !== 'audience_match';
    stepProblems = {};
    renderExits();
    renderSteps();
  };

  const useTemplate = (t: SequenceTemplate): void => {
    loadForm(sequenceFormFromTemplate(t));
    templates.hidden = true;
    templateNote.textContent = `Started from "${t.name}". Adjust anything before saving.`;
    toast(`Template "${t.name}" loaded: ${t.steps.length} steps.`);
  };

  const showTemplates = async (): Promise<void> => {
    templates.hidden = false;
    fill(templates, h('p', { class: 'muted' }, 'Loading templates…'));
    const answer = await ctx.api.call('getSequenceTemplates');
    if (!answer.success) return void fill(templates, h('p', { class: 'error' }, answer.error));
    fill(
      templates,
      ...answer.templates.map((t) =>
        h(
          'article',
          { class: 'template-card', 'data-template-id': t.templateId },
          h('h4', {}, t.name),
          t.description ? h('p', { class: 'muted small' }, t.description) : null,
          h('ol', { class: 'template-steps' }, ...[...t.steps].sort((a, b) => a.step_number - b.step_number).map((s) => h('li', {}, `${s.step_type.toUpperCase()} · ${s.delay_days === 0 && s.delay_hours === 0 ? 'immediately' : `after ${s.delay_days}d ${s.delay_hours}h`}`))),
          h('button', { type: 'button', class: 'primary', 'data-use-template': t.templateId, onclick: () => useTemplate(t) }, `Use "${t.name}"`),
        ),
      ),
    );
  };

  const showProblems = (list: readonly string[], perStep: Record<string, string[]>): void => {
    stepProblems = perStep;
    fill(general, ...list.map((p) => h('li', {}, p)));
    general.hidden = list.length === 0;
    renderSteps();
    container.querySelector<HTMLElement>('#sequence-errors:not([hidden]), [data-step-errors]:not([hidden])')?.scrollIntoView({ block: 'center' });
  };

  /** `draft` / `active` for a new sequence or a draft; `keep` saves a running one's changes. */
  const save = async (mode: 'draft' | 'active' | 'keep'): Promise<void> => {
    if (busy) return;
    const current = sync();
    const local = sequenceProblems(current);
    if (local.general.length > 0 || Object.keys(local.steps).length > 0) return showProblems(local.general, local.steps);
    busy = true;
    container.setAttribute('aria-busy', 'true');
    try {
      const data = sequenceDataOf(current, mode === 'keep' ? undefined : mode);
      let id = sequenceId;
      let failure: string | null = null;
      if (sequenceId === null) {
        const created = await ctx.api.call('createEmailSequence', ctx.carrierDot, data);
        if (created.success) id = created.sequenceId;
        else failure = created.error;
      } else {
        const updated = await ctx.api.call('updateEmailSequence', sequenceId, data);
        if (!updated.success) failure = updated.error;
      }
      if (failure !== null) {
        const at = stepAtFault(failure);
        const step = at === null ? undefined : current.steps[at];
        return step ? showProblems([], { [step.key]: [failure] }) : showProblems([failure], {});
      }
      showProblems([], {});
      toast(mode === 'active' ? 'Sequence activated: you can enroll drivers now.' : mode === 'draft' ? 'Sequence saved as a draft.' : 'Changes saved.');
      if (mode !== 'draft' && id !== null) ctx.openSequence(id);
      else ctx.openSequences();
    } finally {
      busy = false;
      container.removeAttribute('aria-busy');
    }
  };

  trigger.value = form.trigger;
  savedSearchRow.hidden = form.trigger !== 'audience_match';
  trigger.addEventListener('change', () => (savedSearchRow.hidden = (trigger.value as BuilderTrigger) !== 'audience_match'));
  const addButtons = (['email', 'sms', 'wait', 'condition'] as const satisfies readonly SequenceStepType[]).map((type) =>
    h('button', { type: 'button', 'data-add-step': type, onclick: () => restructure((steps) => [...steps, blankStep(type)]) }, `+ ${type === 'sms' ? 'SMS' : type[0]?.toUpperCase() + type.slice(1)} step`),
  );
  const running = existing !== undefined && existing.status !== 'draft';
  fill(
    container,
    h(
      'form',
      { class: 'builder sequence-builder', novalidate: true, onsubmit: (e: Event) => e.preventDefault() },
      h('div', { class: 'builder-head' }, h('h2', {}, sequenceId ? 'Edit sequence' : 'Email sequence builder'), h('button', { type: 'button', class: 'link', onclick: ctx.openSequences, 'aria-label': 'Close the sequence builder' }, '✕')),
      general,
      sequenceId ? null : h('section', {}, h('button', { type: 'button', id: 'start-from-template', onclick: () => void showTemplates() }, 'Start from template'), templateNote, templates),
      h(
        'section',
        { class: 'sequence-basics' },
        h('label', { for: 'sequence-name', class: 'section-label' }, 'Sequence name'),
        name,
        h('label', { for: 'sequence-description' }, 'Description'),
        description,
        h('label', { for: 'sequence-trigger' }, 'Trigger'),
        trigger,
        savedSearchRow,
      ),
      h('section', {}, h('h3', {}, 'Sequence steps'), stepList, h('p', { class: 'end-marker muted' }, '[END]'), h('div', { class: 'row-actions' }, ...addButtons)),
      h('section', {}, exits, h('label', { for: 'completion-tag' }, 'Tag drivers who finish without responding'), completionTag),
      running ? h('p', { class: 'muted small' }, 'Saving changed steps starts a new version: drivers already enrolled finish the steps they started with.') : null,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: ctx.openSequences }, 'Cancel'),
        h('span', { class: 'spacer' }),
        running ? null : h('button', { type: 'button', id: 'save-sequence-draft', onclick: () => void save('draft') }, 'Save draft'),
        h('button', { type: 'button', class: 'primary', id: 'activate-sequence', onclick: () => void save(running ? 'keep' : 'active') }, running ? 'Save changes' : 'Activate →'),
      ),
    ),
  );
  renderExits();
  renderSteps();
  name.focus();
}
