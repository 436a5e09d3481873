/**
 * esbuild plugin: decides which imports stay external (Wix provides or installs them) and resolves
 * Wix's absolute pseudo-paths `backend/…` and `public/…` to the TypeScript sources.
 */
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { isExternalPackage, isNodeBuiltin, isSharedBackendPackage, isVeloBuiltin, isWebModuleSpecifier, siteRootOf } from '../wix-modules';

/** Where the bundle runs: Wix backend, the site's page/public code, or an iframe app (plain browser page). */
export type BundleTarget = 'backend' | 'browser' | 'iframe';

export function siteModulesPlugin(options: { root: string; target: BundleTarget }): Plugin {
  const { root, target } = options;
  return {
    name: 'wix-site-modules',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        const spec = args.path;
        if (path.isAbsolute(spec)) return undefined;
        const siteRoot = siteRootOf(spec);
        if (siteRoot === 'backend' && target !== 'backend') {
          if (target === 'iframe') return { errors: [{ text: `iframe apps can't import ${spec}: call web methods through the page (postMessage)` }] };
          if (!isWebModuleSpecifier(spec)) {
            return { errors: [{ text: `page/public code may import only web modules (backend/<name>.web), not ${spec}` }] };
          }
          return { path: spec, external: true };
        }
        if (siteRoot !== null) {
          const rest = spec.slice(siteRoot.length + 1);
          const resolved = await build.resolve(`./${rest}`, { resolveDir: path.join(root, 'src', siteRoot), kind: args.kind, importer: args.importer });
          if (resolved.errors.length > 0) return { errors: resolved.errors };
          return { path: resolved.path };
        }
        if (isVeloBuiltin(spec) || isExternalPackage(spec)) {
          if (target === 'iframe') return { errors: [{ text: `iframe apps run outside Wix; ${spec} is not available there` }] };
          return { path: spec, external: true };
        }
        if (target === 'backend' && isSharedBackendPackage(spec)) return { path: spec, external: true };
        if (isNodeBuiltin(spec)) {
          if (target === 'backend') return { path: spec, external: true };
          return { errors: [{ text: `${spec} is a Node built-in; it is not available in browser code` }] };
        }
        return undefined; // an npm package: bundled in
      });
    },
  };
}
