/**
 * One sequence: enrollment counters and conversion rate, the funnel by step (reached / sent and,
 * per channel, opened, clicked, replied; exits and drivers waiting at each step), why drivers left,
 * and the enrolled drivers with their step history. Polls every 5 s while the sequence is active.
 */
import type { SequenceStepType } from '../../../backend/collections/vocabulary';
import type { Api } from './api';
import { barChart, destroyCharts } from '../shared/charts';
import { fill, h, toast } from '../shared/dom';
import { formatInt, formatPct, formatRate } from '../shared/format';
import { EXIT_LABEL } from './sequenceModel';
import type { Sequence, SequenceAnalytics, StepFunnel } from './sequenceSchemas';
import { renderEnrollments } from './enrollments';
import { sequenceBadge, toggleLabel, toggleSequence, triggerLabel } from './sequences';

export interface SequenceDetailContext {
  readonly api: Api;
  readonly carrierDot: string;
  readonly openSequences: () => void;
  readonly openSequenceBuilder: (existing?: Sequence) => void;
  readonly enroll: (sequence: Sequence) => void;
}

export const SEQUENCE_POLL_MS = 5000;

const TYPE_LABEL: Readonly<Record<SequenceStepType, string>> = { email: 'Email', sms: 'SMS', voicemail: 'Voicemail', wait: 'Wait', condition: 'Condition' };

/** "1 · SMS", "2 · Email": the funnel's bar labels. */
export function stepLabel(s: Pick<StepFunnel, 'position' | 'stepType'>): string {
  return `${s.position} · ${TYPE_LABEL[s.stepType]}`;
}

/** What a step did, in the words of its channel: "1 sent, 1 replied", "2 sent, 1 opened", "waited". */
export function stepOutcome(s: StepFunnel): string {
  switch (s.stepType) {
    case 'sms':
      return `${formatInt(s.sent)} sent · ${formatInt(s.replied ?? 0)} replied`;
    case 'email':
      return `${formatInt(s.sent)} sent · ${formatInt(s.opened ?? 0)} opened · ${formatInt(s.clicked ?? 0)} clicked`;
    case 'voicemail':
      return `${formatInt(s.sent)} dropped`;
    case 'wait':
    case 'condition':
      return `${formatInt(s.reached)} passed`;
  }
}

function exitLabel(reason: string): string {
  return Object.hasOwn(EXIT_LABEL, reason) ? EXIT_LABEL[reason as keyof typeof EXIT_LABEL] : reason === 'removed' ? 'Removed by a recruiter' : reason === 'condition' ? 'A condition step ended it' : reason;
}

function stat(label: string, value: string, key: string, sub?: string): HTMLElement {
  return h('div', { class: 'card' }, h('span', { class: 'label' }, label), h('span', { class: 'value', 'data-stat': key }, value), sub ? h('span', { class: 'muted small' }, sub) : null);
}

