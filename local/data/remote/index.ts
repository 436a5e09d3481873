/**
 * `createRemoteDataEmulator(options)`: the data emulator (local/data) in a `node:worker_threads`
 * Worker, with the same `items` surface in the calling thread, asynchronous. On Wix, data calls are
 * requests served elsewhere and cost the calling code no CPU; with the emulator in its own thread,
 * SQLite's work is not charged to the caller either (see README.md in local/data).
 *
 * The worker entry (./worker.ts) is TypeScript: the worker starts from a few lines of JavaScript that
 * register tsx's CommonJS hooks and then require it, which works the same under `tsx` scripts and
 * under jest (whose own transform does not reach worker threads).
 */
import { fork } from 'node:child_process';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DataEmulatorOptions, DataRequestStats, EmulatedItems } from '../index';
import { WorkerChannel, unwrap } from './channel';
import { processEndpoint, workerEndpoint, type Endpoint } from './endpoint';
import { DATA_PROCESS_FLAG, type WorkerEvent, type WorkerInit } from './protocol';
import { isForeign } from './realm';
import { createRemoteItems } from './recorder';
import { fromWireError } from './wire-errors';

export interface RemoteDataEmulatorOptions extends Pick<DataEmulatorOptions, 'dataDir' | 'collections' | 'strictCollections' | 'strict' | 'quotas'> {
  /**
   * Absolute path of a module whose exports are the data hooks (`<Collection>_<hook>`), loaded inside
   * the worker, e.g. `src/backend/data.ts`. Hooks are functions: they cannot be sent to a worker.
   */
  readonly hooksModule?: string;
  /** The worker's clock: `anchorMs + (Date.now() - wallStartMs)`. Default: `Date.now`. */
  readonly clock?: { readonly anchorMs: number; readonly wallStartMs: number };
  /**
   * `thread` (default): a Worker in this process. `process`: a child process, so the data layer's
   * memory is not in this process's RSS (synchronous members such as `explainPlan()` are then refused).
   */
  readonly placement?: 'thread' | 'process';
}

export interface RemoteDataEmulator {
  /** The same surface as `LocalDataEmulator['items']`; every data request is served by the worker. */
  readonly items: EmulatedItems;
  stats(): Promise<DataRequestStats>;
  resetStats(): Promise<void>;
  /**
   * CPU time (µs, user + system) the data server has used since it started: in the process placement
   * only (a thread's CPU is not told apart from its process's), `null` otherwise.
   */
  cpuMicros(): Promise<number | null>;
  /** Closes the store (after every request sent before) and terminates the worker. */
  close(): Promise<void>;
}

/** Runs in the new thread as plain JavaScript: tsx's require hooks first, then the TypeScript entry. */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
require(workerData.tsx).register();
require(workerData.entry);
`;

const TSX_TSCONFIG = 'TSX_TSCONFIG_PATH';

const REPO_ROOT = join(__dirname, '..', '..', '..');

/** The child process: worker.ts under tsx's require hooks, V8 serialization on the IPC channel. */
function startProcess(init: WorkerInit): Endpoint {
  const child = fork(join(__dirname, 'worker.ts'), [DATA_PROCESS_FLAG], {
    execArgv: ['--require', createRequire(join(REPO_ROOT, 'package.json')).resolve('tsx/cjs')],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [TSX_TSCONFIG]: process.env[TSX_TSCONFIG] ?? join(REPO_ROOT, 'tsconfig.json') },
  });
  const endpoint = processEndpoint(child);
  endpoint.post(init);
  return endpoint;
}

function startWorker(init: WorkerInit, syncPort: MessagePort): Worker {
  const repoRoot = REPO_ROOT;
  const tsx = createRequire(join(repoRoot, 'package.json')).resolve('tsx/cjs/api');
  return new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { ...init, syncPort, tsx, entry: join(__dirname, 'worker.ts') },
    transferList: [syncPort],
    // tsx reads the repository's tsconfig (path aliases) whatever the working directory.
    env: { ...process.env, [TSX_TSCONFIG]: process.env[TSX_TSCONFIG] ?? join(repoRoot, 'tsconfig.json') },
  });
}

export async function createRemoteDataEmulator(options: RemoteDataEmulatorOptions): Promise<RemoteDataEmulator> {
  const inProcess = options.placement !== 'process';
  const syncFlag = inProcess ? new SharedArrayBuffer(4) : null;
  const init: WorkerInit = {
    options: {
      dataDir: options.dataDir,
      collections: options.collections,
      ...(options.strictCollections !== undefined ? { strictCollections: options.strictCollections } : {}),
      ...(options.strict !== undefined ? { strict: options.strict } : {}),
      ...(options.quotas !== undefined ? { quotas: options.quotas } : {}),
    },
    hooksModule: options.hooksModule ?? null,
    clock: options.clock ?? null,
    syncFlag,
  };
  let endpoint: Endpoint;
  if (syncFlag) {
    const { port1, port2 } = new MessageChannel();
    endpoint = workerEndpoint(startWorker(init, port2), port1, new Int32Array(syncFlag));
  } else {
    endpoint = startProcess(init);
  }

  const event = await new Promise<WorkerEvent>((resolve, reject) => {
    let settled = false;
    endpoint.onMessage((msg: unknown) => {
      const e = msg as WorkerEvent;
      if (settled || (e.kind !== 'ready' && e.kind !== 'failed')) return;
      settled = true;
      resolve(e);
    });
    endpoint.onError((e) => {
      if (!settled) reject(e);
    });
    endpoint.onExit((code) => {
      if (!settled) reject(new Error(`The data server stopped while starting (exit code ${code}).`));
    });
  }).catch(async (e: unknown) => {
    await endpoint.terminate();
    throw e;
  });
  if (event.kind === 'failed') {
    await endpoint.terminate();
    throw fromWireError(event.error);
  }

  const channel = new WorkerChannel(endpoint, isForeign(event));
  const items = createRemoteItems(event.surface, channel) as unknown as EmulatedItems;
  let closing: Promise<void> | null = null;

  return {
    items,
    stats: async () => {
      const value = unwrap(await channel.request({ kind: 'stats' }));
      return (value.t === 'value' ? value.v : undefined) as DataRequestStats;
    },
    resetStats: async () => {
      unwrap(await channel.request({ kind: 'resetStats' }));
    },
    cpuMicros: async () => {
      if (inProcess) return null;
      const value = unwrap(await channel.request({ kind: 'cpu' }));
      return value.t === 'value' && typeof value.v === 'number' ? value.v : null;
    },
    close: () => {
      closing ??= (async () => {
        const closed = new Error('The data emulator is closed.');
        try {
          if (!channel.isStopped) {
            const last = channel.request({ kind: 'close' });
            channel.refuseNew(closed);
            unwrap(await last);
          }
        } finally {
          channel.stop(closed);
          await endpoint.terminate();
        }
      })();
      return closing;
    },
  };
}
