/**
 * Driving a simulator through time on a ManualClock: apply what is due (the simulator's own events,
 * then its webhook queue), jump to the next instant something is due, repeat. Shared by every
 * simulator's `advance()` / `flush()`.
 */
import { ManualClock, type SimClock } from './clock';

export interface Drivable {
  /** Applies everything due now (events, then webhook deliveries). */
  runDue(): Promise<void>;
  /** The earliest instant anything is pending, or null. */
  nextDueAt(): number | null;
}

export function manualClockOf(clock: SimClock): ManualClock {
  if (!(clock instanceof ManualClock)) throw new Error('advance()/flush() need a ManualClock');
  return clock;
}

/** The earlier of two optional instants. */
export function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** Moves the clock forward by `ms`, applying each pending thing at its own instant. */
export async function advanceBy(clock: ManualClock, ms: number, target: Drivable): Promise<void> {
  const until = clock.now() + ms;
  for (;;) {
    await target.runDue();
    const next = target.nextDueAt();
    if (next === null || next > until) break;
    if (next > clock.now()) clock.set(next);
  }
  clock.set(until);
  await target.runDue();
}

/** Advances until nothing is pending; throws when it does not settle within `maxSteps`. */
export async function flushAll(clock: ManualClock, target: Drivable, name: string, maxSteps = 1_000_000): Promise<void> {
  for (let step = 0; step < maxSteps; step += 1) {
    await target.runDue();
    const next = target.nextDueAt();
    if (next === null) return;
    if (next > clock.now()) clock.set(next);
  }
  throw new Error(`${name} simulator did not settle`);
}
