/**
 * One message composer: a textarea with the characters that force UCS-2 highlighted behind it, the
 * live counter (characters, segments, encoding, cost per message — counted on the message as the
 * sample driver would get it) and the preview with sample values.
 */
import { composerCounter, type ComposerCounter } from '../../../backend/outreach/sms';
import { previewTemplate } from '../../../backend/outreach/templates/preview';
import { formatUsd } from '../shared/format';
import { h, fill } from '../shared/dom';

export interface Composer {
  readonly root: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  value(): string;
  /** Inserts at the cursor (or replaces the selection) and keeps the cursor after it. */
  insert(text: string): void;
  refresh(): void;
  /** The counter of the rendered sample message, for cost figures elsewhere. */
  counter(): ComposerCounter;
}

export interface ComposerOptions {
  readonly id: string;
  readonly label: string;
  readonly initial: string;
  readonly pricePerSegment: () => number;
  readonly onChange: () => void;
  readonly onFocus: (composer: Composer) => void;
}

function highlighted(text: string, counter: ComposerCounter): (Node | string)[] {
  const parts: (Node | string)[] = [];
  let at = 0;
  for (const c of counter.nonGsmCharacters) {
    if (c.index > at) parts.push(text.slice(at, c.index));
    parts.push(h('mark', {}, c.char));
    at = c.index + c.char.length;
  }
  parts.push(`${text.slice(at)}\n`);
  return parts;
}

export function createComposer(options: ComposerOptions): Composer {
  const textarea = h('textarea', {
    id: options.id,
    rows: 4,
    maxlength: 1600,
    spellcheck: true,
    'aria-describedby': `${options.id}-counter ${options.id}-encoding`,
    class: 'composer-input',
  });
  textarea.value = options.initial;
  const backdrop = h('div', { class: 'composer-backdrop', 'aria-hidden': 'true' });
  const counterLine = h('p', { id: `${options.id}-counter`, class: 'counter', 'aria-live': 'polite' });
  const encodingNote = h('p', { id: `${options.id}-encoding`, class: 'encoding-note' });
  const problems = h('ul', { class: 'field-error problems' });
  const preview = h('div', { class: 'sms-bubble', 'data-role': 'preview' });
  const root = h(
    'div',
    { class: 'composer' },
    h('label', { for: options.id }, options.label),
    h('div', { class: 'composer-field' }, backdrop, textarea),
    counterLine,
    encodingNote,
    problems,
    h('div', { class: 'preview' }, h('span', { class: 'label' }, 'Preview (sample driver)'), preview),
  );
  let lastCounter = composerCounter('');

  const composer: Composer = {
    root,
    textarea,
    value: () => textarea.value,
    insert(text: string) {
      const start = textarea.selectionStart ?? textarea.value.length;
      const end = textarea.selectionEnd ?? start;
      textarea.setRangeText(text, start, end, 'end');
      textarea.focus();
      textarea.dispatchEvent(new Event('input', { bubbles: true }));
    },
    refresh() {
      const text = textarea.value;
      const typed = composerCounter(text);
      fill(backdrop, ...highlighted(text, typed));
      const shown = previewTemplate({ template: text, channel: 'sms' });
      const rendered = shown.result.ok ? shown.result.text : text;
      const counter = composerCounter(rendered);
      lastCounter = counter;
      const limit = counter.segments <= 1 ? counter.perSegmentLimit : counter.perSegmentLimit * counter.segments;
      const perMessage = counter.segments * options.pricePerSegment();
      fill(
        counterLine,
        h('span', {}, `Characters: ${counter.units}/${limit}`),
        h('span', { class: counter.segments > 1 ? 'warn' : '' }, `${counter.segments} segment${counter.segments === 1 ? '' : 's'}`),
        h('span', { class: counter.encoding === 'UCS-2' ? 'badge warn' : 'badge' }, counter.encoding),
        h('span', {}, `Est. cost: ${formatUsd(perMessage, true)}/msg`),
      );
      if (typed.nonGsmCharacters.length > 0) {
        const chars = typed.nonGsmCharacters.map((c) =>
          h(
            'button',
            {
              type: 'button',
              class: 'chip warn',
              title: c.replacement !== undefined ? `Replace with ${c.replacement}` : 'Select it',
              onclick: () => {
                if (c.replacement !== undefined) {
                  textarea.setRangeText(c.replacement, c.index, c.index + c.char.length, 'end');
                  textarea.dispatchEvent(new Event('input', { bubbles: true }));
                } else {
                  textarea.focus();
                  textarea.setSelectionRange(c.index, c.index + c.char.length);
                }
              },
            },
            c.replacement !== undefined ? `${c.char} → ${c.replacement}` : c.char,
          ),
        );
        const saving =
          typed.segmentsIfReplaced !== null && typed.segmentsIfReplaced < typed.segments
            ? ` Replacing the look-alikes saves ${typed.segments - typed.segmentsIfReplaced} segment(s).`
            : '';
        fill(encodingNote, `UCS-2: these characters cut a segment to 70 characters.${saving} `, ...chars);
        encodingNote.hidden = false;
      } else {
        fill(encodingNote);
        encodingNote.hidden = true;
      }
      fill(problems, ...shown.problems.filter((p) => p.code !== 'empty_template').map((p) => h('li', { class: p.severity === 'error' ? 'error' : 'warning' }, p.message)));
      preview.textContent = shown.result.ok ? shown.result.text : rendered;
    },
    counter: () => lastCounter,
  };
  textarea.addEventListener('input', () => {
    composer.refresh();
    options.onChange();
  });
  textarea.addEventListener('scroll', () => {
    backdrop.scrollTop = textarea.scrollTop;
  });
  textarea.addEventListener('focus', () => options.onFocus(composer));
  composer.refresh();
  return composer;
}
