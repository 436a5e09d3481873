/**
 * The data server: one emulator (local/data) in its own thread or child process, serving the
 * requests of `createRemoteDataEmulator` (./index.ts) one at a time, in the order they were sent.
 * Started by ./index.ts under tsx; not meant to be imported.
 */
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { installRuntime, runInCall } from '../../runtime';
import shimFiles from '../../wix/modules.json';
import { createDataEmulator, type DataHooksModule, type LocalDataEmulator } from '../index';
import { probeSurface } from './probe';
import { DATA_PROCESS_FLAG, isThenable, type Reply, type Request, type WorkerEvent, type WorkerInit } from './protocol';
import { method, PageHandles, Replayer, toWireValue } from './replay';
import { toWireError } from './wire-errors';

/** Page results whose `next()`/`prev()` the worker keeps at most (the caller releases the ones it drops). */
const PAGE_HANDLE_LIMIT = 2000;

/**
 * A hooks module may import site code that imports Wix module names (`@wix/data`, …): resolve them to
 * the local shims, as the benches and the host do. In this thread `@wix/data` is this emulator.
 */
function resolveWixShims(): void {
  const shims: Readonly<Record<string, string>> = shimFiles;
  type Resolve = (request: string, ...rest: unknown[]) => string;
  const withResolver = Module as unknown as { _resolveFilename: Resolve };
  const original = withResolver._resolveFilename;
  withResolver._resolveFilename = function resolveWixShim(this: unknown, request: string, ...rest: unknown[]): string {
    const shim = shims[request];
    return original.call(this, shim ? join(__dirname, '..', '..', 'wix', shim) : request, ...rest);
  };
}

function loadHooks(file: string | null): DataHooksModule {
  if (file === null) return {};
  const loaded: unknown = createRequire(__filename)(file);
  return typeof loaded === 'object' && loaded !== null ? (loaded as DataHooksModule) : {};
}

/** How this server talks to its caller: a thread's port (with the blocking path) or the process's IPC channel. */
interface Link {
  post(message: unknown): void;
  onMessage(listener: (message: Request) => void): void;
  /** Thread placement only: the port and flag of synchronous requests. */
  readonly sync: { readonly port: MessagePort; readonly flag: Int32Array } | null;
}

function threadLink(port: MessagePort, init: WorkerInit & { readonly syncPort: MessagePort }): Link {
  return {
    post: (message) => port.postMessage(message),
    onMessage: (listener) => void port.on('message', listener),
    sync: init.syncFlag ? { port: init.syncPort, flag: new Int32Array(init.syncFlag) } : null,
  };
}

function processLink(): Link {
  return {
    post: (message) => process.send?.(message as Parameters<NonNullable<typeof process.send>>[0]),
    onMessage: (listener) => void process.on('message', (m) => listener(m as Request)),
    sync: null,
  };
}

async function main(port: Link, init: WorkerInit): Promise<void> {
  let emulator: LocalDataEmulator;
  try {
    resolveWixShims();
    const clock = init.clock;
    const now = clock ? (): number => clock.anchorMs + (Date.now() - clock.wallStartMs) : Date.now;
    emulator = createDataEmulator({ ...init.options, hooks: loadHooks(init.hooksModule), now });
    installRuntime({
      dataItems: emulator.items,
      secrets: { get: () => undefined },
      members: { get: () => undefined },
      fetch: globalThis.fetch,
      clock: { now },
    });
    const event: WorkerEvent = { kind: 'ready', surface: await probeSurface() };
    port.post(event);
  } catch (e) {
    const event: WorkerEvent = { kind: 'failed', error: toWireError(e) };
    port.post(event);
    return;
  }

  const items = emulator.items as unknown as Record<string, unknown>;
  const replayer = new Replayer(items);
  const pages = new PageHandles(PAGE_HANDLE_LIMIT);

  /** The request's work up to its first promise (a synchronous throw propagates). */
  const start = (req: Request): unknown => {
    switch (req.kind) {
      case 'call':
        return runInCall(req.call, () => method(items, req.name).apply(items, replayer.args(req.args)));
      case 'method': {
        const builder = replayer.build(req.target);
        const args = replayer.args(req.args);
        return runInCall(req.call, () => method(builder, req.name).apply(builder, args));
      }
      case 'prop': {
        const builder = replayer.build(req.target);
        return (builder as Record<string, unknown>)[req.name];
      }
      case 'page':
        return runInCall(req.call, () => pages.get(req.handle, req.name)());
      case 'stats':
        return emulator.stats();
      case 'resetStats':
        return emulator.resetStats();
      case 'cpu': {
        // The CPU time this process has used (the whole process: meaningful in the process placement).
        const used = process.cpuUsage();
        return used.user + used.system;
      }
      case 'close':
        return emulator.close();
      case 'release':
        return undefined;
    }
  };

  const send = (req: Request, reply: Reply): void => {
    const sync = req.sync ? port.sync : null;
    const post = sync ? (m: Reply): void => sync.port.postMessage(m) : (m: Reply): void => port.post(m);
    try {
      post(reply);
    } catch (e) {
      // A value that cannot be cloned (a function, a native handle) fails the request instead.
      post({ id: req.id, ok: false, error: toWireError(e), promised: reply.promised } satisfies Reply);
    }
    if (sync) {
      Atomics.store(sync.flag, 0, 1);
      Atomics.notify(sync.flag, 0);
    }
  };

  const handle = async (req: Request): Promise<void> => {
    if (req.release) pages.release(req.release);
    if (req.kind === 'release') return;
    let promised = false;
    try {
      let value = start(req);
      if (isThenable(value)) {
        promised = true;
        value = await value;
      }
      send(req, { id: req.id, ok: true, value: toWireValue(value, pages), promised });
    } catch (e) {
      send(req, { id: req.id, ok: false, error: toWireError(e), promised });
    }
  };

  // One request at a time, in arrival order: a write is applied before any later request starts.
  let tail: Promise<void> = Promise.resolve();
  port.onMessage((req: Request) => {
    tail = tail.then(() => handle(req));
  });
}

if (parentPort) {
  const init = workerData as WorkerInit & { readonly syncPort: MessagePort };
  void main(threadLink(parentPort, init), init);
} else if (process.argv.includes(DATA_PROCESS_FLAG) && process.send) {
  // The first message is the init; the caller's disconnect (close) ends the process.
  process.once('message', (init) => void main(processLink(), init as WorkerInit));
  process.once('disconnect', () => process.exit(0));
}
