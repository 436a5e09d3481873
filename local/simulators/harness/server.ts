/**
 * The loopback HTTP server every simulator runs on: raw-body capture, routing, provider-shaped
 * harness errors, and a request-log entry per request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimClock } from './clock';
import { dialectError, type ErrorDialect } from './errors';
import { BodyParseError, formEntries, parseForm, parseJson, type SimRequest, type SimResponse } from './http';
import { previewBody, redactHeaders, RequestLog } from './requestLog';
import { Router } from './router';

export interface SimServerOptions {
  readonly clock: SimClock;
  /** Dialect for 404/405/413/400 produced by the harness itself. */
  readonly errorDialect: ErrorDialect;
  readonly requestLog?: RequestLog;
  /** Bodies larger than this get 413. Default 32 MB (SendGrid allows 30 MB messages). */
  readonly maxBodyBytes?: number;
  /** Characters of body kept in the log preview. Default 2000. */
  readonly previewBytes?: number;
  /** Paths for which no log entry is written (console assets, polling). */
  readonly skipLog?: (path: string) => boolean;
}

export class SimServer {
  readonly router = new Router();
  readonly log: RequestLog;
  readonly #clock: SimClock;
  readonly #dialect: ErrorDialect;
  readonly #maxBodyBytes: number;
  readonly #previewBytes: number;
  readonly #skipLog: (path: string) => boolean;
  #server: Server | null = null;
  #baseUrl: string | null = null;

  constructor(options: SimServerOptions) {
    this.#clock = options.clock;
    this.#dialect = options.errorDialect;
    this.log = options.requestLog ?? new RequestLog();
    this.#maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
    this.#previewBytes = options.previewBytes ?? 2000;
    this.#skipLog = options.skipLog ?? ((): boolean => false);
  }

