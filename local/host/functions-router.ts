/**
 * The http-functions router: `/_functions/<name>/<...path>` and `/_functions-dev/<name>/...` call
 * `<method>_<name>` of backend/http-functions.js, else `use_<name>` (reference §2.2). Calls run as an
 * anonymous visitor, as on Wix (no member context for server-to-server calls).
 */
import type { WixHttpFunctionRequest } from 'wix-http-functions';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ANONYMOUS, runInCall } from '../runtime';
import { DeadlineExceeded, clientIp, flatHeaders, readBody, send, sendJson, withDeadline, type Logger } from './http-util';
import type { ModuleExports } from './site-types';

export const HTTP_FUNCTION_BODY_LIMIT = 512 * 1024;
export const WIX_CALL_LIMIT_MS = 14_000;

const METHOD_PREFIXES = { GET: 'get', POST: 'post', PUT: 'put', DELETE: 'delete', OPTIONS: 'options' } as const;

export interface FunctionsRouterOptions {
  readonly httpFunctions: () => Promise<ModuleExports | null>;
  /** PUBLIC_BASE_URL (e.g. http://127.0.0.1:8080); `baseUrl` = this + '/_functions' or '/_functions-dev'. */
  readonly publicBaseUrl: () => string;
  /** Strict mode: 504 after `timeoutMs` (default 14 s). */
  readonly strict: boolean;
  readonly timeoutMs?: number;
  readonly log: Logger;
}

const ResponseSchema = z.object({
  status: z.number().int().min(100).max(599),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).optional(),
});

export function isFunctionsPath(pathname: string): boolean {
  return /^\/_functions(-dev)?(\/|$)/.test(pathname);
}

export async function handleHttpFunction(req: IncomingMessage, res: ServerResponse, url: URL, options: FunctionsRouterOptions): Promise<void> {
  const m = /^\/(_functions(?:-dev)?)(?:\/([^/]*))?(\/.*)?$/.exec(url.pathname);
  const prefix = m?.[1] ?? '_functions';
  const functionName = decodeSegment(m?.[2] ?? '');
  const method = (req.method ?? 'GET').toUpperCase();
  const headers = flatHeaders(req);

  const body = await readBody(req, HTTP_FUNCTION_BODY_LIMIT);
  if (body.kind === 'too-large') {
    sendJson(res, 413, { error: `Request body exceeds the ${HTTP_FUNCTION_BODY_LIMIT / 1024} KB limit for Wix http functions` }, { connection: 'close' });
    return;
  }
  if (method === 'DELETE' && (body.bytes.length > 0 || /^application\/json\b/i.test(headers['content-type'] ?? ''))) {
    sendJson(res, 400, { error: 'A DELETE request to an http function cannot have a body or a Content-Type: application/json header' });
    return;
  }

  const mod = functionName === '' ? null : await options.httpFunctions();
  const handler = mod ? pickHandler(mod, method, functionName) : null;
  if (!handler) {
    sendJson(res, 404, { error: `No http function handles ${method} /${prefix}/${functionName}` });
    return;
  }

  const raw = body.bytes;
  const request: WixHttpFunctionRequest = {
    method,
    path: (m?.[3] ?? '').split('/').filter((s) => s !== '').map(decodeSegment),
    query: Object.fromEntries(url.searchParams.entries()),
    headers,
    url: options.publicBaseUrl() + url.pathname + url.search,
    baseUrl: `${options.publicBaseUrl()}/${prefix}`,
    functionName,
    ip: clientIp(req),
    body: {
      text: async () => raw.toString('utf8'),
      json: async (): Promise<unknown> => JSON.parse(raw.toString('utf8')),
      buffer: async () => Buffer.from(raw),
    },
  };

  const limit = options.strict ? (options.timeoutMs ?? WIX_CALL_LIMIT_MS) : null;
  const deadline = limit === null ? null : Date.now() + limit;
  let returned: unknown;
  try {
    returned = await withDeadline(
      Promise.resolve(runInCall({ identity: ANONYMOUS, elevated: false, kind: 'httpFunction', deadline }, () => handler(request))),
      limit,
    );
  } catch (error) {
    if (error instanceof DeadlineExceeded) {
      options.log.warn(`http function ${functionName}: 504 after ${error.limitMs} ms (it may still be running)`);
      sendJson(res, 504, { error: 'Gateway Timeout: the http function ran for more than 14 seconds' });
      return;
    }
    options.log.error(`http function ${method} ${functionName} threw`, error);
    sendJson(res, 500, { error: 'Internal Server Error' });
    return;
  }
  writeWixResponse(res, returned, functionName, options.log);
}

function pickHandler(mod: ModuleExports, method: string, name: string): ((req: WixHttpFunctionRequest) => unknown) | null {
  const prefix = (METHOD_PREFIXES as Readonly<Record<string, string>>)[method];
  const specific = prefix === undefined ? undefined : mod[`${prefix}_${name}`];
  const candidate = typeof specific === 'function' ? specific : mod[`use_${name}`];
  return typeof candidate === 'function' ? (candidate as (req: WixHttpFunctionRequest) => unknown) : null;
}

/** Maps `{status, body, headers}` to bytes: objects → JSON, strings as-is, Buffers raw. */
export function writeWixResponse(res: ServerResponse, returned: unknown, functionName: string, log: Logger): void {
  const parsed = ResponseSchema.safeParse(returned);
  if (!parsed.success) {
    log.error(`http function ${functionName} returned something that is not a Wix response ({status, body?, headers?})`);
    sendJson(res, 500, { error: 'Internal Server Error' });
    return;
  }
  const { status, body } = parsed.data;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.data.headers ?? {})) headers[k.toLowerCase()] = v;
  let bytes: Buffer;
  if (body === undefined || body === null) {
    bytes = Buffer.alloc(0);
  } else if (Buffer.isBuffer(body)) {
    bytes = body;
    headers['content-type'] ??= 'application/octet-stream';
  } else if (body instanceof Uint8Array) {
    bytes = Buffer.from(body);
    headers['content-type'] ??= 'application/octet-stream';
  } else if (typeof body === 'string') {
    bytes = Buffer.from(body, 'utf8');
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    bytes = Buffer.from(JSON.stringify(body), 'utf8');
    headers['content-type'] ??= 'application/json';
  }
  send(res, status, bytes, headers);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
