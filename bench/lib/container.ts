/**
 * Running a bench's measured process as a Wix backend container would run it.
 *
 * Wix backend code runs in containers of 1 vCPU / 400 MB RAM ("micro") or 2 vCPU / 600 MB
 * ("standard"; higher plans get more containers), see the platform reference. Node sizes its heap
 * from the container's memory limit (cgroup): measured with Node 20 inside a cgroup v1 memory limit,
 * `v8.getHeapStatistics().heap_size_limit` is 259 MB at 400 MB and 312 MB at 600 MB, and
 * `--max-heap-size=<that>` reproduces the same limit and space sizes. The benches use the standard
 * container, the one campaign-scale sending needs: at 259 MB V8 also switches to its low-memory
 * young generation (1 MB semi-spaces instead of 4 MB at 312 MB and 16 MB on a large machine), which
 * makes any sender that keeps a wave of records alive spend a quarter of its time in scavenges
 * (docs/sms-campaigns.md, "Benchmark"). On a developer machine with many GB, V8 would instead let
 * garbage grow to several times the live heap before collecting, and peak RSS would measure the
 * machine, not the code.
 *
 * Only the process that stands for the site's backend gets the limit: simulators and the data
 * emulator stand for services outside the container and run with the host's defaults
 * ({@link hostExecArgv}).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { RESULTS_DIR } from './results';

export const WIX_BACKEND_CONTAINER = { plan: 'standard', vcpus: 2, ramMb: 600, heapMb: 312 } as const;

/** The smallest container, for comparison (`BENCH_HEAP=micro`). */
export const WIX_MICRO_CONTAINER = { plan: 'micro', vcpus: 1, ramMb: 400, heapMb: 259 } as const;

const HEAP_FLAG = /^--max-(heap|old-space|semi-space)-size(=|$)/;
export const CONTAINER_CHILD_FLAG = '--container-child';

/** This process's heap limit in MB. */
export function heapLimitMb(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 1048576);
}

/**
 * True when this process already has the container's heap limit, or when `BENCH_HEAP=host` asks for
 * the host's own heap sizing (for comparison; the figures record which).
 */
export function insideBackendContainer(): boolean {
  return process.env['BENCH_HEAP'] === 'host' || Math.abs(heapLimitMb() - containerHeapMb()) <= 1;
}

/** The heap the measured process gets: the standard container's, or the micro one's with `BENCH_HEAP=micro`. */
export function containerHeapMb(): number {
  return process.env['BENCH_HEAP'] === 'micro' ? WIX_MICRO_CONTAINER.heapMb : WIX_BACKEND_CONTAINER.heapMb;
}

/** What the figures record about the measured process's memory configuration. */
export function containerFigures(): Record<string, unknown> {
  const container = process.env['BENCH_HEAP'] === 'micro' ? WIX_MICRO_CONTAINER : process.env['BENCH_HEAP'] === 'host' ? { plan: 'none (host heap sizing)' } : WIX_BACKEND_CONTAINER;
  return { ...container, heapLimitMb: heapLimitMb() };
}

/** `process.execArgv` without heap-size flags: for child processes that are not the site's backend. */
export function hostExecArgv(): string[] {
  return process.execArgv.filter((arg) => !HEAP_FLAG.test(arg));
}

/**
 * Runs `file` (a bench module whose main answers {@link CONTAINER_CHILD_FLAG} `<options json>` by
 * calling its `run`) in a child process with the container's heap limit, and returns the figures it
 * wrote to bench/results/<name>.json.
 */
export async function runInBackendContainer(file: string, name: string, options: object): Promise<Record<string, unknown>> {
  const args = [...hostExecArgv(), `--max-heap-size=${containerHeapMb()}`, file, CONTAINER_CHILD_FLAG, JSON.stringify(options)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${name} bench in the backend-container process exited with ${String(code)}`);
  const figures: unknown = JSON.parse(readFileSync(join(RESULTS_DIR, `${name}.json`), 'utf8'));
  if (typeof figures !== 'object' || figures === null) throw new Error(`${name}.json holds no figures`);
  return figures as Record<string, unknown>;
}
