/**
 * An in-process local Wix runtime for tests of site code: an in-memory data emulator with every
 * registry collection, the site's data hooks, a manual clock and a set of members. Site code under
 * test then runs exactly as in the local host (its Wix imports resolve to local/wix/ shims).
 */
import { createDataEmulator, type LocalDataEmulator } from '../../local/data';
import { installRuntime, runInCall, uninstallRuntime, type CallContext, type LocalMember } from '../../local/runtime';
import { emulatedCollectionConfigs } from '../../src/backend/collections/registry';
import * as hooks from '../../src/backend/data';

export const T0 = Date.parse('2026-11-02T15:00:00Z');

export interface TestRuntime {
  readonly emulator: LocalDataEmulator;
  readonly clock: { now(): number; set(ms: number): void; advance(ms: number): void };
  /** Runs `fn` as the given member (a web-method call), or anonymously with `null`. */
  as<T>(member: LocalMember | null, fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` as a scheduled job does: Admin, elevated. */
  asJob<T>(fn: () => Promise<T>): Promise<T>;
  close(): void;
}

export function installTestRuntime(options: { members?: readonly LocalMember[]; now?: number; strict?: boolean; secrets?: Record<string, string> } = {}): TestRuntime {
  let now = options.now ?? T0;
  const clock = { now: () => now, set: (ms: number) => void (now = ms), advance: (ms: number) => void (now += ms) };
  const emulator = createDataEmulator({ dataDir: null, collections: emulatedCollectionConfigs(), strictCollections: true, strict: options.strict ?? false, now: clock.now });
  emulator.setHooks(hooks);
  const members = new Map((options.members ?? []).map((m) => [m._id, m]));
  const secrets = options.secrets ?? {};
  installRuntime({
    dataItems: emulator.items,
    secrets: { get: (name) => secrets[name] },
    members: { get: (id) => members.get(id) },
    fetch: globalThis.fetch,
    clock,
  });
  const run = <T>(context: CallContext, fn: () => Promise<T>): Promise<T> => runInCall(context, fn);
  return {
    emulator,
    clock,
    as: (member, fn) =>
      run({ identity: member ? { memberId: member._id, roles: member.roles } : { memberId: null, roles: [] }, elevated: false, kind: 'webMethod', deadline: null }, fn),
    asJob: (fn) => run({ identity: { memberId: null, roles: ['Admin'] }, elevated: true, kind: 'job', deadline: null }, fn),
    close: () => {
      emulator.close();
      uninstallRuntime();
    },
  };
}
