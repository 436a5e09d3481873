/**
 * The clock site code reads. On Wix it is the system clock. The local host may install an
 * injectable clock (fast-forward for multi-day drips) under a registered global symbol; nothing on
 * Wix sets that symbol, so deployed code always reads real time.
 */
const CLOCK_KEY = Symbol.for('recruiter-outreach.clock');

interface Clock {
  now(): number;
}

function installedClock(): Clock | undefined {
  const candidate = (globalThis as { [CLOCK_KEY]?: Clock })[CLOCK_KEY];
  return candidate && typeof candidate.now === 'function' ? candidate : undefined;
}

/** Epoch milliseconds. */
export function nowMs(): number {
  return installedClock()?.now() ?? Date.now();
}

export function now(): Date {
  return new Date(nowMs());
}
