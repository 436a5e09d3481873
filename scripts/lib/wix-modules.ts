/**
 * How module specifiers are classified, shared by the build (what stays external) and by
 * `wix:check` (what an emitted file may import).
 */
import { builtinModules } from 'node:module';

/** Velo built-in modules (`wix-data`, `wix-web-module`, `wix-secrets-backend.v2`, …): provided by Wix, never npm. */
export function isVeloBuiltin(specifier: string): boolean {
  return /^wix-[a-z0-9-]+(\.v\d+)?(\/.*)?$/.test(specifier);
}

/** npm packages that must stay external: Wix installs them from the emitted package.json. */
export function isExternalPackage(specifier: string): boolean {
  const name = packageNameOf(specifier);
  // zipcodes: its ~5 MB data table is installed by Wix, not bundled into every backend file.
  return name.startsWith('@wix/') || name === 'twilio' || name.startsWith('@sendgrid/') || name === 'zipcodes';
}

/**
 * Pure-JS libraries the backend bundles share: external in backend files (Wix installs them once
 * from the emitted package.json) instead of a copy in every `.web.js` (luxon and zod alone are
 * ~430 KB unminified). Browser code still bundles what it uses.
 */
const SHARED_BACKEND_PACKAGES: ReadonlySet<string> = new Set(['luxon', 'zod', 'croner', 'libphonenumber-js', 'sms-segments-calculator']);

export function isSharedBackendPackage(specifier: string): boolean {
  return SHARED_BACKEND_PACKAGES.has(packageNameOf(specifier));
}

export function isNodeBuiltin(specifier: string): boolean {
  const bare = specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
  const first = bare.split('/')[0] ?? bare;
  return builtinModules.includes(bare) || builtinModules.includes(first);
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  if (specifier.startsWith('@')) return parts.slice(0, 2).join('/');
  return parts[0] ?? specifier;
}

export function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

/** Wix's absolute pseudo-paths into the site tree. */
export type SiteRoot = 'backend' | 'public';

export function siteRootOf(specifier: string): SiteRoot | null {
  if (specifier.startsWith('backend/')) return 'backend';
  if (specifier.startsWith('public/')) return 'public';
  return null;
}

/** `backend/x.web` and `backend/x.web.js` name a web module (the only backend files page code may import). */
export function isWebModuleSpecifier(specifier: string): boolean {
  return /^backend\/.+\.web(\.js)?$/.test(specifier);
}
