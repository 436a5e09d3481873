/**
 * Enrolling drivers into an active sequence: the drivers matching an audience filter (the shared
 * audience builder, with a live count on the sequence's first message channel; enrolled a page of
 * ≤ 1000 at a time), or chosen drivers (selected elsewhere in the app, or pasted ids).
 */
import type { AudienceFilter } from '../../../backend/collections/common';
import type { SequenceStep } from '../../../backend/collections/sequence-steps';
import type { EnrollmentTarget } from '../../messaging';
import type { Answer, Api } from './api';
import { readAudienceFields, renderAudienceFields } from '../shared/audience';
import { audienceFilterOf, EMPTY_AUDIENCE, type AudienceChannel } from '../shared/audienceModel';
import { debounce, fill, h, toast } from '../shared/dom';
import { formatInt } from '../shared/format';
import type { Sequence } from './sequenceSchemas';

/** The channel of the first SMS or email step: enrollment by filter takes drivers it can reach. */
export function firstChannel(s: { readonly steps: readonly SequenceStep[] }): AudienceChannel {
  const first = [...s.steps].sort((a, b) => a.step_number - b.step_number).find((x) => x.step_type === 'sms' || x.step_type === 'email');
  return first?.step_type === 'email' ? 'email' : 'sms';
}

/** Driver ids typed or pasted: one per line, or separated by commas or spaces; duplicates dropped. */
export function driverIdsOf(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim()).filter((s) => s !== ''))];
}

/** At most this many pages (of ≤ 1000 drivers) in one go; the rest can be enrolled again later. */
export const MAX_PAGES = 20;

export interface EnrollOutcome {
  readonly enrolled: number;
  readonly skipped: number;
}

async function enrollAll(api: Api, sequenceId: string, target: EnrollmentTarget, progress: (enrolled: number) => void): Promise<EnrollOutcome | { error: string }> {
  let enrolled = 0;
  let skipped = 0;
  let next: EnrollmentTarget | null = target;
  for (let page = 0; next !== null && page < MAX_PAGES; page += 1) {
    const current: EnrollmentTarget = next;
    const answer: Answer<'enrollDriversInSequence'> = await api.call('enrollDriversInSequence', sequenceId, current);
    if (!answer.success) return enrolled > 0 ? { enrolled, skipped } : { error: answer.error };
    enrolled += answer.enrolled;
    skipped += answer.skipped ?? 0;
    progress(enrolled);
    next = 'audienceFilter' in current && answer.nextCursor ? { audienceFilter: current.audienceFilter, cursor: answer.nextCursor } : null;
  }
  return { enrolled, skipped };
}

