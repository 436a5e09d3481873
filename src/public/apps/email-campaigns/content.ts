/**
 * The builder's message section: subject line with A/B subject variants and a variable picker,
 * preheader, and the body — either a SendGrid dynamic template (id + unsubscribe group) or our HTML
 * editor with a live, sandboxed preview at desktop and mobile widths.
 */
import type { EmailCampaign } from './campaignSchemas';
import { debounce, h } from '../shared/dom';
import { focusTracker, variablePicker, type TextField } from '../shared/variablePicker';
import { MAX_SUBJECT_VARIANTS, type ContentMode } from './model';
import { createPreview } from './preview';

/** A first draft; job values carry defaults because a campaign has no job posting attached. */
export const STARTER_HTML = `<h1 style="font-size:22px">Hi {{firstName}},</h1>
<p>{{recruiterName|Our recruiting team}} here from {{carrierName}}. We're hiring {{cdlClass|CDL}} drivers: {{jobTitle|CDL-A driving}}, {{payRange|competitive weekly pay}}, {{homeTime|regular home time}}.</p>
<p><a href="{{applyUrl}}">See the job and apply</a></p>
<p>Questions? Call us at {{carrierPhone}}.</p>
<p style="font-size:12px;color:#616e7c"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`;

export interface ContentSection {
  readonly root: HTMLElement;
  subjects(): string[];
  preheader(): string;
  mode(): ContentMode;
  templateId(): string;
  unsubscribeGroupId(): string;
  html(): string;
  /** Redraws the preview (also after the From name changes). */
  refresh(): void;
}

