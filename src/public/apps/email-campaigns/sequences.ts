/** The drip sequences of the carrier: status, enrollment counters, conversion rate and actions. */
import type { SequenceStatus } from '../../../backend/collections/vocabulary';
import type { Api } from './api';
import { fill, h, toast } from '../shared/dom';
import { formatDateTime, formatInt, formatPct } from '../shared/format';
import type { Sequence } from './sequenceSchemas';
import { TRIGGER_LABEL, BUILDER_TRIGGERS } from './sequenceModel';

export interface SequencesContext {
  readonly api: Api;
  readonly carrierDot: string;
  readonly openSequence: (sequenceId: string) => void;
  readonly openSequenceBuilder: (existing?: Sequence) => void;
  readonly enroll: (sequence: Sequence) => void;
}

const STATUS_LABEL: Readonly<Record<SequenceStatus, string>> = { draft: 'Draft', active: 'Active', paused: 'Paused' };

export function sequenceBadge(status: SequenceStatus): HTMLElement {
  return h('span', { class: `status status-${status === 'draft' ? 'draft' : status}` }, STATUS_LABEL[status]);
}

export function triggerLabel(s: Sequence): string {
  const known = BUILDER_TRIGGERS.find((t) => t === s.trigger_type);
  return known ? TRIGGER_LABEL[known] : s.trigger_type.replace(/_/g, ' ');
}

/** Activates a draft, pauses an active sequence or resumes a paused one. */
export async function toggleSequence(api: Api, s: Sequence): Promise<{ success: boolean; error?: string; label: string }> {
  switch (s.status) {
    case 'draft': {
      const answer = await api.call('updateEmailSequence', s._id, { status: 'active' });
      return { ...answer, label: 'Activated.' };
    }
    case 'active': {
      const answer = await api.call('pauseEmailSequence', s._id);
      return { ...answer, label: 'Paused: no step runs until you resume.' };
    }
    case 'paused': {
      const answer = await api.call('resumeEmailSequence', s._id);
      return { ...answer, label: 'Resumed.' };
    }
  }
}

export function toggleLabel(status: SequenceStatus): string {
  switch (status) {
    case 'draft':
      return 'Activate';
    case 'active':
      return 'Pause';
    case 'paused':
      return 'Resume';
  }
}

export function renderSequences(container: HTMLElement, ctx: SequencesContext): () => void {
  let stopped = false;
  let timer: number | undefined;
  const list = h('div', { id: 'sequence-list' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });

  const card = (s: Sequence): HTMLElement => {
    const enrolled = s.enrollment_count ?? 0;
    const actions: HTMLElement[] = [
      h('button', { type: 'button', onclick: () => ctx.openSequence(s._id) }, 'Open'),
      h('button', { type: 'button', onclick: () => ctx.openSequenceBuilder(s) }, 'Edit'),
      h('button', {
        type: 'button',
        'data-toggle': s._id,
        onclick: async () => {
          const result = await toggleSequence(ctx.api, s);
          toast(result.success ? result.label : (result.error ?? 'That did not work.'), result.success ? 'ok' : 'error');
          await load();
        },
      }, toggleLabel(s.status)),
    ];
    if (s.status === 'active') actions.push(h('button', { type: 'button', class: 'primary', onclick: () => ctx.enroll(s) }, 'Enroll drivers'));
    return h(
      'article',
      { class: 'campaign-card sequence-card', 'data-sequence-id': s._id },
      h('div', { class: 'card-head' }, h('span', { class: 'channel' }, 'SEQUENCE'), h('h3', {}, s.sequence_name), sequenceBadge(s.status)),
      h('p', { class: 'muted small' }, `${triggerLabel(s)} · ${s.steps.length} step${s.steps.length === 1 ? '' : 's'}: ${[...s.steps].sort((a, b) => a.step_number - b.step_number).map((x) => x.step_type.toUpperCase()).join(' → ')}`),
      h(
        'dl',
        { class: 'stats' },
        h('div', {}, h('dt', {}, 'Enrolled'), h('dd', { 'data-stat': 'enrolled' }, formatInt(enrolled))),
        h('div', {}, h('dt', {}, 'In sequence'), h('dd', { 'data-stat': 'active' }, formatInt(s.active_count ?? 0))),
        h('div', {}, h('dt', {}, 'Completed'), h('dd', { 'data-stat': 'completed' }, formatInt(s.completed_count ?? 0))),
        h('div', {}, h('dt', {}, 'Converted'), h('dd', { 'data-stat': 'converted' }, formatInt(s.conversion_count ?? 0))),
        h('div', {}, h('dt', {}, 'Conversion'), h('dd', { 'data-stat': 'conversion-rate' }, formatPct(s.conversion_count ?? 0, enrolled))),
      ),
      h('div', { class: 'card-foot' }, h('span', { class: 'muted' }, s.status === 'draft' ? `Created ${formatDateTime(s._createdDate)}` : `Active since ${formatDateTime(s.activated_at ?? s._createdDate)}`), h('span', { class: 'card-actions' }, ...actions)),
    );
  };

  async function load(): Promise<void> {
    const answer = await ctx.api.call('getEmailSequences', ctx.carrierDot, {});
    if (stopped) return;
    if (!answer.success) {
      error.textContent = answer.error;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    fill(list, ...(answer.sequences.length > 0 ? answer.sequences.map(card) : [h('p', { class: 'empty' }, 'No sequences yet. Start one from the SMS + email template.')]));
    window.clearTimeout(timer);
    if (answer.sequences.some((s) => s.status === 'active')) timer = window.setTimeout(() => void load(), 10_000);
  }

  fill(
    container,
    h('div', { class: 'section-head' }, h('h2', {}, 'Drip sequences'), h('button', { type: 'button', class: 'primary', id: 'new-sequence', onclick: () => ctx.openSequenceBuilder() }, '+ New sequence')),
    error,
    list,
  );
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}
