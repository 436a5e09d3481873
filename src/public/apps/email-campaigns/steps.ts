/**
 * One step card of the sequence builder (spec §6.3): heading with its delay and day, move up /
 * down / remove, step type, delay, conditions, and the type's own fields (email subject, preheader,
 * HTML or SendGrid template with a sandboxed preview; SMS text; condition branch).
 */
import type { StepConditions } from '../../../backend/collections/sequence-steps';
import type { SequenceStepType } from '../../../backend/collections/vocabulary';
import { h } from '../shared/dom';
import { focusTracker, variablePicker, type TextField } from '../shared/variablePicker';
import { createPreview } from './preview';
import { CONDITION_LABEL, delayLabel, type ConditionKey, type StepForm } from './sequenceModel';

const TYPE_LABEL: Readonly<Record<SequenceStepType, string>> = { email: 'Email', sms: 'SMS', voicemail: 'Voicemail', wait: 'Wait', condition: 'Condition' };
/** The types a recruiter can pick (voicemail steps are kept when a stored sequence has one). */
const OFFERED: readonly SequenceStepType[] = ['email', 'sms', 'wait', 'condition'];
const CONDITION_KEYS: readonly ConditionKey[] = ['if_not_opened', 'if_not_clicked', 'if_no_reply'];

export interface StepCardActions {
  readonly move: (key: string, direction: -1 | 1) => void;
  readonly remove: (key: string) => void;
  readonly retype: (key: string, type: SequenceStepType) => void;
  readonly changed: () => void;
}

function field<T extends HTMLElement>(card: ParentNode, name: string): T | null {
  return card.querySelector<T>(`[data-field="${name}"]`);
}

function numberInput(name: string, value: number, label: string, max: number): HTMLInputElement {
  const input = h('input', { type: 'number', min: 0, max, step: 1, 'data-field': name, 'aria-label': label, inputmode: 'numeric', class: 'small-number' });
  input.value = String(value);
  return input;
}

function textInput(name: string, value: string, label: string, attrs: Record<string, string | number> = {}): HTMLInputElement {
  const input = h('input', { 'data-field': name, 'aria-label': label, autocomplete: 'off', ...attrs });
  input.value = value;
  return input;
}

function textArea(name: string, value: string, label: string, rows: number): HTMLTextAreaElement {
  const area = h('textarea', { 'data-field': name, 'aria-label': label, rows, spellcheck: name !== 'html' });
  area.value = value;
  return area;
}

/** Reads a card back into its form (the key and type come from the card itself). */
export function readStepCard(card: HTMLElement, previous: StepForm): StepForm {
  const value = (name: string): string => field<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(card, name)?.value ?? '';
  const number = (name: string): number => {
    const n = Number(value(name));
    return Number.isFinite(n) ? n : 0;
  };
  const conditions: StepConditions = {};
  for (const key of CONDITION_KEYS) if (field<HTMLInputElement>(card, key)?.checked) conditions[key] = true;
  return {
    ...previous,
    delayDays: number('delayDays'),
    delayHours: number('delayHours'),
    conditions,
    subject: field(card, 'subject') ? value('subject') : previous.subject,
    preheader: field(card, 'preheader') ? value('preheader') : previous.preheader,
    html: field(card, 'html') ? value('html') : previous.html,
    templateId: field(card, 'templateId') ? value('templateId') : previous.templateId,
    message: field(card, 'message') ? value('message') : previous.message,
    script: field(card, 'script') ? value('script') : previous.script,
    onFalse: value('onFalse') === 'exit' ? 'exit' : field(card, 'onFalse') ? 'skip_next' : previous.onFalse,
  };
}

