/**
 * The Twilio simulator for benches, in its own process (as Twilio is not in the site's process): the
 * bench's RSS and event loop hold only the site code and the SDK. Loopback only, high per-sender
 * throughput, no webhook delivery. Its clock is the bench's (same anchor, same wall start), so
 * `DateSent` windows match the site clock.
 * Parent side: `startSimulatorProcess({ anchorMs, wallStartMs, mps })`; child side: this file run with `--sim-child`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createTwilioSimulator } from '../../local/simulators/twilio';

export interface SimulatorProcess {
  readonly baseUrl: string;
  /** Forgets every message (between the bare loop and the campaign). */
  reset(): Promise<void>;
  /** Messages the simulator stores, and its own RSS. */
  stats(): Promise<{ messages: number; rssMb: number }>;
  stop(): Promise<void>;
}

type Request = { readonly id: number; readonly op: 'reset' | 'stats' | 'stop' };
type Reply = { readonly id: number; readonly messages?: number; readonly rssMb?: number } | { readonly ready: string };

export interface SimulatorClockOptions {
  readonly anchorMs: number;
  readonly wallStartMs: number;
  /** Segments per second per sender. */
  readonly mps: number;
}

export function startSimulatorProcess(options: SimulatorClockOptions): Promise<SimulatorProcess> {
  const child: ChildProcess = fork(__filename, ['--sim-child', JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
            return { messages: 'id' in r ? (r.messages ?? 0) : 0, rssMb: 'id' in r ? (r.rssMb ?? 0) : 0 };
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

async function childMain(options: SimulatorClockOptions): Promise<void> {
  const clock = { now: (): number => options.anchorMs + (Date.now() - options.wallStartMs) };
  const sim = createTwilioSimulator({ clock, seed: 42, defaultMps: options.mps, autoDeliver: false, webhooks: { duplicateRate: 0, delayMs: [0, 0], reorderJitterMs: 0 } });
  const baseUrl = await sim.start(0);
  process.on('message', (raw: Request) => {
    void (async (): Promise<void> => {
      switch (raw.op) {
        case 'reset':
          sim.reset();
          process.send?.({ id: raw.id });
          return;
        case 'stats':
          process.send?.({ id: raw.id, messages: sim.engine.store.size, rssMb: Math.round(process.memoryUsage.rss() / 1048576) });
          return;
        case 'stop':
          await sim.stop();
          process.send?.({ id: raw.id }, () => process.exit(0));
          return;
      }
    })();
  });
  process.send?.({ ready: baseUrl });
}

if (require.main === module && process.argv[2] === '--sim-child') {
  childMain(JSON.parse(process.argv[3] ?? '{}') as SimulatorClockOptions).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
