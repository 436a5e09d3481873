/**
 * The site a bench runs: its clock (an anchor running in real time), the local host installed over a
 * data emulator, and where that emulator runs during the measured part.
 */
import { createDataEmulator, type DataRequestStats, type EmulatedItems, type LocalDataEmulator } from '../../local/data';
import { createRemoteDataEmulator, type RemoteDataEmulator } from '../../local/data/remote';
import { installRuntime, type CallContext, type LocalMember } from '../../local/runtime';
import { emulatedCollectionConfigs } from '../../src/backend/collections/registry';
import * as hooks from '../../src/backend/data';

/** A scheduled job's call: the site admin, elevated. */
export const JOB: CallContext = { identity: { memberId: null, roles: ['Admin'] }, elevated: true, kind: 'job', deadline: null };

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The site clock: `anchorMs`, running in real time from when it was made (simulator processes get the same two numbers). */
export interface SiteClock {
  readonly anchorMs: number;
  readonly wallStartMs: number;
  now(): number;
}

export function siteClock(anchorMs: number): SiteClock {
  const wallStartMs = Date.now();
  return { anchorMs, wallStartMs, now: () => anchorMs + (Date.now() - wallStartMs) };
}

/**
 * Where the data layer runs during the measured run: its own process (default: as Wix Data is served
 * outside the site's backend container, its CPU and memory are not the sender's), a thread of this
 * process, or inline on the sender's thread.
 */
export type DataPlacement = 'process' | 'thread' | 'inline';

export function dataPlacement(value: string | undefined): DataPlacement {
  return value === 'inline' || value === 'thread' ? value : 'process';
}

/** The measured store: the remote emulator's surface, which the inline placement also gives (its `cpuMicros` is `null`). */
export type BenchStore = RemoteDataEmulator;

/** Installs the local host over `items` with these members, no secrets and the site clock. */
export function installHost(items: EmulatedItems, members: readonly LocalMember[], clock: SiteClock): void {
  const byId = new Map(members.map((m) => [m._id, m]));
  installRuntime({ dataItems: items, secrets: { get: () => undefined }, members: { get: (id) => byId.get(id) }, fetch: globalThis.fetch, clock });
}

/** The on-disk emulator in this thread, with the site's data hooks, the host installed over it. */
export function openLocalStore(dir: string, strict: boolean, members: readonly LocalMember[], clock: SiteClock): LocalDataEmulator {
  const emulator = createDataEmulator({ dataDir: dir, collections: emulatedCollectionConfigs(), strictCollections: true, strict, now: clock.now, hooks });
  installHost(emulator.items, members, clock);
  return emulator;
}

/** The store of the measured run, where `placement` says. */
export async function openMeasuredStore(options: { dir: string; strict: boolean; members: readonly LocalMember[]; placement: DataPlacement; clock: SiteClock }): Promise<BenchStore> {
  const { dir, strict, members, placement, clock } = options;
  if (placement === 'inline') {
    const local = openLocalStore(dir, strict, members, clock);
    return { items: local.items, stats: async () => local.stats(), resetStats: async () => local.resetStats(), cpuMicros: async () => null, close: async () => local.close() };
  }
  const remote = await createRemoteDataEmulator({
    dataDir: dir,
    collections: emulatedCollectionConfigs(),
    strictCollections: true,
    strict,
    hooksModule: require.resolve('../../src/backend/data'),
    clock: { anchorMs: clock.anchorMs, wallStartMs: clock.wallStartMs },
    placement,
  });
  installHost(remote.items, members, clock);
  return remote;
}

/** Data requests of a measured run, in total and per 1000 of `units` (messages, recipients). */
export function requestFigures(stats: DataRequestStats, units: number): Record<string, unknown> {
  const total = stats.reads + stats.writes;
  const per = (n: number): number => (units === 0 ? 0 : round((n / units) * 1000, 2));
  return { reads: stats.reads, writes: stats.writes, total, per1000: { reads: per(stats.reads), writes: per(stats.writes), total: per(total) }, byCollection: stats.byCollection, ...(stats.peakPerMinute ? { peakPerMinute: stats.peakPerMinute } : {}) };
}