export function renderStepCard(step: StepForm, position: number, total: number, day: number, problems: readonly string[], actions: StepCardActions): HTMLElement {
  const n = position + 1;
  const focus = focusTracker();
  const typeSelect = h('select', { 'data-field': 'type', 'aria-label': `Type of step ${n}` }, ...[...OFFERED, ...(OFFERED.includes(step.type) ? [] : [step.type])].map((t) => h('option', { value: t }, TYPE_LABEL[t])));
  typeSelect.value = step.type;
  typeSelect.addEventListener('change', () => actions.retype(step.key, typeSelect.value as SequenceStepType));
  const conditionBox = (key: ConditionKey) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', 'data-field': key, checked: step.conditions[key] === true }), CONDITION_LABEL[key]);
  const body: (HTMLElement | null)[] = [];
  switch (step.type) {
    case 'email': {
      const subject = textInput('subject', step.subject, `Subject of step ${n}`, { maxlength: 300, placeholder: 'Welcome to {{carrierName}} - Next Steps' });
      const preheader = textInput('preheader', step.preheader, `Preheader of step ${n}`, { maxlength: 250, placeholder: 'Preheader (optional)' });
      const templateId = textInput('templateId', step.templateId, `SendGrid template of step ${n}`, { placeholder: 'SendGrid template id (optional) d-…', spellcheck: 'false' });
      const html = textArea('html', step.html, `Email HTML of step ${n}`, 8);
      html.classList.add('code');
      [subject, preheader, html].forEach((f) => focus.track(f));
      const preview = createPreview(`step-preview-${step.key}`);
      const show = (): void => {
        if (templateId.value.trim() !== '') preview.showTemplate(templateId.value);
        else preview.show({ subject: subject.value, preheader: preheader.value, html: html.value, fromName: '' });
      };
      const details = h('details', { class: 'step-preview' }, h('summary', {}, 'Preview'), preview.root);
      details.addEventListener('toggle', show);
      for (const f of [subject, preheader, html, templateId]) f.addEventListener('input', () => details.open && show());
      body.push(
        h('label', {}, 'Subject', subject),
        h('label', {}, 'Preheader', preheader),
        h('label', {}, 'SendGrid dynamic template (instead of the HTML below)', templateId),
        h('label', {}, 'Email HTML', html),
        variablePicker('email_html', `Insert a variable into step ${n}`, (): TextField | null => focus.last() ?? html),
        details,
      );
      break;
    }
    case 'sms': {
      const message = textArea('message', step.message, `Text message of step ${n}`, 3);
      focus.track(message);
      const length = h('span', { class: 'muted small', 'data-role': 'length' }, `${message.value.length} characters`);
      message.addEventListener('input', () => (length.textContent = `${message.value.length} characters`));
      body.push(h('label', {}, 'Message', message), length, variablePicker('sms', `Insert a variable into step ${n}`, () => focus.last() ?? message));
      break;
    }
    case 'voicemail': {
      const script = textArea('script', step.script, `Voicemail script of step ${n}`, 3);
      body.push(h('label', {}, 'Script', script), h('p', { class: 'muted small' }, 'Voicemail steps are skipped until the voicemail channel is available.'));
      break;
    }
    case 'wait':
      body.push(h('p', { class: 'muted small' }, 'Waits the delay above before the next step.'));
      break;
    case 'condition': {
      const onFalse = h('select', { 'data-field': 'onFalse', 'aria-label': `When the condition of step ${n} fails` }, h('option', { value: 'skip_next' }, 'skip the next step'), h('option', { value: 'exit' }, 'end the sequence for the driver'));
      onFalse.value = step.onFalse;
      body.push(h('label', { class: 'inline' }, 'Otherwise ', onFalse));
      break;
    }
  }
  const conditionsTitle = step.type === 'condition' ? 'Check' : 'Only send';
  const card = h(
    'li',
    { class: `step-card step-${step.type}`, 'data-step-key': step.key, 'data-step-type': step.type, 'aria-label': `Step ${n}: ${TYPE_LABEL[step.type]}` },
    h(
      'div',
      { class: 'step-head' },
      h('strong', { class: 'step-title' }, `STEP ${n} - ${delayLabel(step.delayDays, step.delayHours)}`),
      h('span', { class: 'muted small' }, `Day ${day}`),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'link', 'data-action': 'up', disabled: position === 0, 'aria-label': `Move step ${n} up`, onclick: () => actions.move(step.key, -1) }, '↑ Up'),
      h('button', { type: 'button', class: 'link', 'data-action': 'down', disabled: position === total - 1, 'aria-label': `Move step ${n} down`, onclick: () => actions.move(step.key, 1) }, '↓ Down'),
      h('button', { type: 'button', class: 'link danger', 'data-action': 'remove', 'aria-label': `Remove step ${n}`, onclick: () => actions.remove(step.key) }, 'Remove'),
    ),
    h(
      'div',
      { class: 'step-grid' },
      h('label', {}, 'Type', typeSelect),
      h('label', {}, 'Delay (days)', numberInput('delayDays', step.delayDays, `Delay of step ${n} in days`, 365)),
      h('label', {}, 'and hours', numberInput('delayHours', step.delayHours, `Delay of step ${n} in hours`, 23 * 24)),
    ),
    step.type === 'wait' ? null : h('fieldset', { class: 'conditions' }, h('legend', {}, conditionsTitle), ...CONDITION_KEYS.map(conditionBox)),
    ...body,
    h('ul', { class: 'field-error problems', 'data-step-errors': step.key, hidden: problems.length === 0 }, ...problems.map((p) => h('li', {}, p))),
  );
  card.addEventListener('input', actions.changed);
  card.addEventListener('change', (e) => {
    if (e.target !== typeSelect) actions.changed();
  });
  return card;
}
