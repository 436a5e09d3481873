/**
 * One email campaign: progress while it sends (analytics polled every 3 s while active), the
 * delivery funnel (sent → delivered → opened → clicked, bounced, unsubscribed), the open/click
 * timeline, the subject A/B test and the per-recipient status table.
 */
import type { Api } from './api';
import type { CampaignRow, EmailAnalytics, TimelinePoint } from './campaignSchemas';
import { barChart, destroyCharts } from '../shared/charts';
import { fill, h, toast } from '../shared/dom';
import { experimentOf, experimentTable } from '../shared/experiment';
import { formatDateTime, formatInt, formatPct } from '../shared/format';
import { lineChart } from '../shared/lineChart';
import { statusBadge } from './list';
import { renderRecipients } from './recipients';

export interface DetailContext {
  readonly api: Api;
  readonly carrierDot: string;
  readonly openList: () => void;
  readonly openBuilder: (existing?: CampaignRow, copy?: boolean) => void;
  readonly enrollSelected: (driverIds: readonly string[]) => void;
}

export const POLL_MS = 3000;

/** The funnel's bars, in order, as the chart and its label show them. */
export function funnelOf(a: EmailAnalytics): { labels: string[]; values: number[] } {
  return {
    labels: ['Sent', 'Delivered', 'Opened', 'Clicked', 'Bounced', 'Unsubscribed'],
    values: [a.sent, a.delivered, a.opens, a.clicks, a.bounces, a.unsubscribes],
  };
}

/** Timeline buckets as chart labels ("Jan 21, 2:00 PM") and the two series. */
export function timelineSeries(points: readonly TimelinePoint[]): { labels: string[]; opens: number[]; clicks: number[] } {
  return { labels: points.map((p) => formatDateTime(p.at)), opens: points.map((p) => p.opens), clicks: points.map((p) => p.clicks) };
}

/** "800 of 1,200 handed to SendGrid · 400 waiting · 3 blocked (compliance)": where every email stands. */
export function progressLine(a: EmailAnalytics, audienceCount: number): string {
  const parts = [`${formatInt(a.sent)} of ${formatInt(a.audienceCount ?? audienceCount)} handed to SendGrid`];
  const add = (n: number | undefined, label: string): void => {
    if ((n ?? 0) > 0) parts.push(`${formatInt(n ?? 0)} ${label}`);
  };
  add((a.pending ?? 0) + (a.held ?? 0), 'waiting');
  add(a.unconfirmed, 'unconfirmed');
  add(a.blocked, 'blocked (compliance, consent or missing values)');
  add(a.failed, 'refused by SendGrid');
  add(a.canceled, 'canceled');
  return parts.join(' · ');
}

function stat(label: string, value: string, key: string, sub?: string): HTMLElement {
  return h('div', { class: 'card' }, h('span', { class: 'label' }, label), h('span', { class: 'value', 'data-stat': key }, value), sub ? h('span', { class: 'muted small' }, sub) : null);
}

