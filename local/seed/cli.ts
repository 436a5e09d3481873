/**
 * `npm run seed -- --drivers 100000 --seed 42 [--out file.ndjson | --data-dir .data] [--carrier-dot 2233445] [--as-of ISO]`
 *
 * With `--out`: writes every demo item as NDJSON (`{"collection": "...", "item": {...}}` per line,
 * dates as ISO strings). Otherwise: seeds the local store (the data emulator on `--data-dir`,
 * default `.data/`) exactly as `npm start` does on first run. Prints a summary either way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { emulatedCollectionConfigs } from '../../src/backend/collections/registry';
import { createDataEmulator } from '../data/index';
import { ADMIN_IDENTITY, installRuntime, runInCall, uninstallRuntime } from '../runtime';
import { DEMO_AS_OF, generateDrivers } from './drivers';
import { DEMO_CARRIER_DOT, demoCarrier, demoMembers, demoSavedSearches, demoStaffProfiles } from './demo-entities';
import { isBulkInsertTarget, seedDemoData } from './seed';
import { createDriverSummarizer, formatSummary, type DriverSummary } from './summary';

export interface SeedCliOptions {
  readonly drivers: number;
  readonly seed: number;
  readonly out: string | null;
  readonly dataDir: string;
  readonly carrierDot: string;
  readonly asOf: Date;
}

const USAGE = 'usage: npm run seed -- [--drivers N] [--seed S] [--out file.ndjson | --data-dir DIR] [--carrier-dot DOT] [--as-of ISO-DATE]';

export function parseSeedArgs(argv: readonly string[]): SeedCliOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m?.[1]) throw new Error(`unexpected argument "${arg}"\n${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value\n${USAGE}`);
    values.set(m[1], value);
  }
  const known = new Set(['drivers', 'seed', 'out', 'data-dir', 'carrier-dot', 'as-of']);
  for (const key of values.keys()) if (!known.has(key)) throw new Error(`unknown option --${key}\n${USAGE}`);
  const int = (key: string, fallback: number): number => {
    const raw = values.get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${key} must be a non-negative integer, got "${raw}"`);
    return n;
  };
  const asOfRaw = values.get('as-of');
  const asOf = asOfRaw === undefined ? DEMO_AS_OF : new Date(asOfRaw);
  if (Number.isNaN(asOf.getTime())) throw new Error(`--as-of must be an ISO date, got "${asOfRaw ?? ''}"`);
  const carrierDot = values.get('carrier-dot') ?? DEMO_CARRIER_DOT;
  if (!/^\d{1,8}$/.test(carrierDot)) throw new Error('--carrier-dot must be a USDOT number');
  return {
    drivers: int('drivers', 5000),
    seed: int('seed', 42),
    out: values.get('out') ?? null,
    dataDir: values.get('data-dir') ?? '.data',
    carrierDot,
    asOf,
  };
}

function line(collection: string, item: object): string {
  return `${JSON.stringify({ collection, item })}\n`;
}

/** Streams the demo data to an NDJSON file, one page of drivers in memory at a time. */
export async function writeNdjson(options: SeedCliOptions & { out: string }): Promise<DriverSummary> {
  fs.mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
  const stream = fs.createWriteStream(options.out, { encoding: 'utf8' });
  const put = async (text: string): Promise<void> => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  await put(line('Carriers', demoCarrier(options.carrierDot)));
  for (const p of demoStaffProfiles(options.carrierDot)) await put(line('RecruiterProfiles', p));
  for (const s of demoSavedSearches(options.carrierDot)) await put(line('SavedSearches', s));
  const summary = createDriverSummarizer();
  for (const page of generateDrivers({ count: options.drivers, seed: options.seed, carrierDot: options.carrierDot, asOf: options.asOf })) {
    let chunk = '';
    for (const d of page) {
      summary.add(d);
      chunk += line('DriverProfiles', d);
    }
    await put(chunk);
  }
  stream.end();
  await once(stream, 'finish');
  return summary.result();
}

/** Seeds the local store through the data emulator, as the site admin. */
async function seedDataDir(options: SeedCliOptions): Promise<DriverSummary> {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const emulator = createDataEmulator({ dataDir: options.dataDir, collections: emulatedCollectionConfigs() });
  const members = demoMembers();
  installRuntime({
    dataItems: emulator.items,
    secrets: { get: () => undefined },
    members: { get: (id) => members.find((m) => m._id === id) },
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
  });
  try {
    if (!isBulkInsertTarget(emulator.items)) throw new Error('the data emulator has no bulkInsert');
    const items = emulator.items;
    const report = await runInCall({ identity: ADMIN_IDENTITY, elevated: true, kind: 'script', deadline: null }, () =>
      seedDemoData({
        items,
        drivers: options.drivers,
        seed: options.seed,
        carrierDot: options.carrierDot,
        asOf: options.asOf,
        onProgress: (done, total) => {
          if (done % 10_000 === 0 || done === total) process.stdout.write(`  ${done}/${total} drivers\n`);
        },
      }),
    );
    process.stdout.write(`inserted: ${JSON.stringify(report.inserted)}\nskipped (already there): ${JSON.stringify(report.skipped)}\nbulk calls: ${report.bulkCalls}\n`);
    const stats = emulator.stats();
    process.stdout.write(`data requests: ${stats.reads} reads, ${stats.writes} writes\n`);
    return report.drivers;
  } finally {
    uninstallRuntime();
    emulator.close();
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: SeedCliOptions;
  try {
    options = parseSeedArgs(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const started = performance.now();
  const target = options.out ?? `data dir ${options.dataDir}`;
  process.stdout.write(`seeding ${options.drivers} drivers (seed ${options.seed}, carrier ${options.carrierDot}) → ${target}\n`);
  const summary = options.out !== null ? await writeNdjson({ ...options, out: options.out }) : await seedDataDir(options);
  const ms = performance.now() - started;
  process.stdout.write(`${formatSummary(summary)}\ndone in ${(ms / 1000).toFixed(2)} s (${Math.round(options.drivers / (ms / 1000))} drivers/s)\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
