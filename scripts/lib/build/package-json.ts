/** The emitted package.json: only the npm packages the emitted code imports, at the root's versions. */
import { isNodeBuiltin, isVeloBuiltin, packageNameOf, siteRootOf } from '../wix-modules';

export interface RootPackageJson {
  readonly name: string;
  readonly dependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}

export interface SitePackageJson {
  readonly name: string;
  readonly private: true;
  readonly dependencies: Record<string, string>;
}

export function parseRootPackageJson(raw: unknown): RootPackageJson {
  const obj = isRecord(raw) ? raw : {};
  return {
    name: typeof obj['name'] === 'string' ? obj['name'] : 'wix-site',
    dependencies: stringRecord(obj['dependencies']),
    devDependencies: stringRecord(obj['devDependencies']),
  };
}

/** Bare specifiers the bundles kept external → npm package names Wix must install. */
export function npmPackagesOf(externals: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const spec of externals) {
    if (isVeloBuiltin(spec) || isNodeBuiltin(spec) || siteRootOf(spec) !== null) continue;
    names.add(packageNameOf(spec));
  }
  return [...names].sort();
}

export function sitePackageJson(root: RootPackageJson, packages: string[]): { json: SitePackageJson; errors: string[] } {
  const dependencies: Record<string, string> = {};
  const errors: string[] = [];
  for (const name of packages) {
    const version = root.dependencies[name];
    if (version !== undefined) {
      dependencies[name] = version;
    } else if (root.devDependencies[name] !== undefined) {
      errors.push(`emitted code imports ${name}, which is only a devDependency; move it to "dependencies" in package.json`);
    } else {
      errors.push(`emitted code imports ${name}, which is not in package.json "dependencies"`);
    }
  }
  return { json: { name: root.name, private: true, dependencies }, errors };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}
