/**
 * Loads the emitted site (dist/wix-site) into this Node process: registers the resolve/load hooks
 * (loader.mjs) once, then imports backend files as ES modules. Imports are cached for the life of the
 * process: restart the host after `npm run build`.
 */
import fs from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModuleExports, SiteModules } from './site-types';

export interface SitePaths {
  readonly root: string;
  /** dist/wix-site */
  readonly siteDir: string;
  /** dist/wix-site/src/backend */
  readonly backendDir: string;
  /** dist/wix-site/src/pages */
  readonly pagesDir: string;
  /** dist/iframe-apps */
  readonly appsDir: string;
}

export function sitePaths(root: string): SitePaths {
  const siteDir = path.join(root, 'dist', 'wix-site');
  return {
    root,
    siteDir,
    backendDir: path.join(siteDir, 'src', 'backend'),
    pagesDir: path.join(siteDir, 'src', 'pages'),
    appsDir: path.join(root, 'dist', 'iframe-apps'),
  };
}

const REGISTERED = Symbol.for('recruiter-outreach.host-loader');

/** Registers the module hooks (idempotent per process). */
export function registerSiteLoader(paths: SitePaths): void {
  const g = globalThis as typeof globalThis & { [REGISTERED]?: boolean };
  if (g[REGISTERED]) return;
  register(pathToFileURL(path.join(__dirname, 'loader.mjs')).href, { data: { root: paths.root, siteDir: paths.siteDir } });
  g[REGISTERED] = true;
}

/** Newest mtime under `dir` (files only), or 0 when absent. */
export function newestMtime(dir: string, skip: (name: string) => boolean = () => false): number {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full, skip));
    else if (entry.isFile()) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** True when dist is missing or older than src/ or wix.pages.json. */
export function buildIsStale(paths: SitePaths): boolean {
  const httpFns = path.join(paths.backendDir, 'http-functions.js');
  if (!fs.existsSync(httpFns)) return true;
  const built = fs.statSync(httpFns).mtimeMs;
  const pagesManifest = path.join(paths.root, 'wix.pages.json');
  const sources = Math.max(newestMtime(path.join(paths.root, 'src')), fs.existsSync(pagesManifest) ? fs.statSync(pagesManifest).mtimeMs : 0);
  return sources > built;
}

async function importFile(file: string): Promise<ModuleExports | null> {
  if (!fs.existsSync(file)) return null;
  const mod: unknown = await import(pathToFileURL(file).href);
  return typeof mod === 'object' && mod !== null ? (mod as ModuleExports) : null;
}

/** Finds `backend/**\/<name>.web.js` names relative to the backend dir (POSIX separators). */
export function listWebModules(backendDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile() && entry.name.endsWith('.web.js')) out.push(prefix + entry.name.slice(0, -'.web.js'.length));
    }
  };
  walk(backendDir, '');
  return out.sort();
}

/** The emitted backend, imported through the hooks. */
export function emittedSite(paths: SitePaths): SiteModules {
  registerSiteLoader(paths);
  let webModules: string[] | null = null;
  const inBackend = (relative: string): string | null => {
    const file = path.resolve(paths.backendDir, '.' + path.posix.normalize('/' + relative));
    return file.startsWith(paths.backendDir + path.sep) ? file : null;
  };
  return {
    httpFunctions: () => importFile(path.join(paths.backendDir, 'http-functions.js')),
    webModuleNames: () => (webModules ??= listWebModules(paths.backendDir)),
    webModule: async (name) => {
      const file = inBackend(`${name}.web.js`);
      return file ? importFile(file) : null;
    },
    backendFile: async (location) => {
      const file = inBackend(location);
      return file ? importFile(file) : null;
    },
  };
}
