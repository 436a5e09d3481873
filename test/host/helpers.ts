/** Runs the host's HTTP server on 127.0.0.1:0 with in-memory site modules (no build, no loader). */
import type http from 'node:http';
import { installRuntime, uninstallRuntime, type LocalMember } from '../../local/runtime';
import { silentLogger } from '../../local/host/http-util';
import { MemberCookies, MemberDirectory } from '../../local/host/members';
import type { PageDef } from '../../local/host/pages-manifest';
import { createHostServer, listen, type HostServerOptions } from '../../local/host/server';
import type { ModuleExports, SiteModules } from '../../local/host/site-types';

export const RECRUITER: LocalMember = { _id: 'member-recruiter-1', loginEmail: 'r1@example.test', firstName: 'Rita', lastName: 'Recruiter', roles: ['SiteMember'] };
export const ADMIN: LocalMember = { _id: 'member-admin', loginEmail: 'admin@example.test', firstName: 'Ada', lastName: 'Admin', roles: ['Admin'] };

export interface TestHost {
  readonly base: string;
  readonly cookies: MemberCookies;
  /** The Cookie header a browser would send after signing in as `memberId`. */
  cookieFor(memberId: string): string;
  close(): Promise<void>;
}

export function fakeSite(parts: { httpFunctions?: ModuleExports; webModules?: Record<string, ModuleExports>; files?: Record<string, ModuleExports> }): SiteModules {
  return {
    httpFunctions: async () => parts.httpFunctions ?? null,
    webModuleNames: () => Object.keys(parts.webModules ?? {}),
    webModule: async (name) => parts.webModules?.[name] ?? null,
    backendFile: async (location) => parts.files?.[location] ?? null,
  };
}

export async function startTestHost(
  site: SiteModules,
  options: Partial<Omit<HostServerOptions, 'site' | 'members' | 'cookies' | 'log' | 'paths'>> & { members?: LocalMember[]; pages?: PageDef[]; paths?: HostServerOptions['paths'] } = {},
): Promise<TestHost> {
  const members = new MemberDirectory(options.members ?? [RECRUITER, ADMIN]);
  const cookies = new MemberCookies(Buffer.alloc(32, 7));
  installRuntime({
    dataItems: null,
    secrets: { get: () => undefined },
    members,
    fetch: globalThis.fetch,
    clock: { now: () => Date.parse('2026-01-15T15:00:00Z') },
  });
  let base = 'http://127.0.0.1:0';
  const server: http.Server = createHostServer({
    ...options,
    paths: options.paths ?? { pagesDir: '/nonexistent/pages', appsDir: '/nonexistent/apps', siteDir: '/nonexistent/site' },
    site,
    pages: options.pages ?? [],
    members,
    cookies,
    strict: options.strict ?? false,
    publicBaseUrl: options.publicBaseUrl ?? (() => base),
    log: silentLogger,
  });
  const port = await listen(server, 0);
  base = `http://127.0.0.1:${port}`;
  return {
    base,
    cookies,
    cookieFor: (memberId) => `wixLocalMember=${encodeURIComponent(cookies.value(memberId))}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      uninstallRuntime();
    },
  };
}
