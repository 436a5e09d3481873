/** Serving emitted files (iframe apps, page code, public modules) and the compiled $w shim. */
import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { transformSync } from 'esbuild';
import { send, sendJson } from './http-util';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves `relative` from `dir`, refusing anything that escapes it. */
export function serveFile(res: ServerResponse, dir: string, relative: string): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    sendJson(res, 400, { error: 'Bad path' });
    return;
  }
  const file = path.resolve(dir, '.' + path.posix.normalize('/' + decoded));
  if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    send(res, 404, `Not found: ${relative}. Did \`npm run build\` run?`, { 'content-type': 'text/plain; charset=utf-8' });
    return;
  }
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  send(res, 200, fs.readFileSync(file), { 'content-type': type, 'cache-control': 'no-store' });
}

let shimSource: string | null = null;

/** The $w shim (local/host/browser/w-shim.ts) compiled to a classic script. */
export function wShimScript(): string {
  if (shimSource === null) {
    const ts = fs.readFileSync(path.join(__dirname, 'browser', 'w-shim.ts'), 'utf8');
    shimSource = transformSync(ts, { loader: 'ts', format: 'iife', target: 'es2020', sourcefile: 'w-shim.ts' }).code;
  }
  return shimSource;
}
