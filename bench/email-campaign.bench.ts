/**
 * Email campaign bench: a 100K-recipient campaign through the real `@sendgrid/mail` SDK to the
 * SendGrid simulator (its own loopback process; Event Webhook off, no engagement), the data
 * emulator in its own process (as Wix Data is served outside the site's backend container).
 *
 * Setup: on-disk data emulator (temp dir) with the registry's collections and the site's data hooks,
 * the demo carrier and recruiters, 100K generated drivers (seed 42) made sendable (see `sendable`),
 * the site clock on a weekday afternoon running in real time. The store is seeded in a child process,
 * then reopened in strict mode (`WIX_STRICT=1` semantics: 3000 reads / 1500 writes per sliding
 * minute → WDE0014, 5 s per request → WDE0028) for the run. The campaign is created and sent
 * (scheduled one second ahead) by the web methods as the demo recruiter, then sent by
 * `runEmailScheduler` (one run, default 9-minute budget).
 * The campaign runs in a process with the heap Node gives Wix's standard backend container (600 MB
 * RAM → 312 MB heap, see lib/container.ts); the simulator and the data emulator keep the host's defaults.
 * Run: `npx tsx bench/email-campaign.bench.ts` (figures → bench/results/email-campaign.json).
 * Env: EMAIL_BENCH_DRIVERS (100000), EMAIL_BENCH_STRICT (1), EMAIL_BENCH_DATA (process | thread | inline).
 */
import './lib/wix-shims';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalDataEmulator } from '../local/data';
import { runInCall, uninstallRuntime, type LocalMember } from '../local/runtime';
import { DEFAULT_CREDENTIALS } from '../local/simulators/harness';
import { DEMO_CARRIER_DOT, demoMembers } from '../local/seed/demo-entities';
import { createSendGridEmailProvider } from '../src/backend/adapters/emailSendGrid';
import type { DriverProfile } from '../src/backend/collections/people';
import { runEmailScheduler, type EmailSchedulerReport } from '../src/backend/email/scheduler';
import { createEmailCampaign, sendEmailCampaign, updateEmailCampaign } from '../src/backend/emailCampaignService.web';
import { configureSendGrid } from '../src/backend/providers';
import { peakRssMb, sampleRss, writeResults } from './lib/results';
import { startSendGridSimulatorProcess, type SendGridSimulatorProcess } from './lib/sendgrid-sim-process';
import { dataPlacement, JOB, openLocalStore, openMeasuredStore, requestFigures, round, siteClock, type BenchStore, type DataPlacement } from './lib/store';
import { CONTAINER_CHILD_FLAG, containerFigures, hostExecArgv, insideBackendContainer, runInBackendContainer } from './lib/container';

const ANCHOR = Date.parse('2026-11-04T18:00:00Z');
const clock = siteClock(ANCHOR);
const HTML =
  '<html><body><p>Hi {{firstName}},</p><p>{{carrierName}} is hiring CDL-A drivers for regional lanes out of {{homeState|your area}}: home weekly, ' +
  'new equipment, paid orientation.</p><p><a href="https://www.lonestarfreight.example/apply">Apply in two minutes</a> or call {{carrierPhone}}.</p></body></html>';
const UNSUBSCRIBE_SECRET = 'bench-unsubscribe-secret';
const PUBLIC_BASE_URL = 'https://recruiting.lonestarfreight.example';

const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every generated driver made reachable by email: a valid address unique in the population, email consent granted, not suppressed. */
function sendable(page: readonly DriverProfile[], used: Set<string>, offset: number): DriverProfile[] {
  return page.map((d, i) => {
    const own = d.email && d.email_valid && !used.has(d.email) ? d.email : null;
    const email = own ?? `driver.${(offset + i).toString(36)}@example.org`;
    used.add(email);
    return {
      ...d,
      email,
      email_valid: true,
      email_consent: { granted: true, source: d.email_consent?.source ?? 'web_form', captured_at: d.email_consent?.captured_at ?? new Date(ANCHOR - 30 * 86_400_000), text_version: 'email-2025-01', revoked_at: null },
      email_suppressed_reason: null,
    };
  });
}