export function renderSequenceDetail(container: HTMLElement, ctx: SequenceDetailContext, sequenceId: string): () => void {
  let stopped = false;
  let timer: number | undefined;
  const head = h('div', { class: 'detail-head' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const cards = h('div', { class: 'cards', id: 'sequence-stats' });
  const funnelCanvas = h('canvas', { id: 'sequence-funnel-chart' });
  const stepTable = h('tbody', { id: 'step-rows' });
  const exits = h('ul', { id: 'exit-reasons', class: 'plain-list' });
  const enrollments = h('section', { id: 'enrollments', class: 'detail-section' });
  const stopEnrollments = renderEnrollments(enrollments, { api: ctx.api, sequenceId });

  const headActions = (s: Sequence): HTMLElement[] => [
    ...(s.status === 'active' ? [h('button', { type: 'button', class: 'primary', id: 'enroll-button', onclick: () => ctx.enroll(s) }, 'Enroll drivers')] : []),
    h('button', {
      type: 'button',
      id: 'toggle-sequence',
      onclick: async () => {
        const result = await toggleSequence(ctx.api, s);
        toast(result.success ? result.label : (result.error ?? 'That did not work.'), result.success ? 'ok' : 'error');
        await load();
      },
    }, toggleLabel(s.status)),
    h('button', { type: 'button', onclick: () => ctx.openSequenceBuilder(s) }, 'Edit'),
  ];

  const render = (s: Sequence, a: SequenceAnalytics): void => {
    fill(
      head,
      h('button', { type: 'button', class: 'link', onclick: ctx.openSequences }, '← All sequences'),
      h('div', { class: 'title-row' }, h('h2', { id: 'sequence-title' }, s.sequence_name), sequenceBadge(s.status), h('span', { class: 'spacer' }), ...headActions(s)),
      h('p', { class: 'muted' }, `${triggerLabel(s)}${s.completion_tag ? ` · finishers tagged "${s.completion_tag}"` : ''}`),
    );
    fill(
      cards,
      stat('Enrolled', formatInt(a.enrolled), 'enrolled'),
      stat('In sequence', formatInt(a.active), 'active'),
      stat('Completed', formatInt(a.completed), 'completed', `${formatPct(a.completed, a.enrolled)} completion`),
      stat('Exited early', formatInt(a.exited ?? 0), 'exited'),
      stat('Converted', formatInt(a.conversions), 'converted', 'replied, applied or hired'),
      stat('Conversion rate', a.conversionRate !== undefined ? formatRate(a.conversionRate) : formatPct(a.conversions, a.enrolled), 'conversion-rate'),
    );
    const steps = a.steps ?? [];
    barChart(funnelCanvas, 'Sequence funnel by step', {
      labels: ['Enrolled', ...steps.map(stepLabel), 'Converted'],
      values: [a.enrolled, ...steps.map((x) => x.reached), a.conversions],
      colors: ['#9aa5b1', ...steps.map((x) => (x.stepType === 'sms' ? '#2f6fed' : x.stepType === 'email' ? '#0fb5ae' : '#cbd2d9')), '#1f9d55'],
      format: formatInt,
    });
    fill(
      stepTable,
      ...steps.map((x) =>
        h(
          'tr',
          { 'data-step-row': x.position, 'data-step-type': x.stepType },
          h('th', { scope: 'row' }, stepLabel(x)),
          h('td', { class: 'num', 'data-cell': 'reached' }, formatInt(x.reached)),
          h('td', { class: 'num', 'data-cell': 'sent' }, formatInt(x.sent)),
          h('td', { 'data-cell': 'outcome' }, stepOutcome(x)),
          h('td', { class: 'num', 'data-cell': 'exited' }, formatInt(x.exited ?? 0)),
          h('td', { class: 'num', 'data-cell': 'waiting' }, formatInt(x.waiting ?? 0)),
        ),
      ),
    );
    const reasons = Object.entries(a.exitReasons ?? {}).filter(([, n]) => n > 0);
    fill(exits, ...(reasons.length > 0 ? reasons.map(([reason, n]) => h('li', { 'data-reason': reason }, h('strong', {}, formatInt(n)), ` ${exitLabel(reason)}`)) : [h('li', { class: 'muted' }, 'Nobody has left early.')]));
  };

  async function load(): Promise<void> {
    const [list, analytics] = await Promise.all([ctx.api.call('getEmailSequences', ctx.carrierDot, {}), ctx.api.call('getSequenceAnalytics', sequenceId)]);
    if (stopped) return;
    const failure = !list.success ? list.error : !analytics.success ? analytics.error : null;
    const sequence = list.success ? list.sequences.find((s) => s._id === sequenceId) : undefined;
    if (failure !== null || !analytics.success || sequence === undefined) {
      error.textContent = failure ?? 'This sequence no longer exists.';
      error.hidden = false;
      return;
    }
    error.hidden = true;
    render(sequence, analytics.analytics);
    window.clearTimeout(timer);
    const live = sequence.status === 'active';
    container.dataset['live'] = String(live);
    if (!stopped) timer = window.setTimeout(() => void load(), live ? SEQUENCE_POLL_MS : SEQUENCE_POLL_MS * 3);
  }

  fill(
    container,
    head,
    error,
    cards,
    h(
      'div',
      { class: 'chart-grid' },
      h('section', {}, h('h3', {}, 'Funnel by step'), h('div', { class: 'chart' }, funnelCanvas)),
      h('section', {}, h('h3', {}, 'Why drivers left'), exits),
    ),
    h(
      'section',
      { class: 'detail-section' },
      h('h3', {}, 'Steps'),
      h('table', { class: 'table', id: 'step-table' }, h('thead', {}, h('tr', {}, ...['Step', 'Reached', 'Sent', 'Outcome', 'Left here', 'Waiting'].map((t) => h('th', { scope: 'col' }, t)))), stepTable),
    ),
    enrollments,
  );
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    stopEnrollments();
    destroyCharts(container);
  };
}