  /** Listens on 127.0.0.1 (loopback only). Port 0 picks a free port. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.#server) throw new Error('simulator server already listening');
    const server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        // Aborted uploads and broken sockets: nothing sensible to answer.
        res.destroy();
      });
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    this.#server = server;
    this.#baseUrl = `http://${host}:${address.port}`;
    return this.#baseUrl;
  }

  get baseUrl(): string {
    if (!this.#baseUrl) throw new Error('simulator server is not listening');
    return this.#baseUrl;
  }

  get listening(): boolean {
    return this.#server !== null;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    this.#baseUrl = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Runs one request through the router without a socket (handy for unit tests). */
  async dispatch(input: { method: string; url: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<SimResponse> {
    const raw = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : (input.body ?? Buffer.alloc(0));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
    return this.#route(input.method.toUpperCase(), input.url, headers, raw);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = flattenHeaders(req);
    let response: SimResponse;
    let raw: Buffer = Buffer.alloc(0);
    const read = await readBody(req, this.#maxBodyBytes);
    if (read.kind === 'too-large') {
      response = dialectError(this.#dialect, 413, `request body exceeds ${this.#maxBodyBytes} bytes`);
    } else {
      raw = read.body;
      response = await this.#route(method, req.url ?? '/', headers, raw);
    }
    writeResponse(res, method, response);
  }

  async #route(method: string, url: string, headers: Record<string, string>, raw: Buffer): Promise<SimResponse> {
    const receivedAt = this.#clock.now();
    const parsed = splitTarget(url);
    const match = this.router.match(method, parsed.pathname);
    let response: SimResponse;
    let route: string | null = null;
    switch (match.kind) {
      case 'not-found':
        response = dialectError(this.#dialect, 404, `The requested resource ${parsed.pathname} was not found`);
        break;
      case 'method-not-allowed':
        response = dialectError(this.#dialect, 405, `method ${method} not allowed; allowed: ${match.allowed.join(', ')}`);
        break;
      case 'matched': {
        route = match.pattern;
        const request = buildRequest({ method, path: parsed.pathname, query: parsed.query, headers, raw, params: match.params, receivedAt });
        try {
          response = await match.handler(request);
        } catch (err) {
          response =
            err instanceof BodyParseError
              ? dialectError(this.#dialect, 400, err.message)
              : dialectError(this.#dialect, 500, `simulator error: ${err instanceof Error ? err.message : String(err)}`);
        }
        break;
      }
      default: {
        const exhaustive: never = match;
        throw new Error(`unhandled route match ${String(exhaustive)}`);
      }
    }
    if (!this.#skipLog(parsed.pathname)) {
      const previewBytes = this.#previewBytes;
      this.log.recordLazily({ at: receivedAt, method, path: parsed.pathname, query: parsed.search, bodyBytes: raw.length, status: response.status, route }, () => ({
        headers: redactHeaders(headers),
        bodyPreview: previewBody(raw, headers['content-type'] ?? '', previewBytes),
      }));
    }
    return response;
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

type BodyRead = { kind: 'ok'; body: Buffer } | { kind: 'too-large' };

/** The whole body, collected from the stream's events (no async iterator per request). */
function readBody(req: IncomingMessage, max: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer | string) => {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buf.length;
      if (size > max) tooLarge = true;
      else chunks.push(buf);
    });
    req.once('end', () => {
      if (tooLarge) resolve({ kind: 'too-large' });
      else resolve({ kind: 'ok', body: chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size) });
    });
    req.once('error', reject);
    // A request whose socket closes before its end never gets one.
    req.once('close', () => {
      if (!req.complete) reject(new Error('request closed before its body ended'));
    });
  });
}

/** `pathname`, `search` and parsed query of a request target, as `new URL(target, base)` gives them. */
export function splitTarget(target: string): { readonly pathname: string; readonly search: string; readonly query: URLSearchParams } {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const rest = q < 0 ? '' : target.slice(q + 1);
  // Targets WHATWG URL parsing leaves as they are (no dot segments, nothing it escapes): no URL object needed.
  if (PLAIN_PATH.test(path) && !path.startsWith('//') && !DOT_SEGMENT.test(path) && PLAIN_QUERY.test(rest)) {
    return { pathname: path, search: rest === '' ? '' : `?${rest}`, query: new URLSearchParams(rest) };
  }
  const parsed = new URL(target, 'http://simulator.local');
  return { pathname: parsed.pathname, search: parsed.search, query: parsed.searchParams };
}

const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const PLAIN_QUERY = /^[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*$/;
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?:\/|$)/i;

function buildRequest(args: {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  raw: Buffer;
  params: Record<string, string>;
  receivedAt: number;
}): SimRequest {
  const text = (): string => args.raw.toString('utf8');
  return {
    method: args.method,
    path: args.path,
    params: args.params,
    query: args.query,
    headers: args.headers,
    rawBody: args.raw,
    receivedAt: args.receivedAt,
    text,
    json: () => parseJson(text()),
    form: () => parseForm(text()),
    formEntries: () => formEntries(text()),
    header: (name) => args.headers[name.toLowerCase()],
  };
}

function writeResponse(res: ServerResponse, method: string, response: SimResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  // Text goes to `end` as a string: Node then writes the head and the body in one write.
  let payload: Buffer | string | null = null;
  const body = response.body;
  switch (body.kind) {
    case 'json':
      payload = JSON.stringify(body.value);
      headers['content-type'] ??= 'application/json; charset=utf-8';
      break;
    case 'text':
      payload = body.value;
      headers['content-type'] ??= body.contentType;
      break;
    case 'bytes':
      payload = body.value;
      headers['content-type'] ??= body.contentType;
      break;
    case 'empty':
      payload = null;
      break;
    default: {
      const exhaustive: never = body;
      throw new Error(`unhandled body ${String(exhaustive)}`);
    }
  }
  headers['content-length'] = String(payload === null ? 0 : typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length);
  res.writeHead(response.status, headers);
  if (method === 'HEAD' || payload === null) res.end();
  else res.end(payload);
}
