/**
 * A small router: method + path pattern with `:named` params and a trailing `*` wildcard.
 * Patterns are matched segment by segment against the raw path; param values are percent-decoded.
 * Twilio SIDs include the `.json` suffix in the same segment, so a segment may mix literal text and
 * one param: `/Messages/:sid.json`.
 */
import type { RouteHandler } from './http';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

interface Segment {
  readonly prefix: string;
  readonly param: string | null;
  readonly suffix: string;
}

interface CompiledRoute {
  readonly method: HttpMethod | '*';
  readonly pattern: string;
  readonly segments: readonly Segment[];
  readonly wildcard: boolean;
  readonly handler: RouteHandler;
}

export type RouteMatch =
  | { readonly kind: 'matched'; readonly handler: RouteHandler; readonly params: Record<string, string>; readonly pattern: string }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

function compileSegment(text: string): Segment {
  const match = /^([^:]*):([A-Za-z_][A-Za-z0-9_]*)(.*)$/.exec(text);
  if (!match) return { prefix: text, param: null, suffix: '' };
  return { prefix: match[1] ?? '', param: match[2] ?? null, suffix: match[3] ?? '' };
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export class Router {
  readonly #routes: CompiledRoute[] = [];

  add(method: HttpMethod | '*', pattern: string, handler: RouteHandler): this {
    const parts = splitPath(pattern);
    const wildcard = parts[parts.length - 1] === '*';
    if (wildcard) parts.pop();
    this.#routes.push({ method, pattern, segments: parts.map(compileSegment), wildcard, handler });
    return this;
  }

  get(pattern: string, handler: RouteHandler): this {
    return this.add('GET', pattern, handler);
  }

  post(pattern: string, handler: RouteHandler): this {
    return this.add('POST', pattern, handler);
  }

  delete(pattern: string, handler: RouteHandler): this {
    return this.add('DELETE', pattern, handler);
  }

  match(method: string, path: string): RouteMatch {
    const parts = splitPath(path);
    const allowed = new Set<string>();
    for (const route of this.#routes) {
      const params = matchSegments(route, parts);
      if (!params) continue;
      if (route.method === '*' || route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        return { kind: 'matched', handler: route.handler, params, pattern: route.pattern };
      }
      allowed.add(route.method);
    }
    return allowed.size > 0 ? { kind: 'method-not-allowed', allowed: [...allowed] } : { kind: 'not-found' };
  }

  /** Registered patterns, for the console. */
  list(): { method: string; pattern: string }[] {
    return this.#routes.map((r) => ({ method: r.method, pattern: r.pattern }));
  }
}

function matchSegments(route: CompiledRoute, parts: readonly string[]): Record<string, string> | null {
  if (route.wildcard ? parts.length < route.segments.length : parts.length !== route.segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i += 1) {
    const seg = route.segments[i];
    const part = parts[i];
    if (seg === undefined || part === undefined) return null;
    if (seg.param === null) {
      if (seg.prefix !== part) return null;
      continue;
    }
    if (!part.startsWith(seg.prefix) || !part.endsWith(seg.suffix)) return null;
    const value = part.slice(seg.prefix.length, part.length - seg.suffix.length);
    if (value.length === 0) return null;
    params[seg.param] = decodeSegment(value);
  }
  if (route.wildcard) params['*'] = parts.slice(route.segments.length).map(decodeSegment).join('/');
  return params;
}
