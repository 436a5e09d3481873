/**
 * SendGrid Event Webhook bench: signed 1000-event batches through `post_sendgrid` (the http function,
 * with the raw body bytes as Wix hands them over: `request.body.buffer()`), against an on-disk store
 * holding the demo carrier, 100K generated drivers and one EmailMessages item per driver with an
 * email (≈ 90K; Mail Send requests of 1000, so 1000 messages share each `sendgrid_id`).
 *
 * Each measured run posts a fresh batch (new sg_event_ids) about 640 messages not touched before, in
 * SendGrid's framing (events joined with ",\r\n", signed ECDSA P-256 over timestamp + body): the
 * mix of a busy hour — delivered, a few processed / deferred, opens (40 % by privacy proxies),
 * clicks, and a handful of hard / soft bounces, blocks, drops, spam reports, unsubscribes and group
 * unsubscribes. The events carry exactly what our mail carries: the message ids the campaign sender
 * writes (`emailMessageId`, a Wix-style UUID campaign id), the custom_args and categories it sends
 * (`emailCustomArgs`, `categoriesFor`), and SendGrid's own fields at their real sizes (base64
 * sg_event_ids of ~60 characters, filter-suffixed sg_message_ids, real user agents).
 * Figures: wall time of the handler call (median / max over the runs), data requests per batch
 * (emulator stats), the body size (Wix caps http-function bodies at 512 KB); also an engagement-only
 * batch (no suppressions), a replay of the last batch, and the follow-up job that applies the
 * suppressions' side effects afterwards (`processEmailSuppressions`).
 *
 * The data emulator runs in its own process by default (as Wix Data is served outside the site's
 * backend container); `SG_BENCH_DATA=inline` runs it on this thread.
 * Run: `npx tsx bench/sendgrid-webhook.bench.ts` (figures → bench/results/sendgrid-webhook.json).
 * Env: SG_BENCH_DRIVERS (100000), SG_BENCH_RUNS (11), SG_BENCH_DATA (process | inline).
 */
import './lib/wix-shims';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { WixHttpFunctionRequest } from 'wix-http-functions';
import { createDataEmulator, type DataRequestStats, type EmulatedItems } from '../local/data';
import { createRemoteDataEmulator } from '../local/data/remote';
import { mulberry32 } from '../local/prng';
import { installRuntime, runInCall, uninstallRuntime, type CallContext } from '../local/runtime';
import { DEFAULT_CREDENTIALS, localSendGridWebhookKey, sendGridEventBatchBody, sendGridSignature } from '../local/simulators/harness';
import { DEMO_CARRIER_DOT } from '../local/seed/demo-entities';
import { emulatedCollectionConfigs } from '../src/backend/collections/registry';
import type { EmailMessage } from '../src/backend/collections/email';
import { categoriesFor, emailCustomArgs, emailMessageId } from '../src/backend/email/compose';
import { processEmailSuppressions } from '../src/backend/email/suppressionEffects';
import * as hooks from '../src/backend/data';
import { post_sendgrid } from '../src/backend/http-functions';
import { medianMs, sampleRss, writeResults } from './lib/results';
import { JOB, round, type BenchStore } from './lib/store';

const ANCHOR = Date.parse('2026-11-04T21:00:00Z');
const WALL_START = Date.now();
const clock = { now: (): number => ANCHOR + (Date.now() - WALL_START) };
const HTTP: CallContext = { identity: { memberId: null, roles: [] }, elevated: false, kind: 'httpFunction', deadline: null };
const SECRETS: Readonly<Record<string, string>> = { SENDGRID_WEBHOOK_PUBLIC_KEY: DEFAULT_CREDENTIALS.sendgrid.webhookPublicKey };
/** A campaign id as Wix generates item ids (a UUID): the message ids, hence the custom args, are as long as in production. */
const CAMPAIGN = '6f1c2a9e-3b7d-4c58-9e41-0d2b7a5c8f13';
const MESSAGES_PER_BATCH = 640;
const BODY_LIMIT = 512 * 1024;


function install(items: EmulatedItems): void {
  installRuntime({ dataItems: items, secrets: { get: (name) => SECRETS[name] }, members: { get: () => undefined }, fetch: globalThis.fetch, clock });
}

