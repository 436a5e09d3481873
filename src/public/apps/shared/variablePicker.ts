/**
 * The variable picker: one chip per template variable allowed on a channel, grouped like the
 * variable list (src/backend/outreach/variables.ts). A chip inserts `{{name}}` into the field that
 * last had focus (or the first one).
 */
import { TEMPLATE_VARIABLE_GROUPS, variablesForChannel, type TemplateChannel } from '../../../backend/outreach/variables';
import { h } from './dom';

const GROUP_LABEL = { driver: 'Driver', recruiter: 'Recruiter', carrier: 'Carrier', job: 'Job', compliance: 'Compliance' } as const;

export type TextField = HTMLInputElement | HTMLTextAreaElement;

/** Inserts at the cursor (or replaces the selection), keeps the cursor after it and reports an input. */
export function insertAtCursor(field: TextField, text: string): void {
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  field.setRangeText(text, start, end, 'end');
  field.focus();
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** `target()` names the field to insert into; chips carry `data-variable`. */
export function variablePicker(channel: TemplateChannel, label: string, target: () => TextField | null): HTMLElement {
  return h(
    'div',
    { class: 'picker', role: 'group', 'aria-label': label },
    ...TEMPLATE_VARIABLE_GROUPS.map((group) => {
      const vars = variablesForChannel(channel).filter((v) => v.group === group);
      if (vars.length === 0) return null;
      return h(
        'div',
        { class: 'picker-group' },
        h('span', { class: 'label' }, GROUP_LABEL[group]),
        ...vars.map((v) =>
          h('button', {
            type: 'button',
            class: 'chip',
            title: v.description,
            'data-variable': v.name,
            onclick: () => {
              const field = target();
              if (field) insertAtCursor(field, `{{${v.name}}}`);
            },
          }, v.name),
        ),
      );
    }),
  );
}

/** Remembers which of a set of fields had focus last. */
export function focusTracker(): { track(field: TextField): void; last(): TextField | null } {
  let last: TextField | null = null;
  return {
    track(field) {
      field.addEventListener('focus', () => (last = field));
    },
    last: () => last,
  };
}
