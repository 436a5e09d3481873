/**
 * One campaign: live progress while it sends (analytics polled every 3 s while active), then the
 * analytics: delivery funnel, cost breakdown, A/B results with significance, replies and opt-outs.
 */
import type { Analytics, Api, Campaign } from './api';
import { experimentOf as sharedExperimentOf, experimentTable, type Experiment } from '../shared/experiment';
import { barChart, destroyCharts, doughnutChart } from '../shared/charts';
import { fill, h, toast } from '../shared/dom';
import { formatInt, formatPct, formatUsd } from '../shared/format';
import { statusBadge } from './list';
import { renderReplyItems } from './inbox';

export interface DetailContext {
  readonly api: Api;
  readonly carrierDot: string;
  readonly openList: () => void;
  readonly openBuilder: (existing?: Campaign, copy?: boolean) => void;
}

export const POLL_MS = 3000;

export function experimentOf(analytics: Analytics): Experiment | null {
  return sharedExperimentOf(analytics.variants);
}

/** Messages the campaign has finished with (sent, failed or blocked) out of its audience. */
export function progressOf(a: Analytics, audience: number): { done: number; total: number; pct: number } {
  const done = a.sent + a.failed + (a.blocked ?? 0);
  const total = Math.max(a.audience ?? audience, done);
  return { done, total, pct: total > 0 ? Math.min(100, (done / total) * 100) : 0 };
}

function stat(label: string, value: string, key: string, sub?: string): HTMLElement {
  return h('div', { class: 'card' }, h('span', { class: 'label' }, label), h('span', { class: 'value', 'data-stat': key }, value), sub ? h('span', { class: 'muted small' }, sub) : null);
}

