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
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DataEmulatorOptions, DataRequestStats, EmulatedItems } from '../index';
import { WorkerChannel, unwrap } from './channel';
import type { WorkerEvent, WorkerInit } from './protocol';
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
}

export interface RemoteDataEmulator {
  /** The same surface as `LocalDataEmulator['items']`; every data request is served by the worker. */
  readonly items: EmulatedItems;
  stats(): Promise<DataRequestStats>;
  resetStats(): Promise<void>;
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

function startWorker(init: WorkerInit, syncPort: MessagePort): Worker {
  const repoRoot = join(__dirname, '..', '..', '..');
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
  const { port1, port2 } = new MessageChannel();
  const syncFlag = new SharedArrayBuffer(4);
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
  const worker = startWorker(init, port2);

  const event = await new Promise<WorkerEvent>((resolve, reject) => {
    const onMessage = (msg: unknown): void => {
      const e = msg as WorkerEvent;
      if (e.kind !== 'ready' && e.kind !== 'failed') return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      worker.off('exit', onExit);
      resolve(e);
    };
    const onExit = (code: number): void => reject(new Error(`The data worker stopped while starting (exit code ${code}).`));
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', onExit);
  }).catch(async (e: unknown) => {
    port1.close();
    await worker.terminate();
    throw e;
  });
  if (event.kind === 'failed') {
    port1.close();
    await worker.terminate();
    throw fromWireError(event.error);
  }

  const channel = new WorkerChannel(worker, port1, new Int32Array(syncFlag), isForeign(event));
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
          port1.close();
          await worker.terminate();
        }
      })();
      return closing;
    },
  };
}