/** Runs in the seeding child only (the generator's modules load there, not in the measured process). */
async function seed(emulator: LocalDataEmulator, drivers: number): Promise<number> {
  const { generateDrivers } = await import('../local/seed/generate');
  const { seedDemoData } = await import('../local/seed/seed');
  await runInCall(JOB, () => seedDemoData({ items: emulator.items, drivers: 0, seed: 42 }));
  const used = new Set<string>();
  let count = 0;
  for (const page of generateDrivers({ count: drivers, seed: 42, carrierDot: DEMO_CARRIER_DOT, asOf: new Date(ANCHOR) })) {
    const result = await runInCall(JOB, () => emulator.items.bulkInsert('DriverProfiles', sendable(page, used, count)));
    count += result.inserted;
  }
  return count;
}

async function campaign(store: BenchStore, sim: SendGridSimulatorProcess, recruiter: LocalMember): Promise<{ figures: Record<string, unknown>; peakRssMb: number }> {
  const asRecruiter = <T>(fn: () => Promise<T>): Promise<T> => runInCall({ identity: { memberId: recruiter._id, roles: recruiter.roles }, elevated: false, kind: 'webMethod', deadline: null }, fn);
  await store.resetStats();
  const created = await asRecruiter(() => createEmailCampaign(DEMO_CARRIER_DOT, { name: 'bench 100K', subjectLine: 'Regional CDL-A lanes for {{firstName}}', preheader: 'Home weekly, {{firstName}}', htmlContent: HTML, audienceFilter: {} }));
  if (!created.success) throw new Error(`createEmailCampaign: ${created.error}`);
  const scheduled = await asRecruiter(() => updateEmailCampaign(created.campaignId, { scheduleType: 'scheduled', scheduledTime: new Date(clock.now() + 1_000) }));
  if (!scheduled.success) throw new Error(`updateEmailCampaign: ${scheduled.error}`);
  const sent = await asRecruiter(() => sendEmailCampaign(created.campaignId));
  if (!sent.success) throw new Error(`sendEmailCampaign: ${sent.error}`);
  const setupRequests = await store.stats();
  await sleep(1_100);

  // As the site builds it (sendGridFromSecrets), pointed at the simulator.
  const provider = createSendGridEmailProvider(configureSendGrid({ apiKey: DEFAULT_CREDENTIALS.sendgrid.apiKey, apiBaseOverride: sim.baseUrl, timeoutMs: 20_000 }));
  let peak = process.memoryUsage.rss();
  const heap = { usedMb: 0, totalMb: 0 };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap.usedMb = Math.max(heap.usedMb, mb(m.heapUsed));
    heap.totalMb = Math.max(heap.totalMb, mb(m.heapTotal));
    sampleRss();
  }, 100);
  await store.resetStats();
  let report: EmailSchedulerReport | null = null;
  let error: string | null = null;
  const start = performance.now();
  const elu = performance.eventLoopUtilization();
  try {
    report = await runInCall(JOB, () => runEmailScheduler({ provider, publicBaseUrl: PUBLIC_BASE_URL, unsubscribeSecret: UNSUBSCRIBE_SECRET, holder: 'bench' }));
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  const sendMs = performance.now() - start;
  const threadActiveMs = performance.eventLoopUtilization(elu).active;
  const sendStats = await store.stats();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  const slice = report?.campaigns[0];
  const recipients = slice?.sent ?? 0;
  return {
    peakRssMb: mb(peak),
    figures: {
      campaignId: created.campaignId,
      audienceCount: created.audienceCount,
      createAndSendRequests: { reads: setupRequests.reads, writes: setupRequests.writes },
      outcome: report?.outcome ?? 'error',
      sliceOutcome: slice?.outcome ?? null,
      error,
      sent: recipients,
      failed: slice?.failed ?? 0,
      held: slice?.held ?? 0,
      blocked: slice?.blocked ?? 0,
      unconfirmed: slice?.unconfirmed ?? 0,
      waves: slice?.waves ?? 0,
      mailSendRequests: slice?.requests ?? 0,
      sendMs: Math.round(sendMs),
      recipientsPerSecond: Math.round(recipients / (sendMs / 1000)),
      threadUsPerRecipient: recipients === 0 ? 0 : round((threadActiveMs * 1000) / recipients),
      dataRequests: requestFigures(sendStats, recipients),
      peakHeap: heap,
      strictQuotaErrors: error !== null && /WDE0014/.test(error),
    },
  };
}