/** Demo carrier, `drivers` generated drivers, one sent EmailMessages item per driver with an email. */
interface Target {
  readonly id: string;
  readonly email: string;
  readonly sgId: string;
}

async function seed(dir: string, drivers: number): Promise<{ messages: number; targets: Target[] }> {
  const { generateDrivers } = await import('../local/seed/generate');
  const { seedDemoData } = await import('../local/seed/seed');
  const store = createDataEmulator({ dataDir: dir, collections: emulatedCollectionConfigs(), strictCollections: true, now: clock.now, hooks });
  install(store.items);
  await runInCall(JOB, () => seedDemoData({ items: store.items, drivers: 0, seed: 42 }));
  const targets: Target[] = [];
  const sentAt = new Date(ANCHOR - 3_600_000);
  for (const page of generateDrivers({ count: drivers, seed: 42, carrierDot: DEMO_CARRIER_DOT, asOf: new Date(ANCHOR) })) {
    await runInCall(JOB, () => store.items.bulkInsert('DriverProfiles', page));
    const messages: EmailMessage[] = page.flatMap((d) => {
      if (!d.email) return [];
      const target = { id: emailMessageId(CAMPAIGN, 1, d.email), email: d.email, sgId: `Xreq${String(Math.floor(targets.length / 1000)).padStart(5, '0')}abcdefghijklm` };
      targets.push(target);
      return [{ _id: target.id, campaign_id: CAMPAIGN, carrier_dot: DEMO_CARRIER_DOT, driver_id: d._id, email_address: d.email, subject: 'Regional CDL-A lanes, home weekly', sendgrid_id: target.sgId, status: 'sent', sent_at: sentAt, opened: false, open_count: 0, clicked: false, click_count: 0, clicked_links: [], unsubscribed: false, spam_reported: false }];
    });
    if (messages.length > 0) await runInCall(JOB, () => store.items.bulkInsert('EmailMessages', messages));
  }
  store.close();
  uninstallRuntime();
  return { messages: targets.length, targets };
}

async function openMeasured(dir: string, placement: 'process' | 'inline'): Promise<BenchStore> {
  if (placement === 'inline') {
    const local = createDataEmulator({ dataDir: dir, collections: emulatedCollectionConfigs(), strictCollections: true, now: clock.now, hooks });
    install(local.items);
    return { items: local.items, stats: async () => local.stats(), resetStats: async () => local.resetStats(), cpuMicros: async () => null, close: async () => local.close() };
  }
  const remote = await createRemoteDataEmulator({ dataDir: dir, collections: emulatedCollectionConfigs(), strictCollections: true, hooksModule: require.resolve('../src/backend/data'), clock: { anchorMs: ANCHOR, wallStartMs: WALL_START }, placement: 'process' });
  install(remote.items);
  return remote;
}

type Kind = 'delivered' | 'processed' | 'deferred' | 'bounce' | 'soft' | 'blocked' | 'dropped';

/** SendGrid's current sg_event_id: base64 of `<event>-<n>-<number>-<id>` (~60 characters). */
function sgEventId(event: string, seq: string, sgId: string): string {
  return Buffer.from(`${event}-0-${seq.padStart(8, '0')}-${sgId}`, 'utf8').toString('base64').replace(/=+$/, '');
}

/** One wire event as SendGrid posts it: the custom args and categories our sender puts on the mail, SendGrid's fields, the event's own fields. */
function wire(m: Target, event: string, at: number, seq: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    ...emailCustomArgs({ messageId: m.id, carrierDot: DEMO_CARRIER_DOT }),
    email: m.email,
    timestamp: Math.floor(at / 1000),
    'smtp-id': `<${m.sgId}@geopod-ismtpd-3-0>`,
    event,
    category: categoriesFor('campaign'),
    sg_event_id: sgEventId(event, seq, m.sgId),
    sg_message_id: `${m.sgId}.recvd-5d8fb8b8c-jnz8m-1-6720B2C4-${seq}.0`,
    ...extra,
  };
}

/** User agents as they arrive: Gmail's image proxy and Apple's privacy proxy (machine opens), desktop and phone mail clients. */
const AGENTS = {
  gmailProxy: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
  appleProxy: 'Mozilla/5.0',
  desktop: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  phone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
} as const;

