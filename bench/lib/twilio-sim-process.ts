/**
 * The Twilio simulator for benches, in its own process (see sim-process.ts): loopback only, high
 * per-sender throughput, no webhook delivery. Its clock is the bench's (same anchor, same wall
 * start), so `DateSent` windows match the site clock.
 */
import { createTwilioSimulator } from '../../local/simulators/twilio';
import { serveSimProcess, startSimProcess, type SimProcess } from './sim-process';

export interface SimulatorClockOptions {
  readonly anchorMs: number;
  readonly wallStartMs: number;
  /** Segments per second per sender. */
  readonly mps: number;
}

/** Messages the simulator stores (and its RSS, from `SimProcess`). */
export type SimulatorProcess = SimProcess<{ readonly messages: number }>;

export function startSimulatorProcess(options: SimulatorClockOptions): Promise<SimulatorProcess> {
  return startSimProcess(__filename, options);
}

serveSimProcess<SimulatorClockOptions, { messages: number }>(async (options) => {
  const clock = { now: (): number => options.anchorMs + (Date.now() - options.wallStartMs) };
  const sim = createTwilioSimulator({ clock, seed: 42, defaultMps: options.mps, autoDeliver: false, webhooks: { duplicateRate: 0, delayMs: [0, 0], reorderJitterMs: 0 } });
  return { baseUrl: await sim.start(0), reset: () => sim.reset(), stats: () => ({ messages: sim.engine.store.size }), stop: () => sim.stop() };
});
