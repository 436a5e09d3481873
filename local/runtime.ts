/**
 * The local Wix host's runtime registry.
 *
 * Site code imports Wix module names (`@wix/data`, `wix-web-module`, …). Locally those names resolve
 * to the shims in `local/wix/`, which find the running host through this registry. The registry lives
 * on `globalThis` under a registered symbol so that every copy of a shim (jest's module registry, the
 * Node resolve hook, a bundle) sees the same host.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Wix site roles that web-method `Permissions` distinguish. */
export type SiteRole = 'Admin' | 'SiteMember';

/** Who is calling: a signed-in member (with roles) or an anonymous visitor (`memberId: null`). */
export interface CallIdentity {
  readonly memberId: string | null;
  readonly roles: readonly SiteRole[];
}

export type CallKind = 'webMethod' | 'httpFunction' | 'job' | 'script' | 'test';

/** Per-call state that Wix keeps for backend code: identity, elevation, the 14 s deadline. */
export interface CallContext {
  readonly identity: CallIdentity;
  readonly elevated: boolean;
  readonly kind: CallKind;
  /** Epoch ms after which strict mode fails the call (web methods / http functions: 14 s). */
  readonly deadline: number | null;
}

export const ANONYMOUS: CallIdentity = Object.freeze({ memberId: null, roles: Object.freeze([]) });
export const ADMIN_IDENTITY: CallIdentity = Object.freeze({ memberId: 'site-owner', roles: Object.freeze(['Admin'] as const) });

/** A member the local host knows (seeded recruiters, the admin). */
export interface LocalMember {
  readonly _id: string;
  readonly loginEmail: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly roles: readonly SiteRole[];
}

/** The injectable clock. Site code reads it through `src/backend/platform/clock.ts`. */
export interface LocalClock {
  now(): number;
}

/** What the shims in `local/wix/` need from the running host. Each part is pluggable. */
export interface LocalRuntimeParts {
  /** Implementation behind `@wix/data` `items` (see `local/data/`). */
  readonly dataItems: unknown;
  /** Secret values by name (`@wix/secrets`). */
  readonly secrets: { get(name: string): string | undefined };
  /** Members by id (`wix-members-backend`). */
  readonly members: { get(memberId: string): LocalMember | undefined };
  /** Outbound HTTP (`wix-fetch`); defaults to the global fetch. */
  readonly fetch: typeof globalThis.fetch;
  readonly clock: LocalClock;
}

interface Registry {
  parts: LocalRuntimeParts | null;
  calls: AsyncLocalStorage<CallContext>;
}

const REGISTRY_KEY = Symbol.for('recruiter-outreach.local-runtime');
/** The same symbol `src/backend/platform/clock.ts` looks for. */
export const CLOCK_KEY = Symbol.for('recruiter-outreach.clock');

type GlobalWithRegistry = typeof globalThis & { [REGISTRY_KEY]?: Registry; [CLOCK_KEY]?: LocalClock };

function registry(): Registry {
  const g = globalThis as GlobalWithRegistry;
  let r = g[REGISTRY_KEY];
  if (!r) {
    r = { parts: null, calls: new AsyncLocalStorage<CallContext>() };
    g[REGISTRY_KEY] = r;
  }
  return r;
}

/** Installs the host's parts; the clock also becomes visible to the site code's platform clock. */
export function installRuntime(parts: LocalRuntimeParts): void {
  registry().parts = parts;
  (globalThis as GlobalWithRegistry)[CLOCK_KEY] = parts.clock;
}

export function uninstallRuntime(): void {
  registry().parts = null;
  delete (globalThis as GlobalWithRegistry)[CLOCK_KEY];
}

export function runtime(): LocalRuntimeParts {
  const parts = registry().parts;
  if (!parts) {
    throw new Error('No local Wix host is installed: call installRuntime() (tests: see test/support/host.ts) before using Wix modules.');
  }
  return parts;
}

const DEFAULT_CONTEXT: CallContext = Object.freeze({ identity: ANONYMOUS, elevated: false, kind: 'script', deadline: null });

/** The current call; code outside any call (scripts) runs as an anonymous, unelevated caller. */
export function currentCall(): CallContext {
  return registry().calls.getStore() ?? DEFAULT_CONTEXT;
}

export function runInCall<T>(context: CallContext, fn: () => T): T {
  return registry().calls.run(context, fn);
}

/** Convenience for tests and scripts: run as the site admin, elevated (like a scheduled job). */
export function runAsAdmin<T>(fn: () => T): T {
  return runInCall({ identity: ADMIN_IDENTITY, elevated: true, kind: 'script', deadline: null }, fn);
}
