/**
 * The SendGrid simulator for benches, in its own process (see sim-process.ts): loopback only; the
 * Event Webhook is off and recipients do not engage (the bench measures sending), and only the
 * newest 1000 messages keep their rendered content. Its clock is the bench's (same anchor, same wall start).
 */
import { createSendGridSimulator } from '../../local/simulators/sendgrid';
import { serveSimProcess, startSimProcess, type SimProcess } from './sim-process';

export interface SendGridSimulatorClock {
  readonly anchorMs: number;
  readonly wallStartMs: number;
}

/** Messages stored (one per recipient) and Mail Send requests answered 202 (and its RSS, from `SimProcess`). */
export type SendGridSimulatorProcess = SimProcess<{ readonly messages: number; readonly requests: number }>;

export function startSendGridSimulatorProcess(options: SendGridSimulatorClock): Promise<SendGridSimulatorProcess> {
  return startSimProcess(__filename, options);
}

serveSimProcess<SendGridSimulatorClock, { messages: number; requests: number }>(async (options) => {
  const clock = { now: (): number => options.anchorMs + (Date.now() - options.wallStartMs) };
  const sim = createSendGridSimulator({
    clock,
    seed: 42,
    webhook: { enabled: false },
    engagement: { openRate: 0, clickRate: 0, machineOpenShare: 0 },
    contentRetention: 1_000,
    autoDeliver: false,
  });
  return {
    baseUrl: await sim.start(0),
    reset: () => sim.reset(),
    stats: () => {
      const mails = sim.engine.mails({});
      return { messages: mails.length, requests: new Set(mails.map((m) => m.xMessageId)).size };
    },
    stop: () => sim.stop(),
  };
});