export function renderDetail(container: HTMLElement, ctx: DetailContext, campaignId: string): () => void {
  let stopped = false;
  let timer: number | undefined;
  let campaign: Campaign | null = null;
  const head = h('div', { class: 'detail-head' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const progress = h('section', { id: 'progress', 'aria-live': 'polite' });
  const cards = h('div', { class: 'cards', id: 'detail-stats' });
  const funnelCanvas = h('canvas', { id: 'funnel-chart' });
  const costCanvas = h('canvas', { id: 'cost-chart' });
  const costTable = h('dl', { class: 'cost-table' });
  const abSection = h('section', { id: 'ab-results', hidden: true });
  const abCanvas = h('canvas', { id: 'ab-chart' });
  const feed = h('div', { id: 'reply-feed', class: 'feed' });

  const headActions = (c: Campaign): HTMLElement[] => {
    const run = (label: string, action: 'pauseSMSCampaign' | 'resumeSMSCampaign') => async () => {
      const answer = await ctx.api.call(action, c._id);
      if (answer.success) toast(label);
      else toast(answer.error, 'error');
      await load();
    };
    const out: HTMLElement[] = [];
    if (c.status === 'active') out.push(h('button', { type: 'button', id: 'pause-button', onclick: () => void run('Paused: nothing more is sent until you resume.', 'pauseSMSCampaign')() }, 'Pause'));
    if (c.status === 'paused') out.push(h('button', { type: 'button', id: 'resume-button', class: 'primary', onclick: () => void run('Resumed.', 'resumeSMSCampaign')() }, 'Resume'));
    if (c.status === 'draft') out.push(h('button', { type: 'button', onclick: () => ctx.openBuilder(c) }, 'Edit'));
    out.push(h('button', { type: 'button', onclick: () => ctx.openBuilder(c, true) }, 'Duplicate'));
    return out;
  };

  const render = (c: Campaign, a: Analytics): void => {
    fill(
      head,
      h('button', { type: 'button', class: 'link', onclick: ctx.openList }, '← All campaigns'),
      h('div', { class: 'title-row' }, h('h2', { id: 'campaign-title' }, c.campaign_name), statusBadge(c.status), h('span', { class: 'spacer' }), ...headActions(c)),
    );
    const p = progressOf(a, c.audience_count ?? 0);
    const pending = a.pending ?? a.queued ?? 0;
    fill(
      progress,
      h('div', { class: 'progress-label' }, h('span', {}, c.status === 'active' ? 'Sending…' : 'Progress'), h('span', { id: 'progress-text' }, `${formatInt(p.done)} of ${formatInt(p.total)} processed${pending > 0 ? ` · ${formatInt(pending)} waiting` : ''}${(a.held ?? 0) > 0 ? ` · ${formatInt(a.held ?? 0)} held for quiet hours` : ''}`)),
      h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(p.pct), 'aria-label': 'Campaign progress' }, h('span', { style: `width:${p.pct.toFixed(1)}%` })),
    );
    fill(
      cards,
      stat('Sent', formatInt(a.sent), 'sent'),
      stat('Delivered', formatInt(a.delivered), 'delivered', `${formatPct(a.delivered, a.sent)} of sent`),
      stat('Failed', formatInt(a.failed), 'failed'),
      stat('Replies', formatInt(a.replies), 'replies', `${formatPct(a.replies, a.delivered)} reply rate`),
      stat('Opt-outs', formatInt(a.optOuts), 'opt-outs', `${formatPct(a.optOuts, a.delivered)} of delivered`),
      stat('Cost', formatUsd(a.cost), 'cost', `est. ${formatUsd(a.costEstimate ?? c.cost_estimate ?? 0)}`),
    );
    barChart(funnelCanvas, 'Delivery funnel', {
      labels: ['Audience', 'Sent', 'Delivered', 'Replied', 'Opted out'],
      values: [p.total, a.sent, a.delivered, a.replies, a.optOuts],
      colors: ['#9aa5b1', '#2f6fed', '#1f9d55', '#f59f00', '#d64545'],
      format: formatInt,
    });
    const estimate = a.costEstimate ?? c.cost_estimate ?? 0;
    const remaining = c.status === 'completed' ? 0 : Math.max(0, estimate - a.cost);
    const failedShare = a.sent > 0 ? (a.cost * a.failed) / (a.sent + a.failed || 1) : 0;
    doughnutChart(costCanvas, 'Cost breakdown', {
      labels: ['Delivered', 'Undelivered / failed', 'Still to send (est.)'],
      values: [Math.max(0, a.cost - failedShare), failedShare, remaining],
      colors: ['#1f9d55', '#d64545', '#cbd2d9'],
      format: (v) => formatUsd(v),
    });
    fill(
      costTable,
      h('div', {}, h('dt', {}, 'Spent'), h('dd', {}, formatUsd(a.cost))),
      h('div', {}, h('dt', {}, 'Per message'), h('dd', {}, a.sent > 0 ? formatUsd(a.cost / a.sent, true) : '–')),
      h('div', {}, h('dt', {}, 'Per delivered'), h('dd', {}, a.delivered > 0 ? formatUsd(a.cost / a.delivered, true) : '–')),
      h('div', {}, h('dt', {}, 'Per reply'), h('dd', {}, a.replies > 0 ? formatUsd(a.cost / a.replies) : '–')),
    );
    const experiment = experimentOf(a);
    abSection.hidden = experiment === null;
    if (experiment) {
      fill(
        abSection,
        h('h3', {}, 'A/B results'),
        h('p', { id: 'ab-decision', class: experiment.significant ? 'ok-note' : 'muted' }, experiment.decision ?? (experiment.significant ? 'A winner is significant.' : 'No significant winner yet.')),
        experimentTable(experiment, { total: 'Sent', successes: 'Replies', rate: 'Reply rate' }),
        h('div', { class: 'chart small' }, abCanvas),
      );
      barChart(abCanvas, 'Reply rate by variant', { labels: experiment.variants.map((v) => v.name ?? `Variant ${v.id}`), values: experiment.variants.map((v) => v.rate * 100), format: (v) => `${v.toFixed(1)}%` });
    }
  };

  async function loadReplies(): Promise<void> {
    const answer = await ctx.api.call('getSMSReplies', ctx.carrierDot, { campaignId, limit: 20 });
    if (stopped) return;
    if (!answer.success) return void fill(feed, h('p', { class: 'error' }, answer.error));
    fill(feed, ...(answer.replies.length > 0 ? renderReplyItems(answer.replies, { api: ctx.api, compact: true, onChanged: () => void loadReplies() }) : [h('p', { class: 'empty' }, 'No replies yet.')]));
  }

  async function load(): Promise<void> {
    const [list, analytics] = await Promise.all([ctx.api.call('getSMSCampaigns', ctx.carrierDot, {}), ctx.api.call('getSMSCampaignAnalytics', campaignId)]);
    if (stopped) return;
    const failure = !list.success ? list.error : !analytics.success ? analytics.error : null;
    if (failure !== null || !list.success || !analytics.success) {
      error.textContent = failure ?? 'Could not load the campaign.';
      error.hidden = false;
      return;
    }
    error.hidden = true;
    campaign = list.campaigns.find((c) => c._id === campaignId) ?? campaign;
    if (!campaign) {
      error.textContent = 'This campaign no longer exists.';
      error.hidden = false;
      return;
    }
    render(campaign, analytics.analytics);
    await loadReplies();
    window.clearTimeout(timer);
    const live = campaign.status === 'active' || analytics.analytics.status === 'active';
    container.dataset['live'] = String(live);
    if (!stopped) timer = window.setTimeout(() => void load(), live ? POLL_MS : POLL_MS * 4);
  }

  fill(
    container,
    head,
    error,
    progress,
    cards,
    h(
      'div',
      { class: 'chart-grid' },
      h('section', {}, h('h3', {}, 'Delivery funnel'), h('div', { class: 'chart' }, funnelCanvas)),
      h('section', {}, h('h3', {}, 'Cost breakdown'), h('div', { class: 'chart' }, costCanvas), costTable),
    ),
    abSection,
    h('section', {}, h('h3', {}, 'Replies and opt-outs'), feed),
  );
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    destroyCharts(container);
  };
}
