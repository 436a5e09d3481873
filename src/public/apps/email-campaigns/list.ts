/** Email campaign list: Active / Scheduled / Completed / Drafts tabs, per-campaign stats and actions. */
import type { CampaignStatus } from '../../../backend/collections/vocabulary';
import type { Api } from './api';
import type { CampaignRow } from './campaignSchemas';
import { fill, h, toast } from '../shared/dom';
import { formatDateTime, formatInt, formatPct } from '../shared/format';
import { CAMPAIGN_TABS, tabOf, type CampaignTab } from './model';

export interface ListContext {
  readonly api: Api;
  readonly carrierDot: string;
  readonly openCampaign: (campaignId: string) => void;
  readonly openBuilder: (existing?: CampaignRow, copy?: boolean) => void;
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

/** The figures a card shows: sent, and opens / clicks as shares of sent. */
export function cardStats(c: CampaignRow): { sent: number; opened: string; clicked: string } {
  const s = c.listStats;
  return { sent: s.sent, opened: formatPct(s.opened, s.sent), clicked: formatPct(s.clicked, s.sent) };
}

function when(c: CampaignRow): string {
  switch (c.status) {
    case 'draft':
      return `Created ${formatDateTime(c._createdDate)}`;
    case 'scheduled':
      return `Sends ${formatDateTime(c.scheduled_time ?? c.next_run_at)}`;
    case 'active':
    case 'paused':
      return `Started ${formatDateTime(c.started_at)}`;
    case 'completed':
      return `Completed ${formatDateTime(c.completed_at)}`;
  }
}

export function renderCampaignList(container: HTMLElement, ctx: ListContext, initial: CampaignTab = 'active'): () => void {
  let tab = initial;
  let campaigns: CampaignRow[] = [];
  let timer: number | undefined;
  let stopped = false;
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Email campaigns by state' });
  const panel = h('div', { id: 'campaign-panel', role: 'tabpanel' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });

  const act = async (label: string, run: () => Promise<{ success: boolean; error?: string }>): Promise<void> => {
    const answer = await run();
    if (answer.success) toast(label);
    else toast(answer.error ?? 'That did not work.', 'error');
    await load();
  };

  const card = (c: CampaignRow): HTMLElement => {
    const s = cardStats(c);
    const actions: HTMLElement[] = [h('button', { type: 'button', onclick: () => ctx.openCampaign(c._id) }, c.status === 'draft' ? 'Preview' : 'Open')];
    if (c.status === 'active' || c.status === 'scheduled') actions.push(h('button', { type: 'button', onclick: () => void act('Paused.', () => ctx.api.call('pauseEmailCampaign', c._id)) }, 'Pause'));
    if (c.status === 'paused') actions.push(h('button', { type: 'button', onclick: () => void act('Resumed.', () => ctx.api.call('resumeEmailCampaign', c._id)) }, 'Resume'));
    if (c.status === 'draft') actions.push(h('button', { type: 'button', onclick: () => ctx.openBuilder(c) }, 'Edit'));
    actions.push(h('button', { type: 'button', onclick: () => ctx.openBuilder(c, true) }, 'Duplicate'));
    actions.push(
      h('button', {
        type: 'button',
        class: 'danger',
        onclick: () => {
          const what = c.status === 'draft' ? 'Delete' : 'Archive (stops sending, keeps analytics)';
          if (window.confirm(`${what}: "${c.campaign_name}"?`)) void act(c.status === 'draft' ? 'Deleted.' : 'Archived.', () => ctx.api.call('deleteEmailCampaign', c._id));
        },
      }, c.status === 'draft' ? 'Delete' : 'Archive'),
    );
    return h(
      'article',
      { class: 'campaign-card', 'data-campaign-id': c._id },
      h('div', { class: 'card-head' }, h('span', { class: 'channel' }, 'EMAIL'), h('h3', {}, c.campaign_name), statusBadge(c.status)),
      c.subject_line ? h('p', { class: 'muted small subject-line' }, `Subject: ${c.subject_line}`) : null,
      h(
        'dl',
        { class: 'stats' },
        h('div', {}, h('dt', {}, 'Sent'), h('dd', { 'data-stat': 'sent' }, formatInt(s.sent))),
        h('div', {}, h('dt', {}, 'Opened'), h('dd', { 'data-stat': 'opened' }, s.opened)),
        h('div', {}, h('dt', {}, 'Clicked'), h('dd', { 'data-stat': 'clicked' }, s.clicked)),
        h('div', {}, h('dt', {}, 'Audience'), h('dd', { 'data-stat': 'audience' }, formatInt(c.audience_count ?? 0))),
      ),
      h('div', { class: 'card-foot' }, h('span', { class: 'muted' }, when(c)), h('span', { class: 'card-actions' }, ...actions)),
    );
  };

  const render = (): void => {
    fill(
      tabs,
      ...CAMPAIGN_TABS.map((t) =>
        h(
          'button',
          { type: 'button', role: 'tab', id: `tab-${t.tab}`, 'aria-selected': String(t.tab === tab), 'aria-controls': 'campaign-panel', tabindex: t.tab === tab ? 0 : -1, onclick: () => { tab = t.tab; render(); } },
          t.label,
          h('span', { class: 'count' }, String(campaigns.filter((c) => tabOf(c.status) === t.tab).length)),
        ),
      ),
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
    const answer = await ctx.api.call('getEmailCampaigns', ctx.carrierDot, {});
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
    h('div', { class: 'section-head' }, h('h2', {}, 'Email campaigns'), h('button', { type: 'button', class: 'primary', id: 'new-campaign', onclick: () => ctx.openBuilder() }, '+ New email campaign')),
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
