/**
 * Node module hooks for the local Wix host (registered by local/host/site.ts via `module.register`).
 *
 * - resolve: the Wix module names that emitted site code imports map to the shims in local/wix/.
 * - load: `.js` files under dist/wix-site are ES modules (the emitted package.json has no "type").
 *
 * Everything else (twilio, @sendgrid/mail, zod…) resolves normally from the root node_modules.
 * The shims and the host share state through local/runtime.ts's globalThis registry, so it does not
 * matter that the shims may be instantiated more than once.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

/** @type {{ root: string, siteDir: string }} */
let config = { root: process.cwd(), siteDir: path.join(process.cwd(), 'dist', 'wix-site') };

/** Wix module name → shim file in local/wix/ (one table, also read by jest.config.js and the benches). */
const SHIMS = JSON.parse(readFileSync(new URL('../wix/modules.json', import.meta.url), 'utf8'));

export function initialize(data) {
  if (data && typeof data.root === 'string' && typeof data.siteDir === 'string') {
    config = { root: data.root, siteDir: data.siteDir };
  }
}

export async function resolve(specifier, context, nextResolve) {
  if (Object.prototype.hasOwnProperty.call(SHIMS, specifier)) {
    const file = path.join(config.root, 'local', 'wix', SHIMS[specifier]);
    // Let the next resolver (tsx) see the .ts file so that its loader transpiles it.
    return nextResolve(pathToFileURL(file).href, context);
  }
  const fromSite = context.parentURL && isSiteUrl(context.parentURL);
  if (fromSite && !specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('file:')) {
    // Bare imports of the emitted site (twilio, @sendgrid/mail…) resolve from the repository root.
    return nextResolve(specifier, { ...context, parentURL: pathToFileURL(path.join(config.root, 'package.json')).href });
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if ((isSiteUrl(url) && url.endsWith('.js')) || (isShimUrl(url) && url.endsWith('.ts'))) {
    const result = await nextLoad(url, { ...context, format: 'module' });
    return { ...result, format: 'module', shortCircuit: true };
  }
  return nextLoad(url, context);
}

/** The shims (and local/runtime.ts) are written as ES modules; load them as such in the site graph. */
function isShimUrl(url) {
  return url.startsWith(pathToFileURL(path.join(config.root, 'local') + path.sep).href);
}

function isSiteUrl(url) {
  return url.startsWith(pathToFileURL(config.siteDir + path.sep).href);
}
