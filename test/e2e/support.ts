/**
 * Shared by the browser tests: the local host in a child process (fresh data dir), Debian's
 * Chromium through playwright-core, the admin data browser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import * as z from 'zod';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = path.resolve(__dirname, '..', '..');
export const hasChromium = fs.existsSync(CHROMIUM);

/** Chromium without a sandbox (root) and without background networking (no network here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface HostProcess {
  readonly child: ChildProcess;
  readonly base: string;
  output(): string;
}

/** Starts `local/host/main.ts` on a free port with 200 drivers; `env` adds or overrides settings. */
export async function startHostProcess(dataDir: string, env: Record<string, string> = {}): Promise<HostProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'local', 'host', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, SEED_DRIVERS: '200', WIX_STRICT: '', CLOCK_SPEED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`host exited with ${String(code)} before listening:\n${output}`)));
  });
  return { child, base, output: () => output };
}

/** Stops the host process and waits for it to exit. */
export async function stopHostProcess(host: HostProcess | undefined): Promise<void> {
  if (!host || host.child.exitCode !== null) return;
  const exited = new Promise((resolve) => host.child.once('exit', resolve));
  host.child.kill('SIGTERM');
  await exited;
}

/** Signs in as the site admin the way the sign-in form does and returns the session cookie. */
export async function adminCookie(base: string): Promise<string> {
  const res = await fetch(`${base}/_local/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ memberId: 'member-admin', returnTo: '/' }).toString(),
    redirect: 'manual',
  });
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('sign-in set no cookie');
  return cookie.split(';')[0] ?? '';
}

export const DataPage = z.object({ totalCount: z.number(), items: z.array(z.record(z.string(), z.unknown())) });

/** The admin-only data browser of the local host (`eq` clauses are `field:value`). */
export async function getData(base: string, collection: string, options: { eq?: string[]; limit?: number } = {}): Promise<z.infer<typeof DataPage>> {
  const query = (options.eq ?? []).map((e) => `&eq=${encodeURIComponent(e)}`).join('');
  const res = await fetch(`${base}/_local/api/data/${collection}?limit=${options.limit ?? 10}${query}`, { headers: { cookie: await adminCookie(base) } });
  return DataPage.parse(await res.json());
}