export function renderCampaignDetail(container: HTMLElement, ctx: DetailContext, campaignId: string): () => void {
  let stopped = false;
  let timer: number | undefined;
  let campaign: CampaignRow | null = null;
  const head = h('div', { class: 'detail-head' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const progress = h('p', { id: 'progress-text', class: 'muted', 'aria-live': 'polite' });
  const cards = h('div', { class: 'cards', id: 'detail-stats' });
  const funnelCanvas = h('canvas', { id: 'funnel-chart' });
  const timelineCanvas = h('canvas', { id: 'timeline-chart' });
  const timelineNote = h('p', { class: 'muted small', id: 'timeline-note' });
  const abSection = h('section', { id: 'ab-results', class: 'detail-section', hidden: true });
  const recipients = h('section', { id: 'recipients', class: 'detail-section' });
  let stopRecipients: (() => void) | null = null;

  const headActions = (c: CampaignRow): HTMLElement[] => {
    const run = (label: string, action: 'pauseEmailCampaign' | 'resumeEmailCampaign') => async () => {
      const answer = await ctx.api.call(action, c._id);
      if (answer.success) toast(label);
      else toast(answer.error, 'error');
      await load();
    };
    const out: HTMLElement[] = [];
    if (c.status === 'active' || c.status === 'scheduled') out.push(h('button', { type: 'button', id: 'pause-button', onclick: () => void run('Paused: nothing more is sent until you resume.', 'pauseEmailCampaign')() }, 'Pause'));
    if (c.status === 'paused') out.push(h('button', { type: 'button', id: 'resume-button', class: 'primary', onclick: () => void run('Resumed.', 'resumeEmailCampaign')() }, 'Resume'));
    if (c.status === 'draft') out.push(h('button', { type: 'button', onclick: () => ctx.openBuilder(c) }, 'Edit'));
    out.push(h('button', { type: 'button', onclick: () => ctx.openBuilder(c, true) }, 'Duplicate'));
    return out;
  };

  const render = (c: CampaignRow, a: EmailAnalytics, timeline: readonly TimelinePoint[] | undefined): void => {
    fill(
      head,
      h('button', { type: 'button', class: 'link', onclick: ctx.openList }, '← All email campaigns'),
      h('div', { class: 'title-row' }, h('h2', { id: 'campaign-title' }, c.campaign_name), statusBadge(c.status), h('span', { class: 'spacer' }), ...headActions(c)),
      c.subject_line ? h('p', { class: 'muted' }, `Subject: ${c.subject_line}`) : null,
    );
    progress.textContent = progressLine(a, c.audience_count ?? 0);
    fill(
      cards,
      stat('Sent', formatInt(a.sent), 'sent'),
      stat('Delivered', formatInt(a.delivered), 'delivered', `${formatPct(a.delivered, a.sent)} of sent`),
      stat('Opened', formatInt(a.opens), 'opened', `${formatPct(a.opens, a.delivered)} open rate`),
      stat('Clicked', formatInt(a.clicks), 'clicked', `${formatPct(a.clicks, a.delivered)} click rate`),
      stat('Bounced', formatInt(a.bounces), 'bounced', `${formatPct(a.bounces, a.sent)} of sent`),
      stat('Unsubscribed', formatInt(a.unsubscribes), 'unsubscribed', `${formatPct(a.unsubscribes, a.delivered)} of delivered`),
    );
    const funnel = funnelOf(a);
    barChart(funnelCanvas, 'Delivery funnel', { labels: funnel.labels, values: funnel.values, colors: ['#2f6fed', '#1f9d55', '#0fb5ae', '#7b61ff', '#d64545', '#f59f00'], format: formatInt });
    if (timeline === undefined) {
      timelineNote.textContent = 'The open/click timeline is not available from this site yet.';
      timelineCanvas.hidden = true;
    } else {
      const series = timelineSeries(timeline);
      timelineCanvas.hidden = false;
      timelineNote.textContent = timeline.length === 0 ? 'No opens or clicks yet.' : `Machine (privacy-proxy) opens left out: ${formatInt(a.machineOpens ?? 0)}.`;
      lineChart(timelineCanvas, 'Opens and clicks over time', series.labels, [
        { name: 'Opens', values: series.opens, color: '#0fb5ae' },
        { name: 'Clicks', values: series.clicks, color: '#7b61ff' },
      ]);
    }
    const experiment = experimentOf(a.variants);
    abSection.hidden = experiment === null;
    if (experiment) {
      fill(
        abSection,
        h('h3', {}, 'Subject line A/B test'),
        h('p', { id: 'ab-decision', class: experiment.significant ? 'ok-note' : 'muted' }, experiment.decision ?? (experiment.significant ? 'A winner is significant.' : 'No significant winner yet.')),
        experimentTable(experiment, { total: 'Delivered', successes: 'Opens', rate: 'Open rate' }),
      );
    }
  };

  async function load(): Promise<void> {
    const [list, analytics] = await Promise.all([ctx.api.call('getEmailCampaigns', ctx.carrierDot, {}), ctx.api.call('getEmailCampaignAnalytics', campaignId)]);
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
    render(campaign, analytics.analytics, analytics.timeline);
    window.clearTimeout(timer);
    const live = campaign.status === 'active';
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
      h('section', {}, h('h3', {}, 'Opens and clicks over time'), h('div', { class: 'chart' }, timelineCanvas), timelineNote),
    ),
    abSection,
    recipients,
  );
  stopRecipients = renderRecipients(recipients, { api: ctx.api, campaignId, enrollSelected: ctx.enrollSelected });
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    stopRecipients?.();
    destroyCharts(container);
  };
}
