/** Data-request accounting and strict mode (quotas per sliding minute → WDE0014, 5 s per request → WDE0028). */
import { errors } from './errors';
import type { DataEmulatorOptions, DataRequestInfo, DataRequestStats } from './types';

const WINDOW_MS = 60_000;
export const REQUEST_TIME_LIMIT_MS = 5_000;

class SlidingWindow {
  private readonly stamps: number[] = [];
  private head = 0;
  count(now: number): number {
    while (this.head < this.stamps.length && (this.stamps[this.head] ?? 0) <= now - WINDOW_MS) this.head += 1;
    if (this.head > 4096 && this.head * 2 > this.stamps.length) {
      this.stamps.splice(0, this.head);
      this.head = 0;
    }
    return this.stamps.length - this.head;
  }
  add(now: number): void {
    this.stamps.push(now);
  }
}

export class Accounting {
  private reads = 0;
  private writes = 0;
  private byCollection = new Map<string, { reads: number; writes: number }>();
  private readonly windows = { read: new SlidingWindow(), write: new SlidingWindow() };
  /** Strict mode: the most requests of each kind admitted in any sliding minute. */
  private peaks = { read: 0, write: 0 };

  constructor(private readonly options: DataEmulatorOptions, private readonly now: () => number) {}

  /** Admits one request: in strict mode rejects it (uncounted) when the minute's quota is used up. */
  admit(info: DataRequestInfo): void {
    if (this.options.strict) {
      const t = this.now();
      const limit = info.kind === 'read' ? (this.options.quotas?.readsPerMinute ?? 3000) : (this.options.quotas?.writesPerMinute ?? 1500);
      const w = this.windows[info.kind];
      const inWindow = w.count(t);
      if (inWindow >= limit) throw errors.quota(info.kind, limit);
      w.add(t);
      this.peaks[info.kind] = Math.max(this.peaks[info.kind], inWindow + 1);
    }
    const c = this.byCollection.get(info.collectionId) ?? { reads: 0, writes: 0 };
    if (info.kind === 'read') {
      this.reads += 1;
      c.reads += 1;
    } else {
      this.writes += 1;
      c.writes += 1;
    }
    this.byCollection.set(info.collectionId, c);
  }

  /** Runs the store work of a request; in strict mode a run over 5 s throws WDE0028 (inside any transaction, so writes roll back). */
  timed<T>(info: DataRequestInfo, work: () => T): T {
    if (!this.options.strict) return work();
    const start = process.hrtime.bigint();
    const result = work();
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6 + (this.options.requestDelayMs?.(info) ?? 0);
    if (elapsed > REQUEST_TIME_LIMIT_MS) throw errors.timeout(elapsed);
    return result;
  }

  stats(): DataRequestStats {
    const byCollection: Record<string, { reads: number; writes: number }> = {};
    for (const [id, c] of this.byCollection) byCollection[id] = { ...c };
    return { reads: this.reads, writes: this.writes, byCollection, ...(this.options.strict ? { peakPerMinute: { reads: this.peaks.read, writes: this.peaks.write } } : {}) };
  }

  reset(): void {
    this.reads = 0;
    this.writes = 0;
    this.byCollection = new Map();
    this.peaks = { read: 0, write: 0 };
  }
}
