/** Small helpers shared by the host's request handlers (no framework: node:http only). */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type BodyResult = { kind: 'ok'; bytes: Buffer } | { kind: 'too-large'; limit: number };

/** Stop buffering past the cap but keep draining up to this much, so the client can read our reply. */
const DRAIN_LIMIT = 32 * 1024 * 1024;

/** Reads the raw request body, keeping the exact bytes; over `limit` bytes the bytes are dropped. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      if (size > DRAIN_LIMIT) req.destroy();
    });
    req.on('end', () => resolve(tooLarge ? { kind: 'too-large', limit } : { kind: 'ok', bytes: Buffer.concat(chunks) }));
    req.on('close', () => {
      if (!req.complete) resolve(tooLarge ? { kind: 'too-large', limit } : { kind: 'ok', bytes: Buffer.concat(chunks) });
    });
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers });
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  send(res, status, html, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
}

export function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string>): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  res.end(bytes);
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(303, { location, ...headers, 'content-length': '0' });
  res.end();
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** For embedding JSON in a <script> element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out.set(name, decodeURIComponent(raw));
    } catch {
      out.set(name, raw);
    }
  }
  return out;
}

/** Only same-site paths: "/x", never "//host" or absolute URLs. */
export function safeLocalPath(value: string | null | undefined, fallback = '/'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
  return value;
}

export function clientIp(req: IncomingMessage): string {
  const raw = req.socket.remoteAddress ?? '';
  return raw.startsWith('::ffff:') ? raw.slice('::ffff:'.length) : raw;
}

/** Node already lower-cases header names; join repeated values the way fetch's Headers does. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export class DeadlineExceeded extends Error {
  constructor(readonly limitMs: number) {
    super(`Timed out: the call ran for more than ${limitMs / 1000} s`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Races `work` against a deadline. As on Wix, the work is not cancelled: it may keep running (and
 * writing) after the caller got its 504.
 */
export async function withDeadline<T>(work: Promise<T>, limitMs: number | null): Promise<T> {
  if (limitMs === null) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(limitMs)), limitMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(`[host] ${m}`),
  warn: (m) => console.warn(`[host] ${m}`),
  error: (m, e) => console.error(`[host] ${m}`, e instanceof Error ? (e.stack ?? e.message) : (e ?? '')),
};

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
