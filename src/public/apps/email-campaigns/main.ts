/**
 * The email campaigns and sequences iframe app: connects to the page, learns the recruiter's
 * carrier, then shows one view at a time (campaign list, campaign builder, one campaign, sequence
 * list, sequence builder, one sequence). Views talk to the page only through `createApi`
 * (arguments and answers zod-checked); nothing here imports backend or Wix modules at run time
 * beyond browser-safe schemas and template code.
 */
import { EMAIL_CAMPAIGN_ACTIONS, EMAIL_OPTIONAL_ACTIONS, type EmailCampaignAction } from '../../messaging';
import { byId } from '../shared/dom';
import { connectToPage } from '../shared/pageChannel';
import { createApi, type Api } from './api';
import { renderBuilder } from './builder';
import type { CampaignRow } from './campaignSchemas';
import { renderCampaignDetail } from './detail';
import { chooseSequence, openEnrollDialog } from './enroll';
import { renderCampaignList } from './list';
import { renderSequenceBuilder } from './sequenceBuilder';
import { renderSequenceDetail } from './sequenceDetail';
import { renderSequences } from './sequences';
import type { Sequence } from './sequenceSchemas';

type View =
  | { kind: 'campaigns' }
  | { kind: 'builder'; existing?: CampaignRow; copy?: boolean }
  | { kind: 'campaign'; id: string }
  | { kind: 'sequences' }
  | { kind: 'sequence-builder'; existing?: Sequence }
  | { kind: 'sequence'; id: string };

/** The nav tab a view belongs to. */
export function sectionOf(view: View): 'campaigns' | 'sequences' {
  switch (view.kind) {
    case 'campaigns':
    case 'builder':
    case 'campaign':
      return 'campaigns';
    case 'sequences':
    case 'sequence-builder':
    case 'sequence':
      return 'sequences';
  }
}

function showError(message: string): void {
  const el = byId('error');
  el.textContent = message;
  el.hidden = false;
}

function start(api: Api, carrierDot: string): void {
  const view = byId('view');
  const nav = Array.from(document.querySelectorAll<HTMLButtonElement>('nav [data-view]'));
  let stop: (() => void) | null = null;
  let current: View = { kind: 'campaigns' };

  const enroll = (sequence: Sequence, driverIds?: readonly string[]): void => {
    void openEnrollDialog({ api, carrierDot, sequence, ...(driverIds ? { driverIds } : {}) }).then((done) => {
      if (done && current.kind === 'sequence' && current.id === sequence._id) go(current);
      else if (done) go({ kind: 'sequence', id: sequence._id });
    });
  };

  const enrollSelected = (driverIds: readonly string[]): void => {
    void chooseSequence({ api, carrierDot, count: driverIds.length }).then((sequence) => {
      if (sequence) enroll(sequence, driverIds);
    });
  };

  const go = (next: View): void => {
    stop?.();
    stop = null;
    current = next;
    const section = sectionOf(next);
    for (const button of nav) button.setAttribute('aria-current', String(button.dataset['view'] === section));
    view.dataset['view'] = next.kind;
    const toCampaigns = (): void => go({ kind: 'campaigns' });
    const toSequences = (): void => go({ kind: 'sequences' });
    const openSequence = (id: string): void => go({ kind: 'sequence', id });
    const openSequenceBuilder = (existing?: Sequence): void => go(existing ? { kind: 'sequence-builder', existing } : { kind: 'sequence-builder' });
    switch (next.kind) {
      case 'campaigns':
        stop = renderCampaignList(view, { api, carrierDot, openCampaign: (id) => go({ kind: 'campaign', id }), openBuilder: (existing, copy) => go({ kind: 'builder', ...(existing ? { existing } : {}), copy: copy === true }) });
        return;
      case 'builder':
        renderBuilder(view, { api, carrierDot, openCampaign: (id) => go({ kind: 'campaign', id }), openList: toCampaigns }, next.existing, next.copy === true);
        return;
      case 'campaign':
        stop = renderCampaignDetail(view, { api, carrierDot, openList: toCampaigns, openBuilder: (existing, copy) => go({ kind: 'builder', ...(existing ? { existing } : {}), copy: copy === true }), enrollSelected }, next.id);
        return;
      case 'sequences':
        stop = renderSequences(view, { api, carrierDot, openSequence, openSequenceBuilder, enroll: (s) => enroll(s) });
        return;
      case 'sequence-builder':
        renderSequenceBuilder(view, { api, carrierDot, openSequence, openSequences: toSequences }, next.existing);
        return;
      case 'sequence':
        stop = renderSequenceDetail(view, { api, carrierDot, openSequences: toSequences, openSequenceBuilder, enroll: (s) => enroll(s) }, next.id);
        return;
    }
  };
  for (const button of nav) button.addEventListener('click', () => go(button.dataset['view'] === 'sequences' ? { kind: 'sequences' } : { kind: 'campaigns' }));
  byId('app-nav').hidden = false;
  go({ kind: 'campaigns' });
}

async function main(): Promise<void> {
  const page = connectToPage('email-campaigns');
  const welcome = await page.connected;
  const optional: readonly EmailCampaignAction[] = EMAIL_OPTIONAL_ACTIONS;
  const missing = EMAIL_CAMPAIGN_ACTIONS.filter((a) => !optional.includes(a) && !welcome.actions.includes(a));
  if (missing.length > 0) return showError(`This page does not offer ${missing.join(', ')}.`);
  const api = createApi(page, welcome.actions);
  const context = await api.call('getRecruiterContext');
  if (!context.success) {
    byId('who').textContent = '';
    return showError(context.error);
  }
  byId('carrier-name').textContent = `${context.carrier.name} · Email`;
  byId('who').textContent = context.recruiter ? `${context.recruiter.first_name} ${context.recruiter.last_name} · ${context.recruiter.role}` : 'Site admin';
  start(api, context.carrier.carrier_dot);
}

main().catch((error: unknown) => showError(error instanceof Error ? error.message : 'The email campaigns app could not load.'));
