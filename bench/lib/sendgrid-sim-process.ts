/**
 * The SendGrid simulator for benches, in its own process (as SendGrid is not in the site's process):
 * the bench's RSS and event loop hold only the site code and the SDK. Loopback only; the Event
 * Webhook is off and recipients do not engage (the bench measures sending), and only the newest
 * 1000 messages keep their rendered content. Its clock is the bench's (same anchor, same wall start).
 * Parent side: `startSendGridSimulatorProcess({ anchorMs, wallStartMs })`; child side: this file run with `--sim-child`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createSendGridSimulator } from '../../local/simulators/sendgrid';

export interface SendGridSimulatorProcess {
  readonly baseUrl: string;
  /** Forgets every message. */
  reset(): Promise<void>;
  /** Messages the simulator stores (one per recipient), Mail Send requests it answered 202, and its own RSS. */
  stats(): Promise<{ messages: number; requests: number; rssMb: number }>;
  stop(): Promise<void>;
}

type Request = { readonly id: number; readonly op: 'reset' | 'stats' | 'stop' };
type Reply = { readonly id: number; readonly messages?: number; readonly requests?: number; readonly rssMb?: number } | { readonly ready: string };

export interface SendGridSimulatorClock {
  readonly anchorMs: number;
  readonly wallStartMs: number;
}

export function startSendGridSimulatorProcess(options: SendGridSimulatorClock): Promise<SendGridSimulatorProcess> {
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
    child.once('exit', (code) => reject(new Error(`sendgrid simulator process exited (${String(code)})`)));
    child.on('message', (raw: Reply) => {
      if ('ready' in raw) {
        resolve({
          baseUrl: raw.ready,
          reset: async () => void (await call('reset')),
          stats: async () => {
            const r = await call('stats');
            return 'id' in r ? { messages: r.messages ?? 0, requests: r.requests ?? 0, rssMb: r.rssMb ?? 0 } : { messages: 0, requests: 0, rssMb: 0 };
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

async function childMain(options: SendGridSimulatorClock): Promise<void> {
  const clock = { now: (): number => options.anchorMs + (Date.now() - options.wallStartMs) };
  const sim = createSendGridSimulator({
    clock,
    seed: 42,
    webhook: { enabled: false },
    engagement: { openRate: 0, clickRate: 0, machineOpenShare: 0 },
    contentRetention: 1_000,
    autoDeliver: false,
  });
  const baseUrl = await sim.start(0);
  process.on('message', (raw: Request) => {
    void (async (): Promise<void> => {
      switch (raw.op) {
        case 'reset':
          sim.reset();
          process.send?.({ id: raw.id });
          return;
        case 'stats': {
          const mails = sim.engine.mails({});
          const requests = new Set(mails.map((m) => m.xMessageId)).size;
          process.send?.({ id: raw.id, messages: mails.length, requests, rssMb: Math.round(process.memoryUsage.rss() / 1048576) });
          return;
        }
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
  childMain(JSON.parse(process.argv[3] ?? '{}') as SendGridSimulatorClock).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
