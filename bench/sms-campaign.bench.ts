/**
 * SMS campaign bench: a 100K-recipient campaign through the real `twilio` SDK to the Twilio simulator
 * (its own loopback process, high per-sender throughput, no webhooks), and in the same run (half
 * before the campaign, half after) a bare
 * `client.messages.create` loop against the same simulator with the same concurrency (in a child
 * process of its own, so its garbage does not count in the campaign process's RSS).
 *
 * Setup: on-disk data emulator (temp dir) with the registry's collections and the site's data hooks,
 * the demo carrier and recruiters, 100K generated drivers (seed 42) made sendable (see `sendable`),
 * the site clock on a weekday afternoon (Wed 2026-11-04 21:00Z: 16:00 Eastern … 11:00 Hawaii, so the
 * 9–20 recipient-time window holds nobody) and running in real time from there. The store is seeded,
 * closed and reopened in strict mode (`WIX_STRICT=1` semantics: 3000 reads / 1500 writes per sliding
 * minute → WDE0014, 5 s per request → WDE0028; the quota minute runs on the site clock) for the run.
 * The campaign is created and scheduled by the web methods as the demo recruiter, then sent by
 * `runSmsScheduler` (one run, default budget); delivery statuses are then reconciled in bulk
 * (`reconcilePendingStatuses`), counted separately.
 * The bare loop runs inside a job call of the local host (the call context the campaign runs in) in a
 * process of its own. The campaign runs in a process with the heap Node gives Wix's standard backend container (600 MB
 * RAM → 312 MB heap, see lib/container.ts), and so does the bare loop; the simulator and the data
 * emulator are services outside the container and keep the host's defaults.
 * Run: `npx tsx bench/sms-campaign.bench.ts` (figures → bench/results/sms-campaign.json).
 * Env: SMS_BENCH_DRIVERS (100000), SMS_BENCH_BARE (100000), SMS_BENCH_CONCURRENCY (20), SMS_BENCH_STRICT (1),
 * SMS_BENCH_DATA (process | thread | inline: where the data emulator runs during the measured run).
 */
import './lib/wix-shims';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import type { LocalDataEmulator } from '../local/data';
import { runInCall, uninstallRuntime, type LocalMember } from '../local/runtime';
import { DEFAULT_CREDENTIALS } from '../local/simulators/harness';
import { DEMO_CARRIER_DOT, demoMembers } from '../local/seed/demo-entities';
import { createTwilioSmsProvider } from '../src/backend/adapters/smsTwilio';
import type { DriverProfile } from '../src/backend/collections/people';
import { createTwilioClient, type TwilioClient } from '../src/backend/providers';
import { reconcilePendingStatuses } from '../src/backend/sms/reconcile';
import { runSmsScheduler, type SchedulerReport } from '../src/backend/sms/scheduler';
import { createSMSCampaign, scheduleSMSCampaign } from '../src/backend/smsCampaignService.web';
import { peakRssMb, sampleRss, writeResults } from './lib/results';
import { startSimulatorProcess, type SimulatorProcess } from './lib/twilio-sim-process';
import { cpuMicros, gcPauseMeter, threadCpuMicros } from './lib/sim-process';
import { bracketed, cpuFigures, gcFigures, threadRatio, type BareFigures } from './lib/send-figures';
import { dataPlacement, JOB, openLocalStore, openMeasuredStore, requestFigures, round, siteClock, type BenchStore, type DataPlacement } from './lib/store';
import { CONTAINER_CHILD_FLAG, containerFigures, hostExecArgv, insideBackendContainer, runInBackendContainer } from './lib/container';

const ANCHOR = Date.parse('2026-11-04T21:00:00Z');
/** The site clock: the anchor, running in real time (the simulator process uses the same). */
const clock = siteClock(ANCHOR);
const TEMPLATE = 'Hi {{firstName}}, regional CDL-A lanes open, home weekly. Reply YES to talk. Reply STOP to opt out.';
const BARE_BODY = 'Hi Sam, regional CDL-A lanes open, home weekly. Reply YES to talk. Reply STOP to opt out. - Demo Freight';
const { accountSid, authToken, fromNumber } = DEFAULT_CREDENTIALS.twilio;

