/**
 * Import first in a bench that runs site code under tsx (CommonJS): resolves the Wix module names
 * to the local shims in local/wix/, as jest's moduleNameMapper and the host's loader do.
 */
import Module from 'node:module';
import { join } from 'node:path';

import shimFiles from '../../local/wix/modules.json';

const SHIMS: Readonly<Record<string, string>> = shimFiles;

type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: Resolve };
const original = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function resolveWixShim(this: unknown, request: string, ...rest: unknown[]): string {
  const shim = SHIMS[request];
  return original.call(this, shim ? join(__dirname, '..', '..', 'local', 'wix', shim) : request, ...rest);
};