/** A 1000-event batch about `ids` (a busy hour's mix), or engagement only. */
function batchFor(targets: readonly Target[], run: number, mix: 'realistic' | 'engagement'): Record<string, unknown>[] {
  const rng = mulberry32(1000 + run);
  const at = clock.now() - 20_000;
  let n = 0;
  const seq = (): string => `r${run}e${(n += 1)}`;
  const events: Record<string, unknown>[] = [];
  const delivered: Target[] = [];
  targets.forEach((m, i) => {
    const kind: Kind = mix === 'engagement' ? 'delivered' : i < 590 ? 'delivered' : (['processed', 'processed', 'processed', 'deferred', 'deferred', 'bounce', 'bounce', 'soft', 'blocked', 'dropped'] as const)[i % 10] ?? 'delivered';
    switch (kind) {
      case 'delivered':
        delivered.push(m);
        events.push(wire(m, 'delivered', at, seq(), { response: '250 2.0.0 OK  1730754000 a640c23a62f3a-9b7e1c3fsi123', ip: '149.72.123.24', tls: 1 }));
        return;
      case 'processed':
        events.push(wire(m, 'processed', at, seq(), { send_at: 0 }));
        return;
      case 'deferred':
        events.push(wire(m, 'deferred', at, seq(), { response: '421 4.7.28 try again later', attempt: '1', ip: '149.72.123.24', tls: 1 }));
        return;
      case 'bounce':
      case 'soft':
      case 'blocked': {
        const fields = kind === 'bounce' ? { type: 'bounce', status: '5.1.1', reason: '550 5.1.1 The email account does not exist', bounce_classification: 'Invalid Address' } : kind === 'soft' ? { type: 'bounce', status: '4.2.2', reason: '452 4.2.2 Mailbox full', bounce_classification: 'Mailbox Unavailable' } : { type: 'blocked', status: '5.7.1', reason: '554 5.7.1 Service unavailable; client host blocked', bounce_classification: 'Reputation' };
        events.push(wire(m, 'bounce', at, seq(), { ...fields, ip: '149.72.123.24', tls: 1 }));
        return;
      }
      case 'dropped':
        events.push(wire(m, 'dropped', at, seq(), { reason: 'Bounced Address', status: '5.0.0' }));
        return;
    }
  });
  const pick = () => delivered[Math.floor(rng() * delivered.length)] ?? delivered[0];
  const actions = mix === 'engagement' ? 0 : 8;
  for (let i = 0; i < actions; i += 1) {
    const m = delivered[i * 50];
    if (!m) continue;
    const [event, extra] = i < 3 ? ['spamreport', {}] : i < 6 ? ['unsubscribe', {}] : ['group_unsubscribe', { asm_group_id: 4821, useragent: AGENTS.desktop, ip: '73.12.4.9', url: 'https://u12345678.ct.sendgrid.net/asm/unsubscribe/?user_id=12345678&data=abcdefghijklmnopqrstuvwxyz0123456789' }];
    events.push(wire(m, event, at + 5_000, seq(), extra));
  }
  while (events.length < 1000) {
    const m = pick();
    if (!m) break;
    const click = rng() < 0.25;
    const machine = !click && rng() < 0.4;
    events.push(
      click
        ? wire(m, 'click', at + 10_000, seq(), { useragent: AGENTS.phone, ip: '73.12.4.9', url: `https://jobs.lonestarfreight.example/apply/${Math.floor(rng() * 4)}?utm_source=email&utm_campaign=regional`, url_offset: { index: 0, type: 'html' } })
        : wire(m, 'open', at + 8_000, seq(), machine ? { useragent: rng() < 0.5 ? AGENTS.appleProxy : AGENTS.gmailProxy, ip: '17.58.0.1', sg_machine_open: true } : { useragent: rng() < 0.5 ? AGENTS.desktop : AGENTS.phone, ip: '73.12.4.9', sg_machine_open: false }),
    );
  }
  // SendGrid's batches interleave messages and event types.
  for (let i = events.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng() * (i + 1));
    [events[i], events[j]] = [events[j] as Record<string, unknown>, events[i] as Record<string, unknown>];
  }
  return events;
}

