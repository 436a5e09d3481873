/**
 * Audience bench: 100K generated drivers (seed 42) of one carrier in an on-disk data emulator with
 * the registry's indexes; `estimateAudience` for indexed, radius and consent + "no SMS in 30 days"
 * filters; streaming the whole SMS audience (extra peak RSS over the baseline, time, data requests
 * per 1000-recipient page), measured in a child process so seeding doesn't skew the baseline.
 * Run: `npx tsx bench/audience.bench.ts` (figures → bench/results/audience.json).
 */
import './lib/wix-shims';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataEmulator, type LocalDataEmulator } from '../local/data';
import { installRuntime, runInCall, type CallContext } from '../local/runtime';
import { DEMO_AS_OF, DEMO_CARRIER_DOT, generateDrivers } from '../local/seed/generate';
import { driverSourceAdapter } from '../src/backend/adapters/driverSource';
import type { AudienceFilter } from '../src/backend/collections/common';
import { emulatedCollectionConfigs } from '../src/backend/collections/registry';
import { estimateAudience, streamAudience, type AudienceChannel, type AudienceEstimate } from '../src/backend/outreach/audience';
import { medianMs, writeResults } from './lib/results';

const JOB: CallContext = { identity: { memberId: null, roles: ['Admin'] }, elevated: true, kind: 'job', deadline: null };
const NOW = DEMO_AS_OF;

const FILTERS: Readonly<Record<string, AudienceFilter>> = {
  indexed_statusesAndClass: { statuses: ['job_seeking', 'open_to_offers'], cdl_classes: ['A'] },
  indexed_singleStatusClass: { statuses: ['job_seeking'], cdl_classes: ['A'] },
  radius_200mi_Dallas_classA: { within: { miles: 200, place: 'Dallas, TX' }, cdl_classes: ['A'] },
  consentSms_noSmsIn30Days: { has_consent_for: 'sms', no_sms_in_last_days: 30 },
};

function openStore(dataDir: string): LocalDataEmulator {
  const emulator = createDataEmulator({ dataDir, collections: emulatedCollectionConfigs(), strictCollections: true });
  installRuntime({ dataItems: emulator.items, secrets: { get: () => undefined }, members: { get: () => undefined }, fetch: globalThis.fetch, clock: { now: () => Date.now() } });
  return emulator;
}

async function seed(emulator: LocalDataEmulator, drivers: number): Promise<void> {
  for (const page of generateDrivers({ count: drivers, seed: 42, carrierDot: DEMO_CARRIER_DOT })) {
    await emulator.items.bulkInsert('DriverProfiles', page);
  }
}

function readsOf(emulator: LocalDataEmulator): number {
  return emulator.stats().reads;
}

interface StreamFigures {
  channel: AudienceChannel;
  filter: AudienceFilter;
  recipients: number;
  pages: number;
  ms: number;
  baselineRssMb: number;
  peakRssMb: number;
  extraPeakRssMb: number;
  dataRequests: number;
  dataRequestsPer1000Recipients: number;
}

/** Child process: opens the seeded store, takes the RSS baseline, streams the audience once. */
async function streamChild(dataDir: string, channel: AudienceChannel, filter: AudienceFilter): Promise<StreamFigures> {
  const emulator = openStore(dataDir);
  const ports = driverSourceAdapter();
  // Warm the statement cache and the geo dataset so the baseline holds what any run holds.
  await runInCall(JOB, () => estimateAudience(ports, { carrierDot: DEMO_CARRIER_DOT, filter: { include_driver_ids: ['none'] }, now: NOW }));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  emulator.resetStats();
  const mb = (bytes: number): number => Math.round((bytes / (1024 * 1024)) * 10) / 10;
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  let recipients = 0;
  let pages = 0;
  const start = process.hrtime.bigint();
  await runInCall(JOB, async () => {
    for await (const page of streamAudience(ports, { carrierDot: DEMO_CARRIER_DOT, filter, now: NOW, channel, pageSize: 1000 })) {
      recipients += page.drivers.length;
      pages += 1;
      peak = Math.max(peak, process.memoryUsage.rss());
    }
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const dataRequests = readsOf(emulator);
  emulator.close();
  return {
    channel,
    filter,
    recipients,
    pages,
    ms: Math.round(ms),
    baselineRssMb: mb(baseline),
    peakRssMb: mb(peak),
    extraPeakRssMb: mb(peak - baseline),
    dataRequests,
    dataRequestsPer1000Recipients: recipients === 0 ? 0 : Math.round((dataRequests / (recipients / 1000)) * 100) / 100,
  };
}

function streamInChildProcess(dataDir: string, channel: AudienceChannel, filter: AudienceFilter): StreamFigures {
  const out = execFileSync(process.execPath, [...process.execArgv, '--expose-gc', __filename, '--stream-child', dataDir, channel, JSON.stringify(filter)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = out.trim().split('\n').pop() ?? '{}';
  return JSON.parse(line) as StreamFigures;
}

export async function run(options: { drivers?: number; runs?: number } = {}): Promise<Record<string, unknown>> {
  const drivers = options.drivers ?? 100_000;
  const runs = options.runs ?? 9;
  const dir = mkdtempSync(join(tmpdir(), 'audience-bench-'));
  try {
    const emulator = openStore(dir);
    const seedStart = process.hrtime.bigint();
    await runInCall(JOB, () => seed(emulator, drivers));
    const seedMs = Math.round(Number(process.hrtime.bigint() - seedStart) / 1e6);
    const ports = driverSourceAdapter();
    const estimates: Record<string, { ms: Awaited<ReturnType<typeof medianMs>>; result: AudienceEstimate; emulatorReads: number; targetMs?: number }> = {};
    for (const [name, filter] of Object.entries(FILTERS)) {
      const once = (): Promise<AudienceEstimate> => runInCall(JOB, () => estimateAudience(ports, { carrierDot: DEMO_CARRIER_DOT, filter, now: NOW }));
      emulator.resetStats();
      const result = await once();
      const emulatorReads = readsOf(emulator);
      const ms = await medianMs(runs, once);
      estimates[name] = { ms, result, emulatorReads, ...(name.startsWith('indexed') ? { targetMs: 100 } : {}) };
    }
    emulator.close();
    const streams = {
      fullSmsAudience: streamInChildProcess(dir, 'sms', {}),
      radius_200mi_Dallas_email: streamInChildProcess(dir, 'email', FILTERS['radius_200mi_Dallas_classA'] ?? {}),
    };
    const figures = { drivers, carrierDot: DEMO_CARRIER_DOT, seed: 42, seedMs, runsPerTiming: runs, estimateAudience: estimates, streamAudience: { ...streams, targetExtraPeakRssMb: 100 } };
    const path = writeResults('audience', figures);
    return { ...figures, path };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--stream-child') {
    const [, dir, channel, filter] = args;
    streamChild(dir ?? '', (channel ?? 'sms') as AudienceChannel, JSON.parse(filter ?? '{}') as AudienceFilter)
      .then((f) => process.stdout.write(`${JSON.stringify(f)}\n`))
      .catch((e: unknown) => {
        process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exitCode = 1;
      });
  } else {
    const drivers = Number(process.env['AUDIENCE_BENCH_DRIVERS'] ?? 100_000);
    run({ drivers })
      .then((f) => process.stdout.write(`${JSON.stringify(f, null, 2)}\n`))
      .catch((e: unknown) => {
        process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exitCode = 1;
      });
  }
}
