/**
 * The local host's HTTP server: one node:http server on loopback dispatching to the http-functions
 * router, the web-method RPC, the host pages and the developer tools. Every part is injected, so
 * tests can run it with in-memory site modules.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalMember } from '../runtime';
import { consoleFor, listConsoles } from './consoles';
import { handleDataBrowser } from './data-routes';
import { handleHttpFunction, isFunctionsPath } from './functions-router';
import { readBody, redirect, safeLocalPath, send, sendHtml, sendJson, type Logger } from './http-util';
import { identityOf, type MemberCookies, type MemberDirectory } from './members';
import type { PageDef } from './pages-manifest';
import { handleWebMethods, WEB_METHODS_PREFIX } from './rpc';
import type { Scheduler } from './scheduler';
import { handleScheduler, isSchedulerPath } from './scheduler-routes';
import type { SitePaths } from './site';
import type { SiteModules } from './site-types';
import { serveFile, wShimScript } from './static';
import { homePage, notFoundPage, signInPage, wixPage } from './views';

export interface HostServerOptions {
  readonly paths: Pick<SitePaths, 'pagesDir' | 'appsDir' | 'siteDir'>;
  readonly site: SiteModules;
  readonly pages: readonly PageDef[];
  readonly members: MemberDirectory;
  readonly cookies: MemberCookies;
  readonly strict: boolean;
  readonly publicBaseUrl: () => string;
  readonly scheduler?: () => Scheduler | null;
  readonly schedulerUnavailable?: () => string;
  /** Web methods wait for this (first-run seeding). */
  readonly ready?: () => Promise<void>;
  readonly seedStatus?: () => string;
  readonly membersNote?: () => string | null;
  readonly secrets?: () => readonly { name: string; source: string }[];
  /** `@wix/data` items, for the read-only data browser. */
  readonly dataItems?: () => unknown;
  /** Strict-mode limit for web methods / http functions (default 14 s). */
  readonly timeoutMs?: number;
  readonly log: Logger;
}

export function createHostServer(options: HostServerOptions): http.Server {
  const server = http.createServer((req, res) => {
    dispatch(req, res, options).catch((error: unknown) => {
      options.log.error(`${req.method ?? '?'} ${req.url ?? '?'} failed`, error);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal Server Error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

export async function listen(server: http.Server, port: number, hostname = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

async function dispatch(req: IncomingMessage, res: ServerResponse, o: HostServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const { pathname } = url;
  const who = (): LocalMember | null => identityOf(req, o.cookies, o.members).member;

  if (isFunctionsPath(pathname)) {
    await handleHttpFunction(req, res, url, { httpFunctions: () => o.site.httpFunctions(), publicBaseUrl: o.publicBaseUrl, strict: o.strict, log: o.log, ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }) });
    return;
  }
  if (pathname.startsWith(`${WEB_METHODS_PREFIX}/`)) {
    await handleWebMethods(req, res, url, {
      site: o.site,
      identityOf: (r) => identityOf(r, o.cookies, o.members).identity,
      strict: o.strict,
      log: o.log,
      ...(o.ready ? { ready: o.ready } : {}),
      ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
    });
    return;
  }
  if (isSchedulerPath(pathname)) {
    await handleScheduler(req, res, url, {
      scheduler: o.scheduler ?? (() => null),
      unavailableReason: o.schedulerUnavailable ?? (() => 'No scheduler is running.'),
      memberOf: (r) => identityOf(r, o.cookies, o.members).member,
    });
    return;
  }
  if (pathname === '/_local/signin' || pathname === '/_local/signout') {
    await handleSignIn(req, res, url, o);
    return;
  }
  if (pathname.startsWith('/_local/api/data/')) {
    // Demo data holds phone numbers and emails: only a signed-in site admin may browse it.
    if (!identityOf(req, o.cookies, o.members).identity.roles.includes('Admin')) {
      sendJson(res, 403, { error: 'Sign in as the site admin (/_local/signin) to browse data.' });
      return;
    }
    await handleDataBrowser(res, url, o.dataItems?.());
    return;
  }
  const hosted = consoleFor(pathname);
  if (hosted?.handle) {
    const handled = await hosted.handle(req, res, url);
    if (handled !== false || res.headersSent) return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { error: `${req.method ?? '?'} ${pathname} is not supported` });
    return;
  }
  if (pathname === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  if (pathname === '/_local/w.js') {
    send(res, 200, wShimScript(), { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
    return;
  }
  if (pathname.startsWith('/_apps/')) return serveFile(res, o.paths.appsDir, pathname.slice('/_apps/'.length));
  if (pathname.startsWith('/_pages/')) return serveFile(res, o.paths.pagesDir, pathname.slice('/_pages/'.length));
  if (pathname.startsWith('/_public/')) return serveFile(res, `${o.paths.siteDir}/src/public`, pathname.slice('/_public/'.length));
  if (pathname === '/' || pathname === '/index.html') {
    sendHtml(
      res,
      200,
      homePage({
        pages: o.pages,
        consoles: listConsoles(),
        member: who(),
        seeding: o.seedStatus?.() ?? 'unknown',
        strict: o.strict,
        secrets: o.secrets?.() ?? [],
      }),
    );
    return;
  }
  const normalized = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const page = o.pages.find((p) => p.path === normalized);
  if (page) {
    sendHtml(res, 200, wixPage({ page, member: who(), webModules: o.site.webModuleNames(), wShim: wShimScript() }));
    return;
  }
  sendHtml(res, 404, notFoundPage(who(), pathname));
}

async function handleSignIn(req: IncomingMessage, res: ServerResponse, url: URL, o: HostServerOptions): Promise<void> {
  const current = identityOf(req, o.cookies, o.members).member;
  if (req.method === 'GET' && url.pathname === '/_local/signin') {
    const returnTo = safeLocalPath(url.searchParams.get('returnTo'));
    sendHtml(res, 200, signInPage({ members: o.members.list(), member: current, returnTo, note: o.membersNote?.() ?? null }));
    return;
  }
  if (req.method !== 'POST') {
    sendJson(res, 405, { error: 'Use POST to sign in or out' });
    return;
  }
  const body = await readBody(req, 16 * 1024);
  const form = new URLSearchParams(body.kind === 'ok' ? body.bytes.toString('utf8') : '');
  const returnTo = safeLocalPath(form.get('returnTo'));
  if (url.pathname === '/_local/signout') {
    redirect(res, returnTo, { 'set-cookie': o.cookies.setCookieHeader(null) });
    return;
  }
  const memberId = form.get('memberId') ?? '';
  if (!o.members.get(memberId)) {
    sendJson(res, 400, { error: `Unknown member ${memberId}` });
    return;
  }
  redirect(res, returnTo, { 'set-cookie': o.cookies.setCookieHeader(memberId) });
}
