/**
 * The SMS campaigns iframe app: connects to the page, learns the recruiter's carrier, then shows
 * one view at a time (campaign list, builder, one campaign, reply inbox). Views talk to the page
 * only through `createApi` (zod-checked answers); nothing here imports backend or Wix modules.
 */
import { SMS_CAMPAIGN_ACTIONS } from '../../messaging';
import { connectToPage } from '../shared/pageChannel';
import { createApi, type Api, type Campaign } from './api';
import { renderBuilder } from './builder';
import { renderDetail } from './detail';
import { byId } from '../shared/dom';
import { renderInbox } from './inbox';
import { renderList } from './list';
import type { CampaignTab } from './model';

type View = { kind: 'list'; tab?: CampaignTab } | { kind: 'builder'; existing?: Campaign; copy?: boolean } | { kind: 'campaign'; id: string } | { kind: 'inbox' };

function showError(message: string): void {
  const el = byId('error');
  el.textContent = message;
  el.hidden = false;
}

function start(api: Api, carrierDot: string): void {
  const view = byId('view');
  const nav = Array.from(document.querySelectorAll<HTMLButtonElement>('nav [data-view]'));
  let stop: (() => void) | null = null;

  const go = (next: View): void => {
    stop?.();
    stop = null;
    for (const button of nav) button.setAttribute('aria-current', String(button.dataset['view'] === (next.kind === 'campaign' || next.kind === 'builder' ? 'list' : next.kind)));
    view.dataset['view'] = next.kind;
    switch (next.kind) {
      case 'list':
        stop = renderList(view, { api, carrierDot, openCampaign: (id) => go({ kind: 'campaign', id }), openBuilder: (existing, copy) => go({ kind: 'builder', existing, copy }) }, next.tab);
        return;
      case 'builder':
        renderBuilder(view, { api, carrierDot, openCampaign: (id) => go({ kind: 'campaign', id }), openList: () => go({ kind: 'list' }) }, next.existing, next.copy === true);
        return;
      case 'campaign':
        stop = renderDetail(view, { api, carrierDot, openList: () => go({ kind: 'list' }), openBuilder: (existing, copy) => go({ kind: 'builder', existing, copy }) }, next.id);
        return;
      case 'inbox':
        stop = renderInbox(view, { api, carrierDot });
        return;
    }
  };
  for (const button of nav) {
    button.addEventListener('click', () => go(button.dataset['view'] === 'inbox' ? { kind: 'inbox' } : { kind: 'list' }));
  }
  byId('app-nav').hidden = false;
  go({ kind: 'list' });
}

async function main(): Promise<void> {
  const page = connectToPage('sms-campaigns');
  const welcome = await page.connected;
  const missing = SMS_CAMPAIGN_ACTIONS.filter((a) => !welcome.actions.includes(a));
  if (missing.length > 0) return showError(`This page does not offer ${missing.join(', ')}.`);
  const api = createApi(page);
  const context = await api.call('getRecruiterContext');
  if (!context.success) {
    byId('who').textContent = '';
    return showError(context.error);
  }
  byId('carrier-name').textContent = `${context.carrier.name} · SMS`;
  byId('who').textContent = context.recruiter ? `${context.recruiter.first_name} ${context.recruiter.last_name} · ${context.recruiter.role}` : 'Site admin';
  start(api, context.carrier.carrier_dot);
}

main().catch((error: unknown) => showError(error instanceof Error ? error.message : 'The SMS campaigns app could not load.'));
