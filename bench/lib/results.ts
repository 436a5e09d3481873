/** Bench helpers: timing with medians, peak RSS sampling, and writing figures to bench/results/<name>.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RESULTS_DIR = join(__dirname, '..', 'results');

let peakRss = process.memoryUsage.rss();

/** Samples RSS now (call it between phases); `process.resourceUsage().maxRSS` is used too. */
export function sampleRss(): void {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}

export function peakRssMb(): number {
  sampleRss();
  const maxRssKb = process.resourceUsage().maxRSS;
  return Math.round((Math.max(peakRss, maxRssKb * 1024) / (1024 * 1024)) * 10) / 10;
}

export async function timeMs<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  sampleRss();
  return { ms, value };
}

export async function medianMs(runs: number, fn: () => Promise<unknown> | unknown): Promise<{ median: number; min: number; max: number; runs: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) times.push((await timeMs(fn)).ms);
  times.sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return { median: round(times[Math.floor(times.length / 2)] ?? 0), min: round(times[0] ?? 0), max: round(times[times.length - 1] ?? 0), runs };
}

/** Writes `{ name, recordedAt, node, peakRssMb, ...figures }` to bench/results/<name>.json and returns the path. */
export function writeResults(name: string, figures: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  const body = { name, recordedAt: new Date().toISOString(), node: process.version, platform: `${process.platform}/${process.arch}`, peakRssMb: peakRssMb(), ...figures };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}
