/**
 * The drivers enrolled in a sequence, a page at a time: status, where they stand, their step
 * history (what was sent when) and why they left; a recruiter can take a driver out.
 */
import { ENROLLMENT_STATUSES, type EnrollmentStatus, type StepOutcome } from '../../../backend/collections/vocabulary';
import type { Api } from './api';
import { fill, h, toast } from '../shared/dom';
import { formatDateTime } from '../shared/format';
import type { Enrollment, StepHistory } from './sequenceSchemas';

export const ENROLLMENT_PAGE = 25;

const STATUS_LABEL: Readonly<Record<EnrollmentStatus, string>> = { active: 'In sequence', completed: 'Completed', exited: 'Left', paused: 'Paused' };

const OUTCOME_LABEL: Readonly<Record<StepOutcome, string>> = {
  sent: 'sent',
  skipped: 'skipped',
  held: 'held',
  blocked: 'blocked',
  failed: 'failed',
  waited: 'waited',
  condition_true: 'condition met',
  condition_false: 'condition not met',
};

/** "1 SMS sent · Jan 21, 2:00 PM" */
export function historyLabel(e: StepHistory): string {
  return `${e.step_number} ${e.step_type === 'sms' ? 'SMS' : e.step_type} ${OUTCOME_LABEL[e.outcome]} · ${formatDateTime(e.executed_at)}`;
}

export function renderEnrollments(container: HTMLElement, ctx: { api: Api; sequenceId: string }): () => void {
  if (!ctx.api.offers('getSequenceEnrollments')) {
    fill(container, h('h3', {}, 'Enrolled drivers'), h('p', { class: 'muted', id: 'enrollments-unavailable' }, 'The list of enrolled drivers is not available from this site yet; the step table above shows what was sent.'));
    return () => undefined;
  }
  let offset = 0;
  let status: EnrollmentStatus | 'all' = 'all';
  let stopped = false;
  let timer: number | undefined;
  const body = h('tbody', { id: 'enrollment-rows' });
  const pageLabel = h('span', { class: 'muted', id: 'enrollments-page' });
  const prev = h('button', { type: 'button', onclick: () => void load(Math.max(0, offset - ENROLLMENT_PAGE)) }, '← Previous');
  const next = h('button', { type: 'button', onclick: () => void load(offset + ENROLLMENT_PAGE) }, 'Next →');
  const filter = h('select', { id: 'enrollment-status', 'aria-label': 'Show enrollments' }, h('option', { value: 'all' }, 'Everyone'), ...ENROLLMENT_STATUSES.map((s) => h('option', { value: s }, STATUS_LABEL[s])));
  filter.addEventListener('change', () => {
    status = (ENROLLMENT_STATUSES as readonly string[]).includes(filter.value) ? (filter.value as EnrollmentStatus) : 'all';
    void load(0);
  });

  const row = (e: Enrollment): HTMLElement => {
    const remove =
      e.status === 'active' || e.status === 'paused'
        ? h('button', {
            type: 'button',
            class: 'link danger',
            'aria-label': `Remove ${e.driverName ?? e.driver_id} from the sequence`,
            onclick: async () => {
              if (!window.confirm(`Take ${e.driverName ?? 'this driver'} out of the sequence?`)) return;
              const answer = await ctx.api.call('removeFromSequence', e._id, 'removed by a recruiter');
              toast(answer.success ? 'Removed from the sequence.' : answer.error, answer.success ? 'ok' : 'error');
              void load(offset);
            },
          }, 'Remove')
        : null;
    return h(
      'tr',
      { 'data-enrollment-id': e._id, 'data-status': e.status },
      h('th', { scope: 'row' }, e.driverName ?? e.driver_id),
      h('td', {}, h('span', { class: `badge enrollment-${e.status}` }, STATUS_LABEL[e.status]), e.exit_reason ? h('span', { class: 'muted small', 'data-exit-reason': e.exit_reason }, ` ${e.exit_reason}`) : null),
      h('td', { class: 'num' }, String(e.current_step)),
      h('td', {}, e.status === 'active' ? formatDateTime(e.next_step_at) : '–'),
      h('td', {}, h('ol', { class: 'history' }, ...(e.step_history ?? []).map((x) => h('li', { 'data-outcome': x.outcome, 'data-step-type': x.step_type }, historyLabel(x))))),
      h('td', {}, remove),
    );
  };

  async function load(to: number): Promise<void> {
    window.clearTimeout(timer);
    offset = to;
    const answer = await ctx.api.call('getSequenceEnrollments', ctx.sequenceId, { limit: ENROLLMENT_PAGE, offset, ...(status === 'all' ? {} : { status }) });
    if (stopped) return;
    if (!answer.success) fill(body, h('tr', {}, h('td', { colspan: 6, class: 'error' }, answer.error)));
    else {
      fill(body, ...(answer.enrollments.length > 0 ? answer.enrollments.map(row) : [h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'Nobody enrolled yet.'))]));
      const shown = answer.enrollments.length;
      pageLabel.textContent = shown === 0 ? '' : `${offset + 1}–${offset + shown}${answer.total !== undefined ? ` of ${answer.total}` : ''}`;
      prev.disabled = offset === 0;
      next.disabled = answer.total !== undefined ? offset + shown >= answer.total : shown < ENROLLMENT_PAGE;
    }
    if (!stopped) timer = window.setTimeout(() => void load(offset), 5000);
  }

  fill(
    container,
    h('div', { class: 'section-head' }, h('h3', {}, 'Enrolled drivers'), h('label', { class: 'inline' }, 'Show ', filter)),
    h('table', { class: 'table', id: 'enrollment-table' }, h('thead', {}, h('tr', {}, ...['Driver', 'Status', 'Step', 'Next step', 'History', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))), body),
    h('div', { class: 'pager' }, prev, pageLabel, next),
  );
  void load(0);
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}
