/**
 * Import first in a bench that runs site code under tsx (CommonJS): resolves the Wix module names
 * to the local shims in local/wix/, as jest's moduleNameMapper and the host's loader do.
 */
import Module from 'node:module';
import { join } from 'node:path';

const SHIMS: Readonly<Record<string, string>> = {
  '@wix/data': 'data.ts',
  '@wix/essentials': 'essentials.ts',
  '@wix/secrets': 'secrets.ts',
  'wix-web-module': 'web-module.ts',
  'wix-fetch': 'fetch.ts',
  'wix-http-functions': 'http-functions.ts',
  'wix-members-backend': 'members-backend.ts',
};

type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: Resolve };
const original = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function resolveWixShim(this: unknown, request: string, ...rest: unknown[]): string {
  const shim = SHIMS[request];
  return original.call(this, shim ? join(__dirname, '..', '..', 'local', 'wix', shim) : request, ...rest);
};
