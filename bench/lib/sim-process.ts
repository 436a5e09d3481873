/**
 * A provider simulator in its own process for benches (as the provider is not in the site's
 * process): the bench's RSS and event loop hold only the site code and the SDK. The parent asks
 * over IPC for `reset`, `stats` and `stop`; the child serves them for whichever simulator it runs.
 * Parent side: `startSimProcess(file, options)`; child side: `serveSimProcess(file, start)` in that file.
 */
import { readFileSync } from 'node:fs';
import { fork, type ChildProcess } from 'node:child_process';
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks';
import { hostExecArgv } from './container';

const CHILD_FLAG = '--sim-child';

export interface SimProcess<S> {
  readonly baseUrl: string;
  /** Forgets every message. */
  reset(): Promise<void>;
  /** The simulator's own figures (messages stored, …), its RSS and the CPU time (µs) its process has used. */
  stats(): Promise<S & { readonly rssMb: number; readonly cpuUs: number }>;
  stop(): Promise<void>;
}

/** What the child runs: a started simulator's URL and its three operations. */
export interface SimChild<S> {
  readonly baseUrl: string;
  reset(): void;
  stats(): S;
  stop(): Promise<void>;
}

type Request = { readonly id: number; readonly op: 'reset' | 'stats' | 'stop' };
type Reply = { readonly id: number; readonly stats?: Record<string, number> } | { readonly ready: string };

/** Forks `file` (a module that calls `serveSimProcess`) with `options`, resolving once its simulator listens. */
export function startSimProcess<O, S>(file: string, options: O): Promise<SimProcess<S>> {
  const child: ChildProcess = fork(file, [CHILD_FLAG, JSON.stringify(options)], { execArgv: hostExecArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const waiting = new Map<number, (reply: Reply) => void>();
  const call = (op: Request['op']): Promise<Reply> =>
    new Promise((resolve) => {
      const id = nextId;
      nextId += 1;
      waiting.set(id, resolve);
      child.send({ id, op } satisfies Request);
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator process exited (${String(code)})`)));
    child.on('message', (raw: Reply) => {
      if ('ready' in raw) {
        resolve({
          baseUrl: raw.ready,
          reset: async () => void (await call('reset')),
          stats: async () => {
            const r = await call('stats');
            return ('id' in r ? (r.stats ?? {}) : {}) as S & { rssMb: number; cpuUs: number };
          },
          stop: async () => {
            child.removeAllListeners('exit');
            const exited = new Promise<void>((done) => child.once('exit', () => done()));
            await call('stop');
            await exited;
          },
        });
        return;
      }
      waiting.get(raw.id)?.(raw);
      waiting.delete(raw.id);
    });
  });
}

/** CPU time (µs, user + system, every thread) this process has used. */
export function cpuMicros(): number {
  const used = process.cpuUsage();
  return used.user + used.system;
}

/**
 * CPU time of the calling thread alone (µs; Linux `/proc/thread-self/stat`, 10 ms ticks), or `null`
 * where there is no such file. Beside the thread's event-loop active time it shows how long the
 * thread was ready to run but waited for a core.
 */
export function threadCpuMicros(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime: fields 14 and 15 of stat(5), 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) * (1_000_000 / 100);
  } catch {
    return null;
  }
}

/** Garbage-collection pauses of one thread: scavenges (young generation) apart from the full collections' work. */
export interface GcPauses {
  readonly totalUs: number;
  readonly scavenges: number;
  readonly scavengeUs: number;
  /** Mark-compact collections (their main-thread parts: finalisation, incremental steps, weak callbacks, counted in `fullUs`). */
  readonly fullCollections: number;
  readonly fullUs: number;
}

/** The `kind` of a `gc` entry's detail (Node's NODE_PERFORMANCE_GC_* constants). */
function gcKindOf(entry: object): number | null {
  const detail: unknown = 'detail' in entry ? entry.detail : null;
  return typeof detail === 'object' && detail !== null && 'kind' in detail && typeof detail.kind === 'number' ? detail.kind : null;
}

/**
 * Garbage-collection pauses of the calling thread (µs, from V8's `gc` performance entries) from
 * now on. The entries arrive a tick late: `stop()` waits one turn of the event loop, then returns the
 * totals and disconnects. Work V8's helper threads do meanwhile is not a pause and is not counted.
 */
export function gcPauseMeter(): { stop(): Promise<GcPauses> } {
  const totals = { totalUs: 0, scavenges: 0, scavengeUs: 0, fullCollections: 0, fullUs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const us = entry.duration * 1000;
      const kind = gcKindOf(entry);
      totals.totalUs += us;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) {
        totals.scavenges += 1;
        totals.scavengeUs += us;
      } else {
        if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) totals.fullCollections += 1;
        totals.fullUs += us;
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      observer.disconnect();
      return { ...totals };
    },
  };
}

/** In `file`'s child process only: starts the simulator and serves the parent's requests. */
export function serveSimProcess<O, S extends Record<string, number>>(start: (options: O) => Promise<SimChild<S>>): void {
  if (process.argv[2] !== CHILD_FLAG) return;
  const run = async (): Promise<void> => {
    const sim = await start(JSON.parse(process.argv[3] ?? '{}') as O);
    process.on('message', (raw: Request) => {
      void (async (): Promise<void> => {
        switch (raw.op) {
          case 'reset':
            sim.reset();
            process.send?.({ id: raw.id });
            return;
          case 'stats':
            process.send?.({ id: raw.id, stats: { ...sim.stats(), rssMb: Math.round(process.memoryUsage.rss() / 1048576), cpuUs: cpuMicros() } });
            return;
          case 'stop':
            await sim.stop();
            process.send?.({ id: raw.id }, () => process.exit(0));
            return;
        }
      })();
    });
    process.send?.({ ready: sim.baseUrl });
  };
  run().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
