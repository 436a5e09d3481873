/** Campaign list: Active / Scheduled / Completed / Drafts tabs, per-campaign stats and actions. */
import type { CampaignStatus } from '../../../backend/collections/vocabulary';
import type { Api, Campaign } from './api';
import { fill, h, toast } from '../shared/dom';
import { formatDateTime, formatInt, formatPct, formatUsd } from '../shared/format';
import { CAMPAIGN_TABS, tabOf, type CampaignTab } from './model';

export interface ListContext {
  readonly api: Api;
  readonly carrierDot: string;
  readonly openCampaign: (campaignId: string) => void;
  readonly openBuilder: (existing?: Campaign, copy?: boolean) => void;
}

const STATUS_LABEL: Readonly<Record<CampaignStatus, string>> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  active: 'Sending',
  paused: 'Paused',
  completed: 'Completed',
};

export function statusBadge(status: CampaignStatus): HTMLElement {
  return h('span', { class: `status status-${status}` }, STATUS_LABEL[status]);
}

/** The figures a card shows, from the counters the sender keeps on the campaign. */
export function cardStats(c: Campaign): { sent: number; delivered: string; replies: number; optOuts: number; cost: string } {
  const s = c.stats ?? {};
  const sent = s.sent ?? 0;
  const spent = c.actual_cost ?? s.cost ?? 0;
  const cost = c.status === 'draft' || c.status === 'scheduled' ? `${formatUsd(c.cost_estimate ?? 0)} est.` : formatUsd(spent);
  return { sent, delivered: formatPct(s.delivered ?? 0, sent), replies: s.replies ?? 0, optOuts: s.opt_outs ?? 0, cost };
}

function when(c: Campaign): string {
  switch (c.status) {
    case 'draft':
      return `Created ${formatDateTime(c._createdDate)}`;
    case 'scheduled':
      return c.recurring_schedule ? `Recurring · next ${formatDateTime(c.next_run_at ?? c.scheduled_time)}` : `Sends ${formatDateTime(c.scheduled_time ?? c.next_run_at)}`;
    case 'active':
    case 'paused':
      return `Started ${formatDateTime(c.started_at)}`;
    case 'completed':
      return `Completed ${formatDateTime(c.completed_at)}`;
  }
}

export function renderList(container: HTMLElement, ctx: ListContext, initial: CampaignTab = 'active'): () => void {
  let tab = initial;
  let campaigns: Campaign[] = [];
  let timer: number | undefined;
  let stopped = false;
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Campaigns by state' });
  const panel = h('div', { id: 'campaign-panel', role: 'tabpanel' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });

  const act = async (label: string, run: () => Promise<{ success: boolean; error?: string }>): Promise<void> => {
    const answer = await run();
    if (answer.success) toast(label);
    else toast(answer.error ?? 'That did not work.', 'error');
    await load();
  };

  const card = (c: Campaign): HTMLElement => {
    const s = cardStats(c);
    const actions: HTMLElement[] = [h('button', { type: 'button', onclick: () => ctx.openCampaign(c._id) }, c.status === 'draft' ? 'Preview' : 'Open')];
    if (c.status === 'active') actions.push(h('button', { type: 'button', onclick: () => void act('Paused.', () => ctx.api.call('pauseSMSCampaign', c._id)) }, 'Pause'));
    if (c.status === 'paused') actions.push(h('button', { type: 'button', onclick: () => void act('Resumed.', () => ctx.api.call('resumeSMSCampaign', c._id)) }, 'Resume'));
    if (c.status === 'draft') actions.push(h('button', { type: 'button', onclick: () => ctx.openBuilder(c) }, 'Edit'));
    actions.push(h('button', { type: 'button', onclick: () => ctx.openBuilder(c, true) }, 'Duplicate'));
    if (c.status === 'draft' || c.status === 'scheduled') {
      actions.push(
        h('button', {
          type: 'button',
          class: 'danger',
          onclick: () => {
            if (window.confirm(`Delete "${c.campaign_name}"?`)) void act('Deleted.', () => ctx.api.call('deleteSMSCampaign', c._id));
          },
        }, 'Delete'),
      );
    }
    return h(
      'article',
      { class: 'campaign-card', 'data-campaign-id': c._id },
      h('div', { class: 'card-head' }, h('span', { class: 'channel' }, 'SMS'), h('h3', {}, c.campaign_name), statusBadge(c.status)),
      h(
        'dl',
        { class: 'stats' },
        h('div', {}, h('dt', {}, 'Sent'), h('dd', { 'data-stat': 'sent' }, formatInt(s.sent))),
        h('div', {}, h('dt', {}, 'Delivered'), h('dd', { 'data-stat': 'delivered' }, s.delivered)),
        h('div', {}, h('dt', {}, 'Replies'), h('dd', { 'data-stat': 'replies' }, formatInt(s.replies))),
        h('div', {}, h('dt', {}, 'Opt-outs'), h('dd', { 'data-stat': 'opt-outs' }, formatInt(s.optOuts))),
        h('div', {}, h('dt', {}, 'Cost'), h('dd', { 'data-stat': 'cost' }, s.cost)),
      ),
      h('div', { class: 'card-foot' }, h('span', { class: 'muted' }, `${when(c)} · ${formatInt(c.audience_count ?? 0)} drivers`), h('span', { class: 'card-actions' }, ...actions)),
    );
  };

  const render = (): void => {
    fill(
      tabs,
      ...CAMPAIGN_TABS.map((t) => {
        const n = campaigns.filter((c) => tabOf(c.status) === t.tab).length;
        return h(
          'button',
          { type: 'button', role: 'tab', id: `tab-${t.tab}`, 'aria-selected': String(t.tab === tab), 'aria-controls': 'campaign-panel', tabindex: t.tab === tab ? 0 : -1, onclick: () => { tab = t.tab; render(); } },
          t.label,
          h('span', { class: 'count' }, String(n)),
        );
      }),
    );
    panel.setAttribute('aria-labelledby', `tab-${tab}`);
    const shown = campaigns.filter((c) => tabOf(c.status) === tab);
    fill(panel, ...(shown.length > 0 ? shown.map(card) : [h('p', { class: 'empty' }, `No ${tab === 'drafts' ? 'drafts' : `${tab} campaigns`} yet.`)]));
  };

  tabs.addEventListener('keydown', (e) => {
    const i = CAMPAIGN_TABS.findIndex((t) => t.tab === tab);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    tab = CAMPAIGN_TABS[(i + step + CAMPAIGN_TABS.length) % CAMPAIGN_TABS.length]?.tab ?? tab;
    render();
    tabs.querySelector<HTMLElement>(`#tab-${tab}`)?.focus();
  });

  async function load(): Promise<void> {
    const answer = await ctx.api.call('getSMSCampaigns', ctx.carrierDot, {});
    if (stopped) return;
    if (!answer.success) {
      error.textContent = answer.error;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    campaigns = answer.campaigns;
    render();
    window.clearTimeout(timer);
    if (campaigns.some((c) => c.status === 'active')) timer = window.setTimeout(() => void load(), 5000);
  }

  fill(
    container,
    h('div', { class: 'section-head' }, h('h2', {}, 'SMS campaigns'), h('button', { type: 'button', class: 'primary', id: 'new-campaign', onclick: () => ctx.openBuilder() }, '+ New campaign')),
    error,
    tabs,
    panel,
  );
  render();
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}
