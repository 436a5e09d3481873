/**
 * Running a bench's measured process as Wix's smallest backend container would run it.
 *
 * Wix backend code runs in containers of 1 vCPU and 400 MB RAM (micro plan; 600 MB on standard,
 * see the platform reference). Node sizes its heap from the container's memory limit (cgroup), so
 * in a 400 MB container `v8.getHeapStatistics().heap_size_limit` is 259 MB (measured with Node 20
 * inside a cgroup v1 memory limit of 400 MB; `--max-heap-size=259` gives the same limit and space
 * sizes). On a developer machine with many GB, V8 would instead let garbage grow to several times
 * the live heap before collecting, and peak RSS would measure the machine, not the code.
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

export const WIX_BACKEND_CONTAINER = { ramMb: 400, heapMb: 259 } as const;

const HEAP_FLAG = /^--max-(heap|old-space|semi-space)-size(=|$)/;
export const CONTAINER_CHILD_FLAG = '--container-child';

/** This process's heap limit in MB. */
export function heapLimitMb(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 1048576);
}

/** True when this process already has the container's heap limit. */
export function insideBackendContainer(): boolean {
  return Math.abs(heapLimitMb() - WIX_BACKEND_CONTAINER.heapMb) <= 1;
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
  const args = [...hostExecArgv(), `--max-heap-size=${WIX_BACKEND_CONTAINER.heapMb}`, file, CONTAINER_CHILD_FLAG, JSON.stringify(options)];
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