const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every generated driver made reachable by SMS: a valid mobile number of its home state, unique in
 * the population (duplicates, invalid numbers and missing phones get `+1<state area code>555xxxx`),
 * SMS consent granted, no opt-out. Everything else (names, places, time zones, history) as generated.
 */
function sendable(page: readonly DriverProfile[], used: Set<string>, next: Map<string, number>, areaCodes: Readonly<Record<string, readonly string[]>>): DriverProfile[] {
  return page.map((d) => {
    let phone = d.phone && d.phone_valid && !used.has(d.phone) ? d.phone : null;
    const state = d.home_state ?? 'TX';
    const codes = areaCodes[state] ?? areaCodes['TX'] ?? ['214'];
    while (phone === null) {
      const n = next.get(state) ?? 0;
      next.set(state, n + 1);
      const candidate = `+1${codes[Math.floor(n / 10_000) % codes.length] ?? '214'}555${String(n % 10_000).padStart(4, '0')}`;
      if (!used.has(candidate) && isValidPhoneNumber(candidate)) phone = candidate;
      if (n > 10_000 * codes.length * 2) throw new Error(`out of numbers for ${state}`);
    }
    used.add(phone);
    const capturedAt = new Date(ANCHOR - 30 * 86_400_000);
    return {
      ...d,
      phone,
      phone_valid: true,
      phone_line_type: 'mobile',
      sms_consent: { granted: true, source: d.sms_consent?.source ?? 'web_form', captured_at: d.sms_consent?.captured_at ?? capturedAt, text_version: 'sms-2025-04', revoked_at: null },
      sms_opted_out_at: null,
    };
  });
}

/** Runs in the seeding child only (the generator's modules are loaded there, not in the measured process). */
async function seed(emulator: LocalDataEmulator, drivers: number): Promise<number> {
  const { AREA_CODES_BY_STATE, generateDrivers } = await import('../local/seed/generate');
  const { seedDemoData } = await import('../local/seed/seed');
  await runInCall(JOB, () => seedDemoData({ items: emulator.items, drivers: 0, seed: 42 }));
  const used = new Set<string>();
  const next = new Map<string, number>();
  let count = 0;
  for (const page of generateDrivers({ count: drivers, seed: 42, carrierDot: DEMO_CARRIER_DOT, asOf: new Date(ANCHOR) })) {
    const result = await runInCall(JOB, () => emulator.items.bulkInsert('DriverProfiles', sendable(page, used, next, AREA_CODES_BY_STATE)));
    count += result.inserted;
  }
  return count;
}

function twilioClient(baseUrl: string): TwilioClient {
  // As the site builds it (twilioFromSecrets), pointed at the simulator.
  return createTwilioClient({ accountSid, authToken, apiBaseOverride: baseUrl, requestClientOptions: { timeout: 10_000, keepAlive: true } });
}

/** The calling thread's CPU µs since `before` (`null` without /proc). */
function threadCpuSince(before: number | null): number | null {
  const now = threadCpuMicros();
  return before === null || now === null ? null : now - before;
}

/** `client.messages.create` in a loop, `concurrency` in flight, to valid Dallas numbers. */
async function bareLoop(client: TwilioClient, count: number, concurrency: number): Promise<BareFigures> {
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      try {
        await client.messages.create({ to: `+1214555${String(i % 10_000).padStart(4, '0')}`, from: fromNumber, body: BARE_BODY });
      } catch {
        failed += 1;
      }
    }
  };
  const start = performance.now();
  const cpu = cpuMicros();
  const threadCpu = threadCpuMicros();
  const elu = performance.eventLoopUtilization();
  const gc = gcPauseMeter();
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const ms = performance.now() - start;
  const active = performance.eventLoopUtilization(elu).active;
  const threadCpuUsed = threadCpuSince(threadCpu);
  const gcPauses = await gc.stop();
  return {
    messages: count,
    failed,
    concurrency,
    ms: Math.round(ms),
    messagesPerSecond: Math.round(count / (ms / 1000)),
    threadUsPerMessage: round((active * 1000) / count),
    cpuUsPerMessage: round((cpuMicros() - cpu) / count),
    threadCpuUsPerMessage: threadCpuUsed === null ? null : round(threadCpuUsed / count),
    ...gcFigures(gcPauses, count),
    simulatorCpuUsPerMessage: null,
    rssMb: mb(process.memoryUsage.rss()),
  };
}

