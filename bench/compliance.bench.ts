/**
 * Compliance engine bench: decisions/s of the pure batch (`decideContactBatchWith`) over 1000-driver
 * batches of generated drivers with contact history and opt-outs (real `recipientLocation` and
 * `checkContactWindow`), and the data requests one batch costs against the in-process emulator.
 * Run: `npx tsx bench/compliance.bench.ts` (figures → bench/results/compliance.json).
 */
import './lib/wix-shims';
import { DEFAULT_SEND_WINDOW } from '../src/backend/collections/common';
import { Carriers, DriverProfiles, type DriverProfile } from '../src/backend/collections/people';
import { SMSOptOuts } from '../src/backend/collections/sms';
import { createComplianceStore } from '../src/backend/adapters/complianceStore';
import { elevatedCollection } from '../src/backend/platform/data';
import { decideContactBatch, decideContactBatchWith } from '../src/backend/outreach/compliance';
import { demoCarrier } from '../local/seed/generate';
import { installTestRuntime } from '../test/support/runtime';
import { contactHistoryFor, generatedDrivers } from '../test/outreach/compliance-fixtures';
import { medianMs, writeResults } from './lib/results';

const DOT = '2233445';
const NOW = new Date('2026-01-15T17:00:00Z');
const CAMPAIGN = 'bench-campaign';
const CAPS = { maxPerDriver: 2, perDays: 7 };
const BATCH = 1000;
const BATCHES = 10;

function population(count: number, seed: number): DriverProfile[] {
  return generatedDrivers(count, seed, NOW);
}

function historyFor(drivers: readonly DriverProfile[], seed: number): ReturnType<typeof contactHistoryFor> {
  return contactHistoryFor(drivers, { seed, now: NOW, campaignId: CAMPAIGN });
}

async function pureThroughput(): Promise<Record<string, unknown>> {
  const carrier = demoCarrier(DOT);
  const all = population(BATCH * BATCHES, 41);
  const batches = Array.from({ length: BATCHES }, (_, b) => {
    const drivers = all.slice(b * BATCH, (b + 1) * BATCH);
    return { drivers, ...historyFor(drivers, 100 + b) };
  });
  const out: Record<string, unknown> = {};
  for (const channel of ['sms', 'email'] as const) {
    const runAll = (): number => {
      let decided = 0;
      for (const b of batches) {
        const input = { channel, carrier, drivers: b.drivers, now: NOW, sendWindow: DEFAULT_SEND_WINDOW, campaignId: CAMPAIGN, campaignCaps: CAPS };
        decided += decideContactBatchWith(input, { optOuts: b.optOuts, events: b.events }).decisions.length;
      }
      return decided;
    };
    runAll(); // warm-up (JIT, location memo, window plans)
    const timing = await medianMs(7, runAll);
    const actions = { send: 0, hold: 0, block: 0 };
    for (const b of batches) {
      const { decisions } = decideContactBatchWith({ channel, carrier, drivers: b.drivers, now: NOW, sendWindow: DEFAULT_SEND_WINDOW, campaignId: CAMPAIGN, campaignCaps: CAPS }, { optOuts: b.optOuts, events: b.events });
      for (const d of decisions) actions[d.action] += 1;
    }
    out[channel] = {
      decisions: BATCH * BATCHES,
      batchSize: BATCH,
      medianMsPer10kDecisions: timing.median,
      medianMsPerBatch: Math.round((timing.median / BATCHES) * 1000) / 1000,
      decisionsPerSecond: Math.round((BATCH * BATCHES) / (timing.median / 1000)),
      actions,
    };
  }
  return out;
}

async function emulatorRequests(size: number): Promise<Record<string, unknown>> {
  const rt = installTestRuntime({ now: NOW.getTime() });
  try {
    const carrier = demoCarrier(DOT);
    const drivers = population(size, 77);
    const { events, optOuts } = historyFor(drivers, 78);
    await rt.asJob(async () => {
      await elevatedCollection(Carriers).insert(carrier);
      await elevatedCollection(DriverProfiles).bulkInsert(drivers);
      if (optOuts.length > 0) await elevatedCollection(SMSOptOuts).bulkInsert(optOuts);
      await createComplianceStore().recordContacts(events);
    });
    const perChannel: Record<string, unknown> = {};
    for (const channel of ['sms', 'voicemail', 'call', 'email'] as const) {
      rt.emulator.resetStats();
      const result = await rt.asJob(() => decideContactBatch({ channel, carrier, drivers, now: NOW, sendWindow: DEFAULT_SEND_WINDOW, campaignId: CAMPAIGN, campaignCaps: CAPS }, createComplianceStore()));
      const stats = rt.emulator.stats();
      perChannel[channel] = { reads: stats.reads, writes: stats.writes, reported: result.dataRequests, audited: result.audit.length };
    }
    return { batchSize: size, perChannel };
  } finally {
    rt.close();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const throughput = await pureThroughput();
  let requests: Record<string, unknown>;
  try {
    requests = await emulatorRequests(BATCH);
  } catch (error) {
    // Known emulator limit: a 1000-value hasSome becomes a flat SQL OR deeper than SQLite allows.
    requests = { batchSize: BATCH, error: error instanceof Error ? error.message : String(error), fallback: await emulatorRequests(500) };
  }
  const figures = { targetDecisionsPerSecond: 50_000, throughput, dataRequestsPerBatch: requests };
  const path = writeResults('compliance', figures);
  console.log(JSON.stringify(figures, null, 2));
  console.log(`wrote ${path}`);
  return figures;
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