/** Opens the dialog; resolves with what was enrolled, or null when cancelled. */
export function openEnrollDialog(options: { api: Api; carrierDot: string; sequence: Sequence; driverIds?: readonly string[] }): Promise<EnrollOutcome | null> {
  const { api, carrierDot, sequence } = options;
  const channel = firstChannel(sequence);
  const preselected = options.driverIds ?? [];
  const audience = renderAudienceFields(EMPTY_AUDIENCE, channel);
  const estimate = h('p', { id: 'enroll-estimate', class: 'estimate', 'aria-live': 'polite' }, 'Estimating…');
  const ids = h('textarea', { id: 'enroll-driver-ids', rows: 4, 'aria-describedby': 'enroll-ids-help', spellcheck: false });
  ids.value = preselected.join('\n');
  const status = h('p', { id: 'enroll-status', role: 'status', class: 'muted' });
  const modeRadio = (value: 'filter' | 'drivers', label: string) =>
    h('label', { class: 'check' }, h('input', { type: 'radio', name: 'enrollMode', value, checked: (preselected.length > 0) === (value === 'drivers') }), label);
  const filterPanel = h('div', { 'data-enroll-panel': 'filter' }, audience, estimate);
  const driversPanel = h(
    'div',
    { 'data-enroll-panel': 'drivers' },
    h('label', { for: 'enroll-driver-ids' }, 'Driver ids'),
    ids,
    h('p', { id: 'enroll-ids-help', class: 'muted small' }, preselected.length > 0 ? `${formatInt(preselected.length)} drivers selected. One id per line.` : 'One id per line (or separated by commas).'),
  );
  const dialog = h(
    'dialog',
    { id: 'enroll-dialog', 'aria-labelledby': 'enroll-title', class: 'wide-dialog' },
    h('h3', { id: 'enroll-title' }, `Enroll drivers in "${sequence.sequence_name}"`),
    h('div', { class: 'radio-row', role: 'radiogroup', 'aria-label': 'Whom to enroll' }, modeRadio('filter', 'Drivers matching a filter'), modeRadio('drivers', 'Selected drivers')),
    filterPanel,
    driversPanel,
    h('p', { class: 'muted small' }, 'Drivers already in this sequence, hired, unsubscribed or opted out are skipped. The first step runs in its channel\'s allowed hours.'),
    status,
  );
  const mode = (): 'filter' | 'drivers' => (dialog.querySelector<HTMLInputElement>('input[name="enrollMode"]:checked')?.value === 'drivers' ? 'drivers' : 'filter');
  const showMode = (): void => {
    filterPanel.hidden = mode() !== 'filter';
    driversPanel.hidden = mode() !== 'drivers';
  };
  let seq = 0;
  const runEstimate = async (): Promise<void> => {
    const n = ++seq;
    const { filter, problems } = audienceFilterOf(readAudienceFields(audience), channel);
    if (problems.length > 0) return void fill(estimate, h('span', { class: 'field-error' }, problems.join(' ')));
    const answer = channel === 'email' ? await api.call('estimateEmailAudience', carrierDot, filter) : await api.call('estimateSMSAudience', carrierDot, filter, '');
    if (n !== seq) return;
    if (!answer.success) return void fill(estimate, h('span', { class: 'field-error' }, `Estimate unavailable: ${answer.error}`));
    fill(estimate, h('span', {}, 'Matching drivers: ', h('strong', { id: 'enroll-estimate-count' }, formatInt(answer.audienceCount)), ` reachable by ${channel === 'sms' ? 'SMS' : 'email'}`));
  };
  const requestEstimate = debounce(() => void runEstimate(), 400);
  audience.addEventListener('input', requestEstimate);
  audience.addEventListener('change', requestEstimate);

  return new Promise((resolve) => {
    let busy = false;
    const finish = (value: EnrollOutcome | null): void => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const submit = async (): Promise<void> => {
      if (busy) return;
      let target: EnrollmentTarget;
      if (mode() === 'drivers') {
        const list = driverIdsOf(ids.value);
        if (list.length === 0) return void (status.textContent = 'Add at least one driver id.');
        if (list.length > 1000) return void (status.textContent = 'At most 1,000 drivers at a time.');
        target = { driverIds: list };
      } else {
        const { filter, problems } = audienceFilterOf(readAudienceFields(audience), channel);
        if (problems.length > 0) return void (status.textContent = problems.join(' '));
        target = { audienceFilter: filter satisfies AudienceFilter };
      }
      busy = true;
      dialog.setAttribute('aria-busy', 'true');
      status.textContent = 'Enrolling…';
      const outcome = await enrollAll(api, sequence._id, target, (n) => (status.textContent = `Enrolled ${formatInt(n)} so far…`));
      busy = false;
      dialog.removeAttribute('aria-busy');
      if ('error' in outcome) {
        status.textContent = outcome.error;
        status.className = 'error';
        return;
      }
      toast(`Enrolled ${formatInt(outcome.enrolled)} driver${outcome.enrolled === 1 ? '' : 's'}${outcome.skipped > 0 ? ` (${formatInt(outcome.skipped)} skipped)` : ''}.`);
      finish(outcome);
    };
    dialog.append(
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => finish(null) }, 'Cancel'),
        h('span', { class: 'spacer' }),
        h('button', { type: 'button', class: 'primary', id: 'enroll-submit', onclick: () => void submit() }, 'Enroll'),
      ),
    );
    dialog.addEventListener('change', (e) => {
      if ((e.target as HTMLInputElement | null)?.name === 'enrollMode') showMode();
    });
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      if (!busy) finish(null);
    });
    document.body.append(dialog);
    showMode();
    dialog.showModal();
    void runEstimate();
  });
}

/** Asks which active sequence the selected drivers go into; null when cancelled or none is active. */
export function chooseSequence(options: { api: Api; carrierDot: string; count: number }): Promise<Sequence | null> {
  const list = h('div', { id: 'sequence-choices', class: 'plain-list', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading active sequences…'));
  const dialog = h(
    'dialog',
    { id: 'choose-sequence', 'aria-labelledby': 'choose-sequence-title' },
    h('h3', { id: 'choose-sequence-title' }, `Enroll ${formatInt(options.count)} selected driver${options.count === 1 ? '' : 's'} in…`),
    list,
  );
  return new Promise((resolve) => {
    const finish = (value: Sequence | null): void => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.append(h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => finish(null) }, 'Cancel')));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    void options.api.call('getEmailSequences', options.carrierDot, { status: 'active' }).then((answer) => {
      if (!answer.success) return void fill(list, h('p', { class: 'error' }, answer.error));
      fill(
        list,
        ...(answer.sequences.length > 0
          ? answer.sequences.map((s) => h('button', { type: 'button', 'data-choose-sequence': s._id, onclick: () => finish(s) }, `${s.sequence_name} (${s.steps.length} steps)`))
          : [h('p', { class: 'muted' }, 'No active sequence: activate one first.')]),
      );
    });
  });
}
