/**
 * Request/response shapes for simulator routes, body parsing (form with repeated keys, JSON) and
 * Basic/Bearer auth helpers.
 */
import { timingSafeEqual } from 'node:crypto';
import { memoize } from '../../memo';

/** x-www-form-urlencoded params: a repeated key becomes an array (Twilio sends `MediaUrl` that way). */
export type FormParams = Record<string, string | string[]>;

export interface SimRequest {
  readonly method: string;
  /** Path without the query string, percent-decoded per segment by the router for params only. */
  readonly path: string;
  /** Named params from the route pattern (`/Accounts/:sid/Messages.json` → `{ sid }`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body exactly as received. */
  readonly rawBody: Buffer;
  /** Simulator clock at arrival, epoch ms. */
  readonly receivedAt: number;
  text(): string;
  /** Parsed JSON, or a `BodyParseError` thrown for malformed JSON. */
  json(): unknown;
  form(): FormParams;
  /** Form pairs in wire order. */
  formEntries(): [string, string][];
  header(name: string): string | undefined;
}

export type SimResponseBody =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'text'; readonly value: string; readonly contentType: string }
  | { readonly kind: 'bytes'; readonly value: Buffer; readonly contentType: string }
  | { readonly kind: 'empty' };

export interface SimResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: SimResponseBody;
}

export type RouteHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export class BodyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyParseError';
  }
}

export function parseForm(raw: string): FormParams {
  const out: FormParams = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

export function formEntries(raw: string): [string, string][] {
  return [...new URLSearchParams(raw)];
}

/** First value of a form field (repeated keys → the first one). */
export function formValue(params: FormParams, key: string): string | undefined {
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
}

/** All values of a form field, in wire order. */
export function formValues(params: FormParams, key: string): string[] {
  const v = params[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Serialise form params the way Twilio sends them (repeated keys). */
export function encodeForm(params: Readonly<FormParams>): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const v of value) out.append(key, v);
    else out.append(key, value);
  }
  return out.toString();
}

export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw new BodyParseError(`malformed JSON body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Auth helpers
// ---------------------------------------------------------------------------------------------

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/** Decoded Basic headers (a client sends the same one on every request), a few kept. */
const decodedBasic = memoize(decodeBasic, 32);

export function parseBasicAuth(header: string | undefined): BasicCredentials | null {
  return header ? decodedBasic(header) : null;
}

function decodeBasic(header: string): BasicCredentials | null {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return Object.freeze({ username: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
}

export function parseBearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Constant-time string comparison (length leak only). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

/** True when the request carries Basic auth equal to one of the accepted username/password pairs. */
export function checkBasicAuth(req: SimRequest, accepted: readonly BasicCredentials[]): BasicCredentials | null {
  const creds = parseBasicAuth(req.header('authorization'));
  if (!creds) return null;
  for (const ok of accepted) {
    if (safeEqual(creds.username, ok.username) && safeEqual(creds.password, ok.password)) return creds;
  }
  return null;
}

/** The accepted bearer token the request carries, or null. */
export function checkBearer(req: SimRequest, accepted: readonly string[]): string | null {
  const token = parseBearer(req.header('authorization'));
  if (token === null) return null;
  return accepted.find((ok) => safeEqual(token, ok)) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Response builders
// ---------------------------------------------------------------------------------------------

export function jsonResponse(status: number, value: unknown, headers?: Record<string, string>): SimResponse {
  return { status, body: { kind: 'json', value }, ...(headers ? { headers } : {}) };
}

export function textResponse(status: number, value: string, contentType = 'text/plain; charset=utf-8', headers?: Record<string, string>): SimResponse {
  return { status, body: { kind: 'text', value, contentType }, ...(headers ? { headers } : {}) };
}

export function htmlResponse(status: number, html: string): SimResponse {
  return textResponse(status, html, 'text/html; charset=utf-8');
}

export function emptyResponse(status: number, headers?: Record<string, string>): SimResponse {
  return { status, body: { kind: 'empty' }, ...(headers ? { headers } : {}) };
}

export function redirectResponse(location: string, status = 303): SimResponse {
  return emptyResponse(status, { location });
}
