/**
 * Clocks and a seeded PRNG for the simulators.
 *
 * Simulators never read `Date.now()` directly: everything time-dependent (request-log timestamps,
 * webhook due times, signature timestamps) goes through a `SimClock`, so tests drive time with a
 * `ManualClock` and the running host can hand in its own (possibly accelerated) clock.
 */

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
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
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