type RunOptions = { drivers?: number; strict?: boolean; data?: DataPlacement };

/** In a process with the heap of Wix's backend container (see lib/container.ts). */
export async function run(options: RunOptions = {}): Promise<Record<string, unknown>> {
  if (!insideBackendContainer()) return runInBackendContainer(__filename, 'email-campaign', options);
  const drivers = options.drivers ?? 100_000;
  const strict = options.strict ?? true;
  const members = demoMembers();
  const recruiter = members.find((m) => m._id === 'member-recruiter-1');
  if (!recruiter) throw new Error('no demo recruiter');
  const dir = mkdtempSync(join(tmpdir(), 'email-campaign-bench-'));
  let sim: SendGridSimulatorProcess | null = null;
  try {
    const seedStart = performance.now();
    const seedOut = execFileSync(process.execPath, [...hostExecArgv(), __filename, '--seed-child', dir, String(drivers)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const seeded = Number(seedOut.trim().split('\n').pop() ?? '0');
    const seedMs = Math.round(performance.now() - seedStart);
    const store = await openMeasuredStore({ dir, strict, members, placement: options.data ?? 'process', clock });
    sim = await startSendGridSimulatorProcess({ anchorMs: clock.anchorMs, wallStartMs: clock.wallStartMs });
    (globalThis as { gc?: () => void }).gc?.();
    const rssAfterSetupMb = mb(process.memoryUsage.rss());
    const result = await campaign(store, sim, recruiter);
    const simStats = await sim.stats();
    await store.close();
    const c = result.figures;
    const per1000 = (c['dataRequests'] as { per1000: { total: number } } | undefined)?.per1000.total ?? 0;
    const rate = typeof c['recipientsPerSecond'] === 'number' ? c['recipientsPerSecond'] : 0;
    const figures = {
      drivers: seeded,
      carrierDot: DEMO_CARRIER_DOT,
      siteClock: new Date(ANCHOR).toISOString(),
      seedMs,
      strict,
      backendContainer: containerFigures(),
      dataLayer: options.data ?? 'process',
      simulator: { process: 'separate (loopback)', webhook: 'off', engagement: 'none', messagesStored: simStats.messages, requestsAccepted: simStats.requests, rssMb: simStats.rssMb },
      campaign: c,
      rss: { afterSetupMb: rssAfterSetupMb, peakDuringCampaignMb: result.peakRssMb, processMaxRssMb: peakRssMb() },
      targets: {
        allRecipientsSent: { value: c['sent'], target: c['audienceCount'], met: c['sent'] === c['audienceCount'] },
        oneRequestPerWave: { value: simStats.requests, target: Math.ceil(drivers / 1000), met: simStats.requests === c['mailSendRequests'] && simStats.requests <= Math.ceil(drivers / 1000) },
        dataRequestsPer1000: { value: per1000, target: 10, met: per1000 <= 10 },
        peakRssMb: { value: result.peakRssMb, target: 300, met: result.peakRssMb <= 300 },
        recipientsPerSecond: { value: rate },
        strictQuotas: { strict, wde0014: c['strictQuotaErrors'] === true, error: c['error'] ?? null },
      },
    };
    const path = writeResults('email-campaign', figures);
    return { ...figures, path };
  } finally {
    await sim?.stop();
    uninstallRuntime();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module && process.argv[2] === '--seed-child') {
  const store = openLocalStore(process.argv[3] ?? '', false, [], clock);
  seed(store, Number(process.argv[4] ?? 0))
    .then((n) => {
      store.close();
      process.stdout.write(`${n}\n`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
} else if (require.main === module) {
  const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
  const passed = process.argv[2] === CONTAINER_CHILD_FLAG ? (JSON.parse(process.argv[3] ?? '{}') as RunOptions) : null;
  run(passed ?? { drivers: env('EMAIL_BENCH_DRIVERS', 100_000), strict: env('EMAIL_BENCH_STRICT', 1) !== 0, data: dataPlacement(process.env['EMAIL_BENCH_DATA']) })
    .then((f) => process.stdout.write(`${JSON.stringify(f, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
}