/** The request the local host builds from SendGrid's POST (raw bytes kept). */
function requestOf(body: string): WixHttpFunctionRequest {
  const timestamp = String(Math.floor(clock.now() / 1000));
  const raw = Buffer.from(body, 'utf8');
  return {
    method: 'POST',
    path: ['events'],
    query: {},
    headers: { 'content-type': 'application/json;charset=utf-8', 'user-agent': 'SendGrid Event API', 'x-twilio-email-event-webhook-signature': sendGridSignature(localSendGridWebhookKey(), timestamp, raw), 'x-twilio-email-event-webhook-timestamp': timestamp },
    url: 'https://recruiting.example.com/_functions/sendgrid/events',
    baseUrl: 'https://recruiting.example.com/_functions',
    functionName: 'sendgrid',
    ip: '167.89.118.1',
    body: { text: async () => raw.toString('utf8'), json: async () => JSON.parse(raw.toString('utf8')) as unknown, buffer: async () => Buffer.from(raw) },
  };
}

interface Post {
  readonly ms: number;
  readonly status: number;
  readonly reads: number;
  readonly writes: number;
  readonly byCollection: DataRequestStats['byCollection'];
  readonly bytes: number;
}

async function post(store: BenchStore, events: readonly unknown[]): Promise<Post> {
  const body = sendGridEventBatchBody(events);
  await store.resetStats();
  const start = performance.now();
  const response = await runInCall(HTTP, () => post_sendgrid(requestOf(body)));
  const ms = performance.now() - start;
  const stats = await store.stats();
  sampleRss();
  return { ms: round(ms, 1), status: response.status, reads: stats.reads, writes: stats.writes, byCollection: stats.byCollection, bytes: Buffer.byteLength(body, 'utf8') };
}

/**
 * Where a batch's requests go: receipts (insert; with group events, one read), EmailMessages (one read,
 * one bulkUpdate), EmailSuppressions (one bulkSave, no read), anything else (none expected: the
 * driver mirror, unsent email and sequence exits are the follow-up job's).
 */
function splitOf(p: Post | undefined): { receipts: number; emailMessages: number; emailSuppressions: number; other: number } {
  if (!p) return { receipts: 0, emailMessages: 0, emailSuppressions: 0, other: 0 };
  const of = (id: string): number => (p.byCollection[id]?.reads ?? 0) + (p.byCollection[id]?.writes ?? 0);
  const [receipts, emailMessages, emailSuppressions] = [of('SendGridEventReceipts'), of('EmailMessages'), of('EmailSuppressions')];
  return { receipts, emailMessages, emailSuppressions, other: p.reads + p.writes - receipts - emailMessages - emailSuppressions };
}

