/**
 * Web-method RPC, the way Wix's frontend proxies call `backend/<module>.web.js`:
 *
 *   POST /_webMethods/<module>.web/<function>   body: JSON array of arguments
 *     200 {"result": …}                         (JSON-serialised: Dates → ISO strings, undefined dropped)
 *     4xx/5xx {"error": {"message", "code"}}
 *   GET  /_webMethods/modules/<module>.web.js   an ES module exporting one async proxy per web method
 *
 * The caller is the member named by the sign-in cookie; the function's `Permissions` annotation is
 * enforced (Anyone / SiteMember / Admin). In strict mode a call that runs longer than 14 s gets a 504
 * while the function keeps running, as on Wix.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { runInCall, type CallIdentity } from '../runtime';
import { webMethodAnnotation, type Permissions } from '../wix/web-module';
import { DeadlineExceeded, readBody, send, sendJson, withDeadline, type Logger } from './http-util';
import { WIX_CALL_LIMIT_MS } from './functions-router';
import type { ModuleExports, SiteModules } from './site-types';

export const WEB_METHODS_PREFIX = '/_webMethods';
const ARGS_LIMIT = 4 * 1024 * 1024;

export type RpcErrorCode = 'BAD_REQUEST' | 'NOT_FOUND' | 'PERMISSION_DENIED' | 'TIMEOUT' | 'SERIALIZATION_ERROR' | 'INTERNAL_ERROR';

export interface RpcOptions {
  readonly site: Pick<SiteModules, 'webModule' | 'webModuleNames'>;
  readonly identityOf: (req: IncomingMessage) => CallIdentity;
  readonly strict: boolean;
  readonly timeoutMs?: number;
  /** Calls wait for this (e.g. first-run seeding) before running. */
  readonly ready?: () => Promise<void>;
  readonly log: Logger;
}

const ArgsSchema = z.array(z.unknown());
const NAME = /^[A-Za-z0-9_$][A-Za-z0-9_$.\-/]*$/;

export async function handleWebMethods(req: IncomingMessage, res: ServerResponse, url: URL, options: RpcOptions): Promise<void> {
  const rest = url.pathname.slice(WEB_METHODS_PREFIX.length);
  const moduleMatch = /^\/modules\/(.+)\.web\.js$/.exec(rest);
  if (moduleMatch && req.method === 'GET') {
    await serveProxyModule(res, decodeURIComponent(moduleMatch[1] ?? ''), options);
    return;
  }
  const callMatch = /^\/(.+)\.web\/([^/]+)$/.exec(rest);
  if (!callMatch) return rpcError(res, 404, 'NOT_FOUND', `No web method at ${url.pathname}`);
  if (req.method !== 'POST') return rpcError(res, 405, 'BAD_REQUEST', 'Web methods are called with POST');
  await callWebMethod(req, res, decodeURIComponent(callMatch[1] ?? ''), decodeURIComponent(callMatch[2] ?? ''), options);
}