export function renderContent(existing: EmailCampaign | undefined, options: { fromName: () => string; onChange: () => void; errorSlot: (field: 'subject' | 'variants' | 'preheader' | 'content') => HTMLElement }): ContentSection {
  const subjectFocus = focusTracker();
  const bodyFocus = focusTracker();
  const subject = h('input', { id: 'subject-line', name: 'subjectLine', maxlength: 300, autocomplete: 'off', placeholder: 'Opportunity at {{carrierName}}: {{jobTitle}}', 'aria-describedby': 'error-subject' });
  subject.value = existing?.subject_line ?? '';
  subjectFocus.track(subject);
  const variantList = h('div', { class: 'subject-variants', id: 'subject-variants' });
  const variantInputs: HTMLInputElement[] = [];
  const addVariantButton = h('button', { type: 'button', id: 'add-subject-variant' }, '+ Add subject variant');

  const relabel = (): void => {
    variantInputs.forEach((input, i) => {
      const letter = String.fromCharCode(66 + i);
      input.id = `subject-variant-${letter}`;
      input.setAttribute('aria-label', `Subject variant ${letter}`);
      const label = input.parentElement?.querySelector('.variant-letter');
      if (label) label.textContent = `Subject ${letter}`;
      const remove = input.parentElement?.querySelector('button');
      if (remove) remove.textContent = `Remove subject ${letter}`;
    });
    addVariantButton.hidden = variantInputs.length >= MAX_SUBJECT_VARIANTS;
  };
  const addVariant = (text: string): void => {
    if (variantInputs.length >= MAX_SUBJECT_VARIANTS) return;
    const input = h('input', { maxlength: 300, autocomplete: 'off', class: 'subject-variant' });
    input.value = text;
    subjectFocus.track(input);
    const row: HTMLElement = h(
      'div',
      { class: 'row subject-variant-row' },
      h('span', { class: 'variant-letter label' }),
      input,
      h('button', {
        type: 'button',
        class: 'link',
        onclick: () => {
          variantInputs.splice(variantInputs.indexOf(input), 1);
          row.remove();
          relabel();
          changed();
        },
      }),
    );
    variantInputs.push(input);
    variantList.append(row);
    relabel();
  };
  addVariantButton.addEventListener('click', () => {
    addVariant('');
    variantInputs[variantInputs.length - 1]?.focus();
  });
  (existing?.subject_variants ?? []).forEach(addVariant);
  relabel();

  const preheader = h('input', { id: 'preheader', name: 'preheader', maxlength: 250, autocomplete: 'off', placeholder: 'The line inboxes show after the subject', 'aria-describedby': 'error-preheader' });
  preheader.value = existing?.preheader ?? '';
  bodyFocus.track(preheader);

  const initialMode: ContentMode = existing?.template_id ? 'template' : 'html';
  const modeRadio = (value: ContentMode, label: string) =>
    h('label', { class: 'check' }, h('input', { type: 'radio', name: 'contentMode', value, checked: value === initialMode }), label);
  const templateId = h('input', { id: 'template-id', name: 'templateId', autocomplete: 'off', placeholder: 'd-0123456789abcdef0123456789abcdef', spellcheck: false });
  templateId.value = existing?.template_id ?? '';
  const groupId = h('input', { id: 'unsubscribe-group', name: 'unsubscribeGroupId', autocomplete: 'off', inputmode: 'numeric', placeholder: "carrier's default group" });
  groupId.value = existing?.unsubscribe_group_id ?? '';
  const html = h('textarea', { id: 'html-editor', name: 'htmlContent', rows: 14, spellcheck: false, class: 'code', 'aria-describedby': 'error-content' });
  html.value = existing?.html_content ?? (existing ? '' : STARTER_HTML);
  bodyFocus.track(html);
  const preview = createPreview('email-preview');

  const templatePanel = h(
    'div',
    { class: 'template-panel', 'data-mode-panel': 'template' },
    h('label', { for: 'template-id' }, 'SendGrid dynamic template id'),
    templateId,
    h('label', { for: 'unsubscribe-group' }, 'Unsubscribe group id (SendGrid)'),
    groupId,
    h('p', { class: 'muted small' }, 'The template is rendered by SendGrid with the driver, job and unsubscribe values. Its footer must carry the group unsubscribe link.'),
  );
  const htmlPanel = h(
    'div',
    { class: 'html-panel', 'data-mode-panel': 'html' },
    h('label', { for: 'html-editor' }, 'Email HTML'),
    html,
    h('p', { class: 'label' }, 'Insert into the body or preheader'),
    variablePicker('email_html', 'Insert a variable into the body', () => bodyFocus.last() ?? html),
    h('p', { class: 'muted small' }, "Sent with the carrier's postal address and a one-click unsubscribe link (CAN-SPAM); values are HTML-escaped per driver."),
  );

  const subjectPicker = variablePicker('email_subject', 'Insert a variable into the subject', (): TextField | null => subjectFocus.last() ?? subject);
  const root = h(
    'div',
    { class: 'content-section' },
    h(
      'section',
      {},
      h('h3', {}, 'Subject'),
      h('label', { for: 'subject-line', class: 'section-label' }, 'Subject line (A)'),
      subject,
      options.errorSlot('subject'),
      variantList,
      h('div', { class: 'row-actions' }, addVariantButton, h('span', { class: 'muted small' }, 'Each driver gets one subject at random; opens decide the winner.')),
      options.errorSlot('variants'),
      h('p', { class: 'label' }, 'Insert into the subject'),
      subjectPicker,
      h('label', { for: 'preheader', class: 'section-label' }, 'Preheader'),
      preheader,
      options.errorSlot('preheader'),
    ),
    h(
      'section',
      {},
      h('h3', {}, 'Content'),
      h('div', { class: 'radio-row', role: 'radiogroup', 'aria-label': 'Content source' }, modeRadio('html', 'Write HTML'), modeRadio('template', 'Use a SendGrid template')),
      h('div', { class: 'content-grid' }, h('div', {}, htmlPanel, templatePanel), preview.root),
      options.errorSlot('content'),
    ),
  );
  const mode = (): ContentMode => (root.querySelector<HTMLInputElement>('input[name="contentMode"]:checked')?.value === 'template' ? 'template' : 'html');
  const section: ContentSection = {
    root,
    subjects: () => [subject.value, ...variantInputs.map((v) => v.value)],
    preheader: () => preheader.value,
    mode,
    templateId: () => templateId.value,
    unsubscribeGroupId: () => groupId.value,
    html: () => html.value,
    refresh() {
      const current = mode();
      templatePanel.hidden = current !== 'template';
      htmlPanel.hidden = current !== 'html';
      if (current === 'template') preview.showTemplate(templateId.value);
      else preview.show({ subject: subject.value, preheader: preheader.value, html: html.value, fromName: options.fromName() });
    },
  };
  const redraw = debounce(() => section.refresh(), 250);
  function changed(): void {
    redraw();
    options.onChange();
  }
  root.addEventListener('input', changed);
  root.addEventListener('change', changed);
  section.refresh();
  return section;
}
