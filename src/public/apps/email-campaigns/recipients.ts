/**
 * The per-recipient status table of one campaign, a page at a time: address (as the backend sends
 * it), status, subject variant, sent / delivered / first open / first click, bounce reason.
 */
import { EMAIL_MESSAGE_STATUSES, type EmailMessageStatus } from '../../../backend/collections/vocabulary';
import type { Api } from './api';
import type { Recipient } from './campaignSchemas';
import { fill, h } from '../shared/dom';
import { formatDateTime, formatInt } from '../shared/format';

export const PAGE_SIZE = 25;

const STATUS_LABEL: Readonly<Record<EmailMessageStatus, string>> = {
  pending: 'Waiting',
  held: 'Held (window)',
  queued: 'Queued',
  sent: 'Sent',
  deferred: 'Deferred',
  delivered: 'Delivered',
  bounced: 'Bounced',
  dropped: 'Dropped',
  failed: 'Failed',
  canceled: 'Canceled',
  blocked: 'Blocked',
};

/** The engagement a row shows after delivery: clicked > opened > the delivery status. */
export function engagementOf(r: Recipient): string {
  if (r.unsubscribed) return 'Unsubscribed';
  if (r.clickedAt) return `Clicked${(r.clickCount ?? 0) > 1 ? ` ×${r.clickCount}` : ''}`;
  if (r.openedAt) return `Opened${(r.openCount ?? 0) > 1 ? ` ×${r.openCount}` : ''}`;
  return STATUS_LABEL[r.status];
}

/** "26–50 of 212" (or "26–50" when the total is unknown). */
export function pageLabel(offset: number, shown: number, total: number | undefined): string {
  if (shown === 0) return total === 0 || total === undefined ? 'No recipients' : `None from ${formatInt(offset + 1)}`;
  const range = `${formatInt(offset + 1)}–${formatInt(offset + shown)}`;
  return total === undefined ? range : `${range} of ${formatInt(total)}`;
}

export interface RecipientsContext {
  readonly api: Api;
  readonly campaignId: string;
  /** Enrolls the checked drivers in a sequence (the recruiter picks which). */
  readonly enrollSelected: (driverIds: readonly string[]) => void;
}

export function renderRecipients(container: HTMLElement, ctx: RecipientsContext): () => void {
  let offset = 0;
  const selected = new Set<string>();
  let status: EmailMessageStatus | 'all' = 'all';
  let stopped = false;
  const body = h('tbody', {});
  const label = h('span', { id: 'recipients-page', class: 'muted' });
  const enroll = h('button', { type: 'button', id: 'enroll-selected', disabled: true, onclick: () => ctx.enrollSelected([...selected]) }, 'Enroll selected in a sequence…');
  const refreshSelection = (): void => {
    enroll.disabled = selected.size === 0;
    enroll.textContent = selected.size === 0 ? 'Enroll selected in a sequence…' : `Enroll ${selected.size} selected in a sequence…`;
  };
  const prev = h('button', { type: 'button', id: 'recipients-prev', onclick: () => go(Math.max(0, offset - PAGE_SIZE)) }, '← Previous');
  const next = h('button', { type: 'button', id: 'recipients-next', onclick: () => go(offset + PAGE_SIZE) }, 'Next →');
  const filter = h(
    'select',
    { id: 'recipients-status', 'aria-label': 'Show recipients with status' },
    h('option', { value: 'all' }, 'All statuses'),
    ...EMAIL_MESSAGE_STATUSES.map((s) => h('option', { value: s }, STATUS_LABEL[s])),
  );
  filter.addEventListener('change', () => {
    status = (EMAIL_MESSAGE_STATUSES as readonly string[]).includes(filter.value) ? (filter.value as EmailMessageStatus) : 'all';
    go(0);
  });

  if (!ctx.api.offers('getEmailCampaignRecipients')) {
    fill(container, h('h3', {}, 'Recipients'), h('p', { class: 'muted', id: 'recipients-unavailable' }, 'Per-recipient status is not available from this site yet.'));
    return () => undefined;
  }

  const pick = (r: Recipient): HTMLElement | null => {
    const id = r.driverId;
    if (!id) return null;
    const box = h('input', { type: 'checkbox', 'data-driver-id': id, checked: selected.has(id), 'aria-label': `Select ${r.driverName ?? r.email}` });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(id);
      else selected.delete(id);
      refreshSelection();
    });
    return box;
  };
  const row = (r: Recipient): HTMLElement =>
    h(
      'tr',
      { 'data-message-id': r.messageId },
      h('td', {}, pick(r)),
      h('th', { scope: 'row' }, r.driverName ?? '—', h('br'), h('span', { class: 'muted small' }, r.email)),
      h('td', {}, h('span', { class: `badge email-${r.status}` }, STATUS_LABEL[r.status])),
      h('td', {}, engagementOf(r)),
      h('td', {}, r.variantId ?? '–'),
      h('td', {}, formatDateTime(r.sentAt)),
      h('td', {}, formatDateTime(r.deliveredAt)),
      h('td', {}, formatDateTime(r.openedAt)),
      h('td', {}, formatDateTime(r.clickedAt)),
      h('td', { class: 'small' }, r.bounceReason ?? ''),
    );

  async function go(to: number): Promise<void> {
    offset = to;
    const answer = await ctx.api.call('getEmailCampaignRecipients', ctx.campaignId, { limit: PAGE_SIZE, offset, ...(status === 'all' ? {} : { status }) });
    if (stopped) return;
    if (!answer.success) {
      fill(body, h('tr', {}, h('td', { colspan: 10, class: 'error' }, answer.error)));
      return;
    }
    fill(body, ...(answer.recipients.length > 0 ? answer.recipients.map(row) : [h('tr', {}, h('td', { colspan: 10, class: 'empty' }, 'No recipients here yet.'))]));
    label.textContent = pageLabel(offset, answer.recipients.length, answer.total);
    prev.disabled = offset === 0;
    next.disabled = answer.total !== undefined ? offset + answer.recipients.length >= answer.total : answer.recipients.length < PAGE_SIZE;
  }

  fill(
    container,
    h('div', { class: 'section-head' }, h('h3', {}, 'Recipients'), h('label', { class: 'inline' }, 'Show ', filter)),
    h(
      'table',
      { class: 'table', id: 'recipients-table' },
      h('thead', {}, h('tr', {}, ...['Select', 'Driver', 'Status', 'Engagement', 'Subject', 'Sent', 'Delivered', 'Opened', 'Clicked', 'Bounce reason'].map((t) => h('th', { scope: 'col' }, t)))),
      body,
    ),
    h('div', { class: 'pager' }, enroll, h('span', { class: 'spacer' }), prev, label, next),
  );
  void go(0);
  return () => {
    stopped = true;
  };
}