/**
 * The bare loop in its own process (the SDK alone, warmed by 200 sends first): its garbage and
 * connection pool stay out of the campaign process, whose peak RSS is a target.
 */
async function bareLoopInChild(sim: SimulatorProcess, count: number, concurrency: number): Promise<BareFigures> {
  const simCpu = (await sim.stats()).cpuUs;
  const out = execFileSync(process.execPath, [...process.execArgv, __filename, '--bare-child', sim.baseUrl, String(count), String(concurrency)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const figures = JSON.parse(out.trim().split('\n').pop() ?? '{}') as BareFigures;
  // The simulator's CPU from the child's start to its end: the 200 warm-up sends and the child's start-up included.
  return { ...figures, simulatorCpuUsPerMessage: round(((await sim.stats()).cpuUs - simCpu) / Math.max(1, count)) };
}

interface CampaignRun {
  readonly figures: Record<string, unknown>;
  readonly peakRssMb: number;
  readonly peakHeap: Record<string, number>;
}

async function campaign(emulator: BenchStore, sim: SimulatorProcess, client: TwilioClient, recruiter: LocalMember, concurrency: number): Promise<CampaignRun> {
  const asRecruiter = <T>(fn: () => Promise<T>): Promise<T> => runInCall({ identity: { memberId: recruiter._id, roles: recruiter.roles }, elevated: false, kind: 'webMethod', deadline: null }, fn);
  await emulator.resetStats();
  // The highest rate limit a campaign may have (10,000/s): the bench measures the sender, not the pacer.
  const created = await asRecruiter(() => createSMSCampaign(DEMO_CARRIER_DOT, { name: 'bench 100K', messageTemplate: TEMPLATE, audienceFilter: {}, rateLimit: 600_000 }));
  if (!created.success) throw new Error(`createSMSCampaign: ${created.error}`);
  const scheduled = await asRecruiter(() => scheduleSMSCampaign(created.campaignId, new Date(clock.now() + 1_000)));
  if (!scheduled.success) throw new Error(`scheduleSMSCampaign: ${scheduled.error}`);
  const setupRequests = await emulator.stats();
  await sleep(1_100);

  const provider = createTwilioSmsProvider({ client, sender: { from: fromNumber } });
  let peak = process.memoryUsage.rss();
  const heap = { usedMb: 0, totalMb: 0, externalMb: 0 };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap.usedMb = Math.max(heap.usedMb, mb(m.heapUsed));
    heap.totalMb = Math.max(heap.totalMb, mb(m.heapTotal));
    heap.externalMb = Math.max(heap.externalMb, mb(m.external));
    sampleRss();
  }, 100);
  await emulator.resetStats();
  let report: SchedulerReport | null = null;
  let error: string | null = null;
  const cpuBefore = { sender: cpuMicros(), dataLayer: await emulator.cpuMicros(), simulator: (await sim.stats()).cpuUs };
  const threadCpu = threadCpuMicros();
  const start = performance.now();
  const elu = performance.eventLoopUtilization();
  const gc = gcPauseMeter();
  try {
    report = await runInCall(JOB, () => runSmsScheduler({ provider, publicBaseUrl: null, holder: 'bench', concurrency, senderPerSecond: null, reconcile: false }));
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  const sendMs = performance.now() - start;
  const threadActiveMs = performance.eventLoopUtilization(elu).active;
  const threadCpuUsed = threadCpuSince(threadCpu);
  const senderCpu = cpuMicros() - cpuBefore.sender;
  const gcPauses = await gc.stop();
  const dataLayerCpu = await emulator.cpuMicros();
  const simulatorCpu = (await sim.stats()).cpuUs - cpuBefore.simulator;
  const sendStats = await emulator.stats();
  const slice = report?.campaigns[0];
  const sent = slice?.sent ?? 0;
  const perMessage = (us: number): number => (sent === 0 ? 0 : round(us / sent));
  const records = sent + (slice?.failed ?? 0) + (slice?.held ?? 0) + (slice?.blocked ?? 0);

  // Let the simulator finish its status machine (sent after 1 s, DLR after 2–8 s), then reconcile.
  await sleep(9_000);
  await emulator.resetStats();
  let reconcile: Record<string, unknown>;
  const rStart = performance.now();
  try {
    const r = await runInCall(JOB, () => reconcilePendingStatuses({ provider }));
    reconcile = { ...r, ms: Math.round(performance.now() - rStart), dataRequests: requestFigures(await emulator.stats(), sent) };
  } catch (e) {
    reconcile = { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), ms: Math.round(performance.now() - rStart), dataRequests: requestFigures(await emulator.stats(), sent) };
  }
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  const quotaErrors = error !== null && /WDE0014/.test(error);
  return {
    peakRssMb: mb(peak),
    peakHeap: heap,
    figures: {
      campaignId: created.campaignId,
      audienceCount: created.audienceCount,
      createAndScheduleRequests: { reads: setupRequests.reads, writes: setupRequests.writes },
      outcome: report?.outcome ?? 'error',
      sliceOutcome: slice?.outcome ?? null,
      error,
      records,
      sent,
      failed: slice?.failed ?? 0,
      held: slice?.held ?? 0,
      blocked: slice?.blocked ?? 0,
      waves: slice?.waves ?? 0,
      sendMs: Math.round(sendMs),
      messagesPerSecond: Math.round(sent / (sendMs / 1000)),
      threadUsPerMessage: sent === 0 ? 0 : round((threadActiveMs * 1000) / sent),
      cpuUsPerMessage: perMessage(senderCpu),
      threadCpuUsPerMessage: threadCpuUsed === null ? null : perMessage(threadCpuUsed),
      ...gcFigures(gcPauses, sent),
      dataLayerCpuUsPerMessage: dataLayerCpu === null || cpuBefore.dataLayer === null ? null : perMessage(dataLayerCpu - cpuBefore.dataLayer),
      simulatorCpuUsPerMessage: perMessage(simulatorCpu),
      dataRequests: requestFigures(sendStats, sent),
      reconcile,
      strictQuotaErrors: quotaErrors,
    },
  };
}

