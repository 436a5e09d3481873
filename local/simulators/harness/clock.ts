/**
 * Clocks and a seeded PRNG for the simulators.
 *
 * Simulators never read `Date.now()` directly: everything time-dependent (request-log timestamps,
 * webhook due times, signature timestamps) goes through a `SimClock`, so tests drive time with a
 * `ManualClock` and the running host can hand in its own (possibly accelerated) clock.
 */
import { mulberry32 } from '../../prng';

/** The only thing simulators need from a clock. Compatible with the local host's `LocalClock`. */
export interface SimClock {
  now(): number;
}

/** Wall-clock time, for the running host when it has no clock of its own. */
export const systemClock: SimClock = Object.freeze({ now: (): number => Date.now() });

/** A clock that moves only when told to. */
export class ManualClock implements SimClock {
  #now: number;

  constructor(startMs = Date.UTC(2026, 0, 5, 15, 0, 0)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
    this.#now += ms;
    return this.#now;
  }

  set(ms: number): void {
    if (ms < this.#now) throw new RangeError('ManualClock cannot move backwards');
    this.#now = ms;
  }
}

/** Deterministic pseudo-random numbers (mulberry32) so "random" delays and duplicates replay exactly. */
export class SeededRandom {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** `length` hex characters, e.g. for provider ids (SM…, X-Message-Id…). */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.int(0, 15).toString(16);
    return out;
  }
}
