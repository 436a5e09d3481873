/**
 * Every export of a `.web.js` must be a web method: `webMethod(Permissions.X, fn)`. Bundled code
 * renames things, so instead of pattern-matching the source, each web module is loaded in a child
 * Node process with `wix-web-module` mapped to local/wix/web-module.ts and every other external
 * replaced by an inert stub, and each export's annotation is read back with `webMethodAnnotation`.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { isNodeBuiltin, isRelative } from '../wix-modules';
import { error, warning, type Problem } from './problems';
import type { ProbeRequest, ProbeResult } from './web-method-probe';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const WEB_MODULE_SHIM = path.join(REPO_ROOT, 'local/wix/web-module.ts');
const PROBE_ENTRY = path.join(__dirname, 'web-method-probe.ts');
const PROBE_TIMEOUT_MS = 30_000;
const WEB_METHOD_MODULES = new Set(['wix-web-module', '@wix/web-methods']);

/** A CommonJS module whose export is a callable, constructible proxy: any property or call yields another stub. */
const STUB_SOURCE = `'use strict';
function makeStub(label) {
  var target = function () {};
  var proto = null;
  var text = function () { return '[wix-check stub ' + label + ']'; };
  var handler = {
    get: function (_t, key) {
      if (key === Symbol.toPrimitive || key === 'toString' || key === 'valueOf') return text;
      if (typeof key === 'symbol' || key === 'then' || key === '__esModule') return undefined;
      return makeStub(label + '.' + key);
    },
    apply: function () { return makeStub(label + '()'); },
    construct: function () { return makeStub('new ' + label); },
    getPrototypeOf: function () {
      if (proto === null) proto = new Proxy({}, { get: function (_t, key) { return handler.get(target, key); } });
      return proto;
    },
  };
  return new Proxy(target, handler);
}
module.exports = makeStub(MODULE_NAME);
`;

function probePlugin(): esbuild.Plugin {
  return {
    name: 'wix-check-probe',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (path.isAbsolute(args.path)) return undefined;
        if (WEB_METHOD_MODULES.has(args.path)) return { path: WEB_MODULE_SHIM };
        if (isNodeBuiltin(args.path)) return { path: args.path, external: true };
        return { path: args.path, namespace: 'wix-check-stub' };
      });
      build.onResolve({ filter: /.*/ }, (args) => (isRelative(args.path) || path.isAbsolute(args.path) ? undefined : { path: args.path, namespace: 'wix-check-stub' }));
      build.onLoad({ filter: /.*/, namespace: 'wix-check-stub' }, (args) => ({
        contents: STUB_SOURCE.replace('MODULE_NAME', JSON.stringify(args.path)),
        loader: 'js',
      }));
    },
  };
}

async function bundle(entry: string, outfile: string, absWorkingDir: string): Promise<void> {
  await esbuild.build({
    absWorkingDir,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    plugins: [probePlugin()],
  });
}

function runProbe(probeFile: string, requests: ProbeRequest[]): Promise<ProbeResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [probeFile, JSON.stringify(requests)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(stdout) as ProbeResult[]);
      } catch {
        reject(new Error(`web-method probe failed (exit ${String(code)}): ${stderr.trim().slice(0, 2000) || 'no output'}`));
      }
    });
  });
}

export async function checkWebMethods(dir: string, webFiles: readonly string[]): Promise<Problem[]> {
  if (webFiles.length === 0) return [];
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'wix-check-'));
  const problems: Problem[] = [];
  try {
    const probeFile = path.join(tmp, 'probe.mjs');
    const requests: ProbeRequest[] = [];
    await Promise.all([
      bundle(PROBE_ENTRY, probeFile, REPO_ROOT),
      ...webFiles.map(async (file, i) => {
        const out = path.join(tmp, `module-${i}.mjs`);
        try {
          await bundle(path.join(dir, file), out, dir);
          requests.push({ file, bundle: out });
        } catch (e) {
          problems.push(error('web-method', file, `could not prepare the module to verify its web methods: ${e instanceof Error ? e.message : String(e)}`));
        }
      }),
    ]);
    const results = await runProbe(probeFile, requests);
    for (const result of results) {
      if (!result.ok) {
        problems.push(error('web-method', result.file, `could not load the module to verify its web methods: ${result.error}`));
        continue;
      }
      if (result.exports.length === 0) problems.push(warning('web-method', result.file, 'exports nothing'));
      for (const exp of result.exports) {
        if (exp.permission === null) {
          problems.push(error('web-method', result.file, `export "${exp.name}" is not a web method; every export of a .web.js must be webMethod(Permissions.<Anyone|SiteMember|Admin>, fn)`));
        }
      }
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return problems;
}