export async function run(options: { drivers?: number; runs?: number; data?: 'process' | 'inline' } = {}): Promise<Record<string, unknown>> {
  const drivers = options.drivers ?? 100_000;
  const runs = options.runs ?? 11;
  const placement = options.data ?? 'process';
  const dir = mkdtempSync(join(tmpdir(), 'sendgrid-webhook-bench-'));
  try {
    const seedStart = performance.now();
    // Seeded in a child process: the generator's garbage stays out of this process's RSS.
    execFileSync(process.execPath, [...process.execArgv, __filename, '--seed-child', dir, String(drivers)], { stdio: ['ignore', 'ignore', 'inherit'] });
    const seeded = JSON.parse(readFileSync(join(dir, 'targets.json'), 'utf8')) as { messages: number; targets: Target[] };
    const seedMs = Math.round(performance.now() - seedStart);
    const store = await openMeasured(dir, placement);
    const window = (k: number): Target[] => seeded.targets.slice(k * MESSAGES_PER_BATCH, (k + 1) * MESSAGES_PER_BATCH);
    if (seeded.targets.length < (runs + 3) * MESSAGES_PER_BATCH) throw new Error('not enough messages for the runs');
    await post(store, batchFor(window(0), 0, 'realistic')); // warm-up (statement caches, JIT)
    const batches: Post[] = [];
    let last: Record<string, unknown>[] = [];
    for (let r = 1; r <= runs; r += 1) {
      last = batchFor(window(r), r, 'realistic');
      batches.push(await post(store, last));
    }
    const engagement = await post(store, batchFor(window(runs + 1), runs + 1, 'engagement'));
    const replay = await post(store, last);
    const replayTimes = await medianMs(5, () => runInCall(HTTP, () => post_sendgrid(requestOf(sendGridEventBatchBody(last)))));
    // The follow-up job, once, for every suppression the runs queued (as its 5-minute schedule would).
    await store.resetStats();
    const followStart = performance.now();
    const followUp = await runInCall(JOB, () => processEmailSuppressions());
    const followMs = round(performance.now() - followStart, 1);
    const followStats = await store.stats();
    await store.close();
    const times = batches.map((b) => b.ms).sort((a, b) => a - b);
    const requests = batches.map((b) => b.reads + b.writes);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    const max = times[times.length - 1] ?? 0;
    const maxRequests = Math.max(...requests);
    const bytes = batches.map((b) => b.bytes);
    const maxBytes = Math.max(...bytes);
    const sampleArgs = emailCustomArgs({ messageId: seeded.targets[0]?.id ?? '', carrierDot: DEMO_CARRIER_DOT });
    const figures = {
      drivers,
      emailMessages: seeded.messages,
      seedMs,
      dataLayer: placement,
      batch: {
        events: 1000,
        messages: MESSAGES_PER_BATCH,
        mix: 'delivered, processed, deferred, opens (40 % machine), clicks; hard / soft bounces, blocks, drops; 3 spam reports, 3 unsubscribes, 2 group unsubscribes',
        bodyBytes: maxBytes,
        bodyBytesMin: Math.min(...bytes),
        bytesPerEvent: Math.round(maxBytes / 1000),
        wixBodyLimit: BODY_LIMIT,
        underWixBodyLimit: maxBytes <= BODY_LIMIT,
        customArgs: { sample: sampleArgs, bytesPerEvent: JSON.stringify(sampleArgs).length - 2, categories: categoriesFor('campaign') },
      },
      runs,
      ms: { median, max, all: batches.map((b) => b.ms) },
      statuses: [...new Set(batches.map((b) => b.status))],
      dataRequestsPerBatch: { max: maxRequests, min: Math.min(...requests), typical: { reads: batches[0]?.reads, writes: batches[0]?.writes, byCollection: batches[0]?.byCollection }, split: splitOf(batches[0]) },
      engagementOnlyBatch: { ms: engagement.ms, reads: engagement.reads, writes: engagement.writes, byCollection: engagement.byCollection },
      replayedBatch: { ms: replay.ms, msMedianOf5: replayTimes.median, reads: replay.reads, writes: replay.writes, byCollection: replay.byCollection },
      followUpJob: { suppressionItems: followUp.items, ms: followMs, reads: followStats.reads, writes: followStats.writes, driversUpdated: followUp.driversUpdated, emailsCanceled: followUp.emailsCanceled, enrollmentsExited: followUp.enrollmentsExited, byCollection: followStats.byCollection },
      targets: {
        medianMs: { value: median, target: 500, met: median <= 500 },
        maxMs: { value: max, target: 500, met: max <= 500 },
        dataRequestsEngagementBatch: { value: engagement.reads + engagement.writes, target: 5, met: engagement.reads + engagement.writes <= 5 },
        dataRequestsWithSuppressions: { value: maxRequests, target: 5, met: maxRequests <= 5 },
        bodyUnderWixLimit: { value: maxBytes, target: BODY_LIMIT, met: maxBytes <= BODY_LIMIT },
      },
    };
    const path = writeResults('sendgrid-webhook', figures);
    return { ...figures, path };
  } finally {
    uninstallRuntime();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module && process.argv[2] === '--seed-child') {
  const dir = process.argv[3] ?? '';
  seed(dir, Number(process.argv[4] ?? 0))
    .then((seeded) => writeFileSync(join(dir, 'targets.json'), JSON.stringify(seeded)))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
} else if (require.main === module) {
  const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
  run({ drivers: env('SG_BENCH_DRIVERS', 100_000), runs: env('SG_BENCH_RUNS', 11), data: process.env['SG_BENCH_DATA'] === 'inline' ? 'inline' : 'process' })
    .then((f) => process.stdout.write(`${JSON.stringify(f, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
}