async function callWebMethod(req: IncomingMessage, res: ServerResponse, moduleName: string, fnName: string, options: RpcOptions): Promise<void> {
  const body = await readBody(req, ARGS_LIMIT);
  if (body.kind === 'too-large') return rpcError(res, 413, 'BAD_REQUEST', 'Web method arguments are too large');
  let args: unknown[];
  try {
    const text = body.bytes.toString('utf8');
    args = ArgsSchema.parse(text.trim() === '' ? [] : JSON.parse(text));
  } catch {
    return rpcError(res, 400, 'BAD_REQUEST', 'The request body must be a JSON array of arguments');
  }

  const fn = await findWebMethod(moduleName, fnName, options);
  if (!fn) return rpcError(res, 404, 'NOT_FOUND', `Web method ${fnName} not found in backend/${moduleName}.web.js`);

  const identity = options.identityOf(req);
  const denial = permissionDenial(fn.permission, identity);
  if (denial) return rpcError(res, 403, 'PERMISSION_DENIED', denial);

  if (options.ready) await options.ready();
  const limit = options.strict ? (options.timeoutMs ?? WIX_CALL_LIMIT_MS) : null;
  const deadline = Date.now() + (options.timeoutMs ?? WIX_CALL_LIMIT_MS);
  let result: unknown;
  try {
    result = await withDeadline(
      Promise.resolve(runInCall({ identity, elevated: false, kind: 'webMethod', deadline }, () => fn.call(...args))),
      limit,
    );
  } catch (error) {
    if (error instanceof DeadlineExceeded) {
      options.log.warn(`web method ${moduleName}.${fnName}: 504 after ${error.limitMs} ms (it may still be running)`);
      return rpcError(res, 504, 'TIMEOUT', `Web method ${fnName} timed out after ${error.limitMs / 1000} s`);
    }
    const { message, code } = describeError(error);
    options.log.warn(`web method ${moduleName}.${fnName} failed: ${message}`);
    return rpcError(res, 500, code, message);
  }
  let json: string;
  try {
    json = JSON.stringify({ result });
  } catch (error) {
    return rpcError(res, 500, 'SERIALIZATION_ERROR', `The result of ${fnName} is not JSON-serialisable: ${describeError(error).message}`);
  }
  send(res, 200, json, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
}

interface FoundWebMethod {
  readonly permission: Permissions;
  call(...args: unknown[]): unknown;
}

async function findWebMethod(moduleName: string, fnName: string, options: RpcOptions): Promise<FoundWebMethod | null> {
  if (!NAME.test(moduleName) || !/^[A-Za-z_$][\w$]*$/.test(fnName)) return null;
  if (!options.site.webModuleNames().includes(moduleName)) return null;
  const mod = await options.site.webModule(moduleName);
  if (!mod || !Object.prototype.hasOwnProperty.call(mod, fnName)) return null;
  const value = mod[fnName];
  const annotation = webMethodAnnotation(value);
  if (!annotation || typeof value !== 'function') return null;
  const fn = value as (...args: unknown[]) => unknown;
  return { permission: annotation.permission, call: (...args) => fn(...args) };
}

/** Null when allowed, else the reason (the 403 message). */
export function permissionDenial(permission: Permissions, identity: CallIdentity): string | null {
  switch (permission) {
    case 'Anyone':
      return null;
    case 'SiteMember':
      return identity.memberId !== null ? null : 'Permission denied: this web method requires a signed-in site member';
    case 'Admin':
      return identity.roles.includes('Admin') ? null : 'Permission denied: this web method requires the Admin role';
    default: {
      const unreachable: never = permission;
      return `Permission denied: unknown permission ${String(unreachable)}`;
    }
  }
}

function describeError(error: unknown): { message: string; code: RpcErrorCode | string } {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return { message: error.message, code: typeof code === 'string' || typeof code === 'number' ? String(code) : 'INTERNAL_ERROR' };
  }
  return { message: String(error), code: 'INTERNAL_ERROR' };
}

function rpcError(res: ServerResponse, status: number, code: RpcErrorCode | string, message: string): void {
  sendJson(res, status, { error: { message, code } }, { 'cache-control': 'no-store' });
}

/** The browser-side proxy module for one web module (what `import … from 'backend/x.web'` gets). */
async function serveProxyModule(res: ServerResponse, moduleName: string, options: RpcOptions): Promise<void> {
  const mod = options.site.webModuleNames().includes(moduleName) ? await options.site.webModule(moduleName) : null;
  if (!mod) {
    send(res, 404, `throw new Error(${JSON.stringify(`backend/${moduleName}.web.js not found`)});\n`, { 'content-type': 'text/javascript; charset=utf-8' });
    return;
  }
  send(res, 200, proxyModuleSource(moduleName, mod), { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
}

export function proxyModuleSource(moduleName: string, mod: ModuleExports): string {
  const names = Object.keys(mod).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && webMethodAnnotation(mod[k]) !== null).sort();
  const endpoint = `${WEB_METHODS_PREFIX}/${moduleName.split('/').map(encodeURIComponent).join('/')}.web/`;
  const lines = [
    `// Proxies for backend/${moduleName}.web.js, generated by the local Wix host.`,
    `const endpoint = ${JSON.stringify(endpoint)};`,
    'async function call(name, args) {',
    "  const res = await fetch(endpoint + name, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) });",
    '  let body;',
    '  try { body = await res.json(); } catch { throw new Error(`Web method ${name} failed with HTTP ${res.status}`); }',
    '  if (body && body.error) { const e = new Error(body.error.message); e.code = body.error.code; e.status = res.status; throw e; }',
    '  return body ? body.result : undefined;',
    '}',
    ...names.map((n) => `export function ${n}(...args) { return call(${JSON.stringify(n)}, args); }`),
    '',
  ];
  return lines.join('\n');
}