type RunOptions = { drivers?: number; bare?: number; concurrency?: number; strict?: boolean; data?: DataPlacement };

/** In a process with the heap of Wix's backend container (see lib/container.ts); the bare loop's child inherits it. */
export async function run(options: RunOptions = {}): Promise<Record<string, unknown>> {
  if (!insideBackendContainer()) return runInBackendContainer(__filename, 'sms-campaign', options);
  const drivers = options.drivers ?? 100_000;
  const bareCount = options.bare ?? 100_000;
  const concurrency = options.concurrency ?? 20;
  const strict = options.strict ?? true;
  const members = demoMembers();
  const recruiter = members.find((m) => m._id === 'member-recruiter-1');
  if (!recruiter) throw new Error('no demo recruiter');
  const dir = mkdtempSync(join(tmpdir(), 'sms-campaign-bench-'));
  let sim: SimulatorProcess | null = null;
  try {
    // Seeded in a child process: the generator's datasets and garbage stay out of this process's RSS.
    const seedStart = performance.now();
    const seedOut = execFileSync(process.execPath, [...hostExecArgv(), __filename, '--seed-child', dir, String(drivers)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const seeded = Number(seedOut.trim().split('\n').pop() ?? '0');
    const seedMs = Math.round(performance.now() - seedStart);
    const emulator = await openMeasuredStore({ dir, strict, members, placement: options.data ?? 'process', clock });
    sim = await startSimulatorProcess({ anchorMs: clock.anchorMs, wallStartMs: clock.wallStartMs, mps: 1_000_000 });
    const client = twilioClient(sim.baseUrl);
    (globalThis as { gc?: () => void }).gc?.();
    const rssAfterSetupMb = mb(process.memoryUsage.rss());

    // The bare loop brackets the campaign (half before, half after): a 2-core machine's speed drifts
    // within a run, and both halves together see the same drift the campaign saw.
    const bareBefore = await bareLoopInChild(sim, Math.ceil(bareCount / 2), concurrency);
    await sim.reset();
    // Warm this process's connection pool and the SDK's code paths as the bare loop's process did.
    await bareLoop(client, 200, concurrency);
    await sim.reset();

    const result = await campaign(emulator, sim, client, recruiter, concurrency);
    const simStats = await sim.stats();
    await emulator.close();
    await sim.reset();
    const bare = bracketed(bareBefore, await bareLoopInChild(sim, Math.floor(bareCount / 2), concurrency));
    const c = result.figures;
    const campaignRate = typeof c['messagesPerSecond'] === 'number' ? c['messagesPerSecond'] : 0;
    const bareRate = typeof bare['messagesPerSecond'] === 'number' ? bare['messagesPerSecond'] : 0;
    const per1000 = ((c['dataRequests'] as { per1000: { total: number } } | undefined)?.per1000.total ?? 0);
    const figures = {
      drivers: seeded,
      carrierDot: DEMO_CARRIER_DOT,
      siteClock: new Date(ANCHOR).toISOString(),
      seedMs,
      concurrency,
      strict,
      backendContainer: containerFigures(),
      dataLayer: options.data ?? 'process',
      simulator: { process: 'separate (loopback)', mpsPerSender: 1_000_000, webhooks: 'none (no StatusCallback; reconcile tracking)', messagesStored: simStats.messages, rssMb: simStats.rssMb },
      bareLoop: bare,
      campaign: c,
      rss: { afterSetupMb: rssAfterSetupMb, bareLoopProcessMb: bare.rssMb, peakDuringCampaignMb: result.peakRssMb, peakHeapDuringCampaign: result.peakHeap, processMaxRssMb: peakRssMb() },
      cpuUsPerMessage: cpuFigures(c, bare),
      targets: {
        campaignVsBare: { value: bareRate === 0 ? 0 : round(campaignRate / bareRate, 3), target: 0.7, met: bareRate > 0 && campaignRate / bareRate >= 0.7 },
        campaignMessagesPerSecond: { value: campaignRate, target: 1500, met: campaignRate >= 1500 },
        // The same comparison in sending-thread time per message (machine load aside): bare ÷ campaign.
        campaignVsBareThreadCost: { value: threadRatio(bare.threadUsPerMessage, c['threadUsPerMessage']), target: 0.7, met: threadRatio(bare.threadUsPerMessage, c['threadUsPerMessage']) >= 0.7 },
        dataRequestsPer1000: { value: per1000, target: 10, met: per1000 <= 10 },
        peakRssMb: { value: result.peakRssMb, target: 300, met: result.peakRssMb <= 300 },
        strictQuotas: { strict, wde0014: c['strictQuotaErrors'] === true, error: c['error'] ?? null },
      },
    };
    const path = writeResults('sms-campaign', figures);
    return { ...figures, path };
  } finally {
    await sim?.stop();
    uninstallRuntime();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module && process.argv[2] === '--bare-child') {
  const client = twilioClient(process.argv[3] ?? '');
  const count = Number(process.argv[4] ?? 0);
  const concurrency = Number(process.argv[5] ?? 20);
  // Inside a job call of the local Wix host, as the campaign runs: the host's call context
  // (AsyncLocalStorage, whose promise hooks cost every SDK promise ~10 %) is then the same for both.
  runInCall(JOB, () => bareLoop(client, 200, concurrency).then(() => bareLoop(client, count, concurrency)))
    .then((figures) => process.stdout.write(`${JSON.stringify(figures)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
} else if (require.main === module && process.argv[2] === '--seed-child') {
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
  run(passed ?? { drivers: env('SMS_BENCH_DRIVERS', 100_000), bare: env('SMS_BENCH_BARE', 100_000), concurrency: env('SMS_BENCH_CONCURRENCY', 20), strict: env('SMS_BENCH_STRICT', 1) !== 0, data: dataPlacement(process.env['SMS_BENCH_DATA']) })
    .then((f) => process.stdout.write(`${JSON.stringify(f, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
}
