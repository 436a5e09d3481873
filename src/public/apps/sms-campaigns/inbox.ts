/** The reply inbox: drivers' replies, quick reply, handled / needs follow-up, opt-outs flagged. */
import type { ReplyState } from '../../../backend/collections/vocabulary';
import type { Api, Reply } from './api';
import { fill, h, toast } from '../shared/dom';
import { formatAgo, formatPhone, maskPhone } from '../shared/format';

const STATE_LABEL: Readonly<Record<ReplyState, string>> = { new: 'New', handled: 'Handled', needs_follow_up: 'Needs follow-up' };

export interface ReplyItemsOptions {
  readonly api: Api;
  /** The campaign page's feed: no quick-reply box, no campaign name. */
  readonly compact?: boolean;
  readonly onChanged: () => void;
  /** Quick-reply texts being typed, kept across refreshes. */
  readonly drafts?: Map<string, string>;
}

export function renderReplyItems(replies: readonly Reply[], options: ReplyItemsOptions): HTMLElement[] {
  return replies.map((r) => {
    const state: ReplyState = r.state ?? 'new';
    const phone = h('span', { class: 'phone', 'data-phone': 'masked' }, maskPhone(r.phone));
    const reveal = h('button', {
      type: 'button',
      class: 'link small',
      'aria-label': `Show the number of ${r.driverName ?? 'this driver'}`,
      onclick: () => {
        phone.textContent = formatPhone(r.phone);
        phone.dataset['phone'] = 'shown';
        reveal.remove();
      },
    }, 'Show number');
    const setState = (next: ReplyState) => async () => {
      const answer = await options.api.call('setReplyState', r.messageId, next);
      if (answer.success) toast(`Marked ${STATE_LABEL[next].toLowerCase()}.`);
      else toast(answer.error, 'error');
      options.onChanged();
    };
    const item = h(
      'article',
      { class: `reply reply-${state}${r.optedOut ? ' opted-out' : ''}`, 'data-message-id': r.messageId },
      h(
        'div',
        { class: 'reply-head' },
        h('strong', { class: 'driver' }, r.driverName ?? 'Unknown driver'),
        phone,
        /^\+\d{8,15}$/.test(r.phone) ? reveal : null,
        r.optedOut ? h('span', { class: 'badge stop' }, 'Opted out') : null,
        h('span', { class: `badge state-${state}` }, STATE_LABEL[state]),
        h('span', { class: 'spacer' }),
        h('time', { datetime: r.receivedAt ?? '', class: 'muted small' }, formatAgo(r.receivedAt)),
      ),
      !options.compact && r.campaignName ? h('p', { class: 'muted small' }, `Re: ${r.campaignName}`) : null,
      h('p', { class: 'reply-body' }, r.body),
    );
    if (options.compact) return item;
    const actions = h(
      'div',
      { class: 'reply-actions' },
      state !== 'handled' ? h('button', { type: 'button', onclick: () => void setState('handled')() }, 'Mark handled') : null,
      state !== 'needs_follow_up' ? h('button', { type: 'button', onclick: () => void setState('needs_follow_up')() }, 'Needs follow-up') : null,
    );
    if (!r.optedOut) {
      const box = h('textarea', { rows: 2, maxlength: 480, 'aria-label': `Reply to ${r.driverName ?? 'the driver'}`, placeholder: 'Quick reply…' });
      box.value = options.drafts?.get(r.messageId) ?? '';
      box.addEventListener('input', () => options.drafts?.set(r.messageId, box.value));
      const send = h('button', {
        type: 'button',
        class: 'primary',
        onclick: async () => {
          const body = box.value.trim();
          if (body === '') return box.focus();
          send.setAttribute('disabled', '');
          const answer = await options.api.call('replyToDriver', r.messageId, body);
          send.removeAttribute('disabled');
          if (!answer.success) return toast(answer.error, 'error');
          options.drafts?.delete(r.messageId);
          box.value = '';
          toast('Reply sent.');
          options.onChanged();
        },
      }, 'Send');
      item.append(h('div', { class: 'quick-reply' }, box, send));
    }
    item.append(actions);
    return item;
  });
}

type InboxFilter = ReplyState | 'all';

export function renderInbox(container: HTMLElement, ctx: { api: Api; carrierDot: string }): () => void {
  let filter: InboxFilter = 'new';
  let stopped = false;
  let timer: number | undefined;
  let signature = '';
  const drafts = new Map<string, string>();
  const list = h('div', { id: 'reply-list', class: 'feed', 'aria-live': 'polite' });
  const select = h(
    'select',
    { id: 'reply-filter', 'aria-label': 'Show replies' },
    h('option', { value: 'new' }, 'New'),
    h('option', { value: 'needs_follow_up' }, 'Needs follow-up'),
    h('option', { value: 'handled' }, 'Handled'),
    h('option', { value: 'all' }, 'All replies'),
  );
  select.addEventListener('change', () => {
    filter = select.value as InboxFilter;
    signature = '';
    void load();
  });

  async function load(): Promise<void> {
    window.clearTimeout(timer);
    const answer = await ctx.api.call('getSMSReplies', ctx.carrierDot, filter === 'all' ? { limit: 100 } : { state: filter, limit: 100 });
    if (stopped) return;
    if (!answer.success) fill(list, h('p', { class: 'error', role: 'alert' }, answer.error));
    else {
      const next = JSON.stringify(answer.replies);
      const typing = list.contains(document.activeElement) && document.activeElement instanceof HTMLTextAreaElement;
      if (next !== signature && !typing) {
        signature = next;
        fill(list, ...(answer.replies.length > 0 ? renderReplyItems(answer.replies, { api: ctx.api, drafts, onChanged: () => { signature = ''; void load(); } }) : [h('p', { class: 'empty' }, 'Nothing here. Replies appear as drivers answer.')]));
      }
    }
    if (!stopped) timer = window.setTimeout(() => void load(), 5000);
  }

  fill(container, h('div', { class: 'section-head' }, h('h2', {}, 'Reply inbox'), h('label', { class: 'inline' }, 'Show ', select)), list);
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}
