/**
 * Registry of developer consoles the home page links to (provider simulators' phone / inbox views,
 * data browsers…). A console either lives elsewhere (just a link) or is served by the host: pass
 * `handle` and the host routes every request under `path` to it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ConsoleRegistration {
  /** Short name shown on the home page, e.g. "SMS simulator". */
  readonly name: string;
  /** Absolute URL or a host path such as `/_local/consoles/sms`. */
  readonly path: string;
  readonly description: string;
  /** Optional: serve requests whose path starts with `path`. Return false to fall through (404). */
  readonly handle?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean | void> | boolean | void;
}

const KEY = Symbol.for('recruiter-outreach.host-consoles');
type WithConsoles = typeof globalThis & { [KEY]?: Map<string, ConsoleRegistration> };

function store(): Map<string, ConsoleRegistration> {
  const g = globalThis as WithConsoles;
  return (g[KEY] ??= new Map());
}

/** Registers (or replaces, by path) a console. Returns a function that unregisters it. */
export function registerConsole(console: ConsoleRegistration): () => void {
  if (!console.path.startsWith('/') && !/^https?:\/\//.test(console.path)) throw new Error(`Console path must start with / or http(s)://: ${console.path}`);
  store().set(console.path, console);
  return () => {
    if (store().get(console.path) === console) store().delete(console.path);
  };
}

export function listConsoles(): ConsoleRegistration[] {
  return [...store().values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The host-served console whose path prefixes `pathname`, if any. */
export function consoleFor(pathname: string): ConsoleRegistration | undefined {
  return listConsoles().find((c) => c.handle !== undefined && c.path.startsWith('/') && (pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)));
}
