/**
 * Shared setup of the email campaign tests: the in-process runtime with the demo tenant, the SendGrid
 * simulator reached through the real `@sendgrid/mail` (configureSendGrid), an optional loopback server
 * for the site's http functions (so the simulator's one-click POSTs reach `post_email`), and the
 * Event Webhook's effect on the fields the sender reads, applied from the simulator's events.
 */
import http from 'node:http';
import { createSendGridEmailProvider } from '../../src/backend/adapters/emailSendGrid';
import { EmailCampaigns, EmailMessages, type EmailMessage } from '../../src/backend/collections/email';
import { EmailProviderError, type EmailProvider } from '../../src/backend/email/provider';
import * as httpFunctions from '../../src/backend/http-functions';
import { parseSendGridEventBatch, processSendGridWebhook } from '../../src/backend/email/events';
import { elevatedCollection } from '../../src/backend/platform';
import { configureSendGrid } from '../../src/backend/providers';
import { createEmailCampaign } from '../../src/backend/emailCampaignService.web';
import { handleHttpFunction } from '../../local/host/functions-router';
import { mulberry32 } from '../../local/prng';
import type { LocalMember } from '../../local/runtime';
import { demoMembers, DEMO_CARRIER_DOT } from '../../local/seed/demo-entities';
import { seedDemoData } from '../../local/seed/seed';
import { DEFAULT_CREDENTIALS } from '../../local/simulators/harness';
import { createSendGridSimulator, type SendGridSimulator } from '../../local/simulators/sendgrid';
import { installTestRuntime, type TestRuntime } from '../support/runtime';

export { DEMO_CARRIER_DOT };
/** Monday 2026-11-02 18:00Z. */
export const NOON = Date.parse('2026-11-02T18:00:00Z');
export const UNSUBSCRIBE_SECRET = 'test-unsubscribe-secret-0123456789abcdef';
export const HTML = '<html><body><p>Hi {{firstName}},</p><p>{{carrierName}} has regional CDL-A lanes, home weekly.</p><p><a href="https://jobs.lonestarfreight.example/apply">Apply</a></p></body></html>';

export interface EmailWorld {
  readonly rt: TestRuntime;
  readonly sim: SendGridSimulator;
  readonly provider: EmailProvider;
  readonly recruiter: LocalMember;
  readonly publicBaseUrl: string;
  close(): Promise<void>;
}

/** The site's http functions on a loopback port, as the local host serves them. */
async function startFunctionsServer(): Promise<{ url: string; close(): Promise<void> }> {
  let base = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    void handleHttpFunction(req, res, url, { httpFunctions: async () => httpFunctions, publicBaseUrl: () => base, strict: false, log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url: base, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function createEmailWorld(options: { drivers: number; seed?: number; extraMembers?: LocalMember[]; functionsServer?: boolean }): Promise<EmailWorld> {
  const members = [...demoMembers(), ...(options.extraMembers ?? [])];
  const clockRef = { now: (): number => NOON };
  const sim = createSendGridSimulator({
    clock: { now: () => clockRef.now() },
    seed: options.seed ?? 7,
    webhook: { enabled: false },
    webhooks: { delayMs: [0, 0], duplicateRate: 0, reorderJitterMs: 0 },
    autoDeliver: false,
  });
  await sim.start(0);
  const functions = options.functionsServer ? await startFunctionsServer() : null;
  const publicBaseUrl = functions?.url ?? 'https://recruiting.example.com';
  const { apiKey } = DEFAULT_CREDENTIALS.sendgrid;
  const rt = installTestRuntime({
    members,
    now: NOON,
    secrets: { SENDGRID_API_KEY: apiKey, SENDGRID_API_BASE_OVERRIDE: sim.baseUrl, PUBLIC_BASE_URL: publicBaseUrl, EMAIL_UNSUBSCRIBE_SECRET: UNSUBSCRIBE_SECRET },
  });
  clockRef.now = () => rt.clock.now();
  await rt.asJob(() => seedDemoData({ items: rt.emulator.items, drivers: options.drivers, seed: options.seed ?? 11 }));
  rt.emulator.resetStats();
  const provider = createSendGridEmailProvider(configureSendGrid({ apiKey, apiBaseOverride: sim.baseUrl, timeoutMs: 30_000 }));
  const recruiter = members.find((m) => m._id === 'member-recruiter-1');
  if (!recruiter) throw new Error('no demo recruiter');
  return {
    rt,
    sim,
    provider,
    recruiter,
    publicBaseUrl,
    close: async () => {
      await functions?.close();
      await sim.stop();
      rt.close();
    },
  };
}

/** A campaign created by the demo recruiter and made active now (the job's view of a sent campaign). */
export async function newActiveCampaign(world: EmailWorld, name: string, extra: Partial<Parameters<typeof createEmailCampaign>[1] & object> = {}): Promise<string> {
  const created = await world.rt.as(world.recruiter, () => createEmailCampaign(DEMO_CARRIER_DOT, { name, subjectLine: 'CDL-A lanes for {{firstName}}', htmlContent: HTML, audienceFilter: {}, ...extra }));
  if (!created.success) throw new Error(created.error);
  const at = new Date(world.rt.clock.now());
  await world.rt.asJob(() => elevatedCollection(EmailCampaigns).patch(created.campaignId, { status: 'active', started_at: at, next_run_at: at, run_number: 0, audience_done: false }));
  return created.campaignId;
}

export async function allEmails(world: EmailWorld, campaignId: string): Promise<EmailMessage[]> {
  return world.rt.asJob(async () => {
    const out: EmailMessage[] = [];
    for await (const page of elevatedCollection(EmailMessages).pages((q) => q.eq('campaign_id', campaignId))) out.push(...page);
    return out;
  });
}

/**
 * Applies the simulator's events not applied before through the site's own event processing
 * (src/backend/email/events: receipts, monotonic merge, suppressions), as the Event Webhook does
 * after verifying a batch. Returns the number of messages it updated.
 */
export function createEventApplier(world: EmailWorld): () => Promise<number> {
  const applied = new Set<string>();
  return async () => {
    const fresh = world.sim.events().filter((e) => !applied.has(e.sg_event_id));
    for (const e of fresh) applied.add(e.sg_event_id);
    const parsed = parseSendGridEventBatch(JSON.parse(JSON.stringify(fresh)));
    if (!parsed || parsed.events.length === 0) return 0;
    const report = await world.rt.asJob(() => processSendGridWebhook(parsed.events));
    return report.messagesUpdated;
  };
}

/** A process kill, as far as the run can tell: not a provider failure, so the run aborts. */
export class KilledError extends Error {
  constructor() {
    super('killed');
    this.name = 'KilledError';
  }
}

export const rngOf = mulberry32;

/** Wraps the port: `lostRate` of sends reach SendGrid (accepted) but the answer is lost (a 500 / timeout to us). */
export function lossyProvider(inner: EmailProvider, options: { lostRate: number; rng: () => number }): EmailProvider & { lost: number } {
  const state = { lost: 0 };
  return {
    get lost() {
      return state.lost;
    },
    async send(request) {
      const result = await inner.send(request);
      if (options.rng() < options.lostRate) {
        state.lost += 1;
        throw new EmailProviderError('unavailable', null, 'network: ECONNRESET');
      }
      return result;
    },
  };
}

/** Count of stored simulator messages per lower-cased address. */
export function simCounts(sim: SendGridSimulator): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of sim.messages()) out.set(m.to.email.toLowerCase(), (out.get(m.to.email.toLowerCase()) ?? 0) + 1);
  return out;
}
