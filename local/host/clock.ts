/**
 * Clocks for the local host. Site code reads time through the runtime's `LocalClock`; the scheduler
 * steps it. `ScaledClock` follows real time at N× speed (CLOCK_SPEED) and can jump forward;
 * `ManualClock` only moves when told (tests).
 */
import type { LocalClock } from '../runtime';

export interface ControllableClock extends LocalClock {
  /** Moves the clock to `epochMs` (never backwards). */
  jumpTo(epochMs: number): void;
  readonly speed: number;
  setSpeed(speed: number): void;
}

export class ScaledClock implements ControllableClock {
  private anchorReal: number;
  private anchorClock: number;
  private currentSpeed: number;

  constructor(options: { start?: number | null; speed?: number; realNow?: () => number } = {}) {
    this.realNow = options.realNow ?? Date.now;
    this.anchorReal = this.realNow();
    this.anchorClock = options.start ?? this.anchorReal;
    this.currentSpeed = validSpeed(options.speed ?? 1);
  }

  private readonly realNow: () => number;

  get speed(): number {
    return this.currentSpeed;
  }

  now(): number {
    return Math.floor(this.anchorClock + (this.realNow() - this.anchorReal) * this.currentSpeed);
  }

  setSpeed(speed: number): void {
    this.reanchor(this.now());
    this.currentSpeed = validSpeed(speed);
  }

  jumpTo(epochMs: number): void {
    if (epochMs > this.now()) this.reanchor(epochMs);
  }

  private reanchor(clockMs: number): void {
    this.anchorReal = this.realNow();
    this.anchorClock = clockMs;
  }
}

export class ManualClock implements ControllableClock {
  private current: number;
  constructor(start: number) {
    this.current = start;
  }
  readonly speed = 0;
  now(): number {
    return this.current;
  }
  jumpTo(epochMs: number): void {
    if (epochMs > this.current) this.current = epochMs;
  }
  setSpeed(): void {
    throw new Error('A manual clock has no speed; use jumpTo / Scheduler.advanceTo');
  }
}

function validSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`Clock speed must be a positive number, got ${speed}`);
  return speed;
}
