/**
 * Finds the entry points of a site by convention (see docs/decisions.md) and maps each to the path
 * Wix expects inside the emitted tree.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { exists, listFiles, readJson } from '../fs-walk';

/** Backend code runs on Wix's Node runtime; page and public code runs in the visitor's browser. */
export type EntryGroup = 'backend' | 'browser';

export interface Entry {
  readonly group: EntryGroup;
  /** Source path relative to the project root (POSIX). */
  readonly source: string;
  /** Output path relative to the emitted site tree, without `.js`. */
  readonly out: string;
}

export interface IframeApp {
  readonly name: string;
  readonly html: string;
  readonly main: string;
  readonly css: string | null;
}

export interface CopiedFile {
  readonly from: string;
  readonly to: string;
}

export interface SitePlan {
  readonly entries: Entry[];
  readonly apps: IframeApp[];
  readonly copies: CopiedFile[];
  readonly errors: string[];
  readonly warnings: string[];
}

const PageSchema = z.looseObject({
  pageId: z.string().regex(/^[A-Za-z0-9_-]+$/, 'pageId must be the id Wix gives the page (letters, digits)'),
  title: z.string().optional(),
  path: z.string().optional(),
  elements: z.record(z.string(), z.looseObject({ type: z.string().optional(), app: z.string().optional() })).optional(),
});
const PagesManifestSchema = z.looseObject({ pages: z.record(z.string(), PageSchema) });
export type PagesManifest = z.infer<typeof PagesManifestSchema>;

/** Backend files Wix finds by name at the backend root. */
const CONVENTION_FILES = ['http-functions', 'jobs', 'data', 'events', 'routers'] as const;

function isSourceTs(file: string): boolean {
  return file.endsWith('.ts') && !file.endsWith('.d.ts') && !/\.(test|spec)\.ts$/.test(file);
}

export async function readPagesManifest(root: string): Promise<{ manifest: PagesManifest | null; error: string | null }> {
  const file = path.join(root, 'wix.pages.json');
  if (!(await exists(file))) return { manifest: null, error: null };
  let raw: unknown;
  try {
    raw = await readJson(file);
  } catch (error) {
    return { manifest: null, error: `wix.pages.json is not valid JSON: ${String(error)}` };
  }
  const parsed = PagesManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { manifest: null, error: `wix.pages.json is invalid: ${detail}` };
  }
  return { manifest: parsed.data, error: null };
}

async function planBackend(root: string, errors: string[]): Promise<{ entries: Entry[]; copies: CopiedFile[] }> {
  const backendDir = path.join(root, 'src/backend');
  const files = await listFiles(backendDir);
  const entries: Entry[] = [];
  const copies: CopiedFile[] = [];
  const add = (rel: string): void => {
    if (entries.some((e) => e.source === `src/backend/${rel}`)) return;
    entries.push({ group: 'backend', source: `src/backend/${rel}`, out: `src/backend/${rel.replace(/\.ts$/, '')}` });
  };
  for (const rel of files) {
    if (isSourceTs(rel) && rel.endsWith('.web.ts')) add(rel);
  }
  for (const name of CONVENTION_FILES) {
    if (files.includes(`${name}.ts`)) add(`${name}.ts`);
  }
  for (const name of ['jobs.config', 'permissions.json']) {
    if (files.includes(name)) copies.push({ from: `src/backend/${name}`, to: `src/backend/${name}` });
  }
  if (files.includes('jobs.config')) {
    for (const location of await jobLocations(path.join(backendDir, 'jobs.config'), errors)) {
      const rel = location.replace(/^\//, '').replace(/\.jsw?$/, '.ts');
      if (files.includes(rel)) add(rel);
      else errors.push(`src/backend/jobs.config: functionLocation ${location} has no source src/backend/${rel}`);
    }
  }
  return { entries, copies };
}

async function jobLocations(file: string, errors: string[]): Promise<string[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch (error) {
    errors.push(`src/backend/jobs.config is not valid JSON: ${String(error)}`);
    return [];
  }
  const parsed = z.object({ jobs: z.array(z.looseObject({ functionLocation: z.unknown() })) }).safeParse(raw);
  if (!parsed.success) return []; // wix:check reports the shape problems in detail
  const locations = parsed.data.jobs.map((j) => j.functionLocation).filter((l): l is string => typeof l === 'string' && l.startsWith('/'));
  return [...new Set(locations)];
}

async function planPages(root: string, errors: string[], warnings: string[]): Promise<Entry[]> {
  const files = (await fs.readdir(path.join(root, 'src/pages')).catch(() => [] as string[])).filter(isSourceTs).sort();
  const { manifest, error } = await readPagesManifest(root);
  if (error !== null) errors.push(error);
  const entries: Entry[] = [];
  for (const file of files) {
    const name = file.replace(/\.ts$/, '');
    if (name === 'masterPage') {
      entries.push({ group: 'browser', source: `src/pages/${file}`, out: 'src/pages/masterPage' });
      continue;
    }
    const page = manifest?.pages[name];
    if (page === undefined) {
      errors.push(`src/pages/${file}: no entry "${name}" in wix.pages.json (page code files are named <Name>.<pageId>.js on Wix)`);
      continue;
    }
    entries.push({ group: 'browser', source: `src/pages/${file}`, out: `src/pages/${name}.${page.pageId}` });
  }
  if (manifest !== null) {
    for (const name of Object.keys(manifest.pages)) {
      if (!files.includes(`${name}.ts`)) warnings.push(`wix.pages.json: page "${name}" has no src/pages/${name}.ts (no page code emitted)`);
    }
  }
  return entries;
}

async function planPublic(root: string): Promise<{ entries: Entry[]; apps: IframeApp[]; appErrors: string[] }> {
  const files = await listFiles(path.join(root, 'src/public'));
  const entries: Entry[] = files
    .filter((rel) => isSourceTs(rel) && !rel.startsWith('apps/'))
    .map((rel) => ({ group: 'browser', source: `src/public/${rel}`, out: `src/public/${rel.replace(/\.ts$/, '')}` }));
  const apps: IframeApp[] = [];
  const appErrors: string[] = [];
  const appNames = [...new Set(files.filter((rel) => rel.startsWith('apps/')).map((rel) => rel.split('/')[1] ?? ''))];
  for (const name of appNames.filter((n) => n !== '' && !n.includes('.'))) {
    const has = (f: string): boolean => files.includes(`apps/${name}/${f}`);
    if (!has('index.html')) continue; // shared code for the apps, bundled into them
    if (!has('main.ts')) {
      appErrors.push(`src/public/apps/${name}: an iframe app needs main.ts next to index.html`);
      continue;
    }
    const dir = `src/public/apps/${name}`;
    apps.push({ name, html: `${dir}/index.html`, main: `${dir}/main.ts`, css: has('style.css') ? `${dir}/style.css` : null });
  }
  return { entries, apps, appErrors };
}

async function planStyles(root: string): Promise<CopiedFile[]> {
  const files = await fs.readdir(path.join(root, 'src/styles')).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.css')).sort().map((f) => ({ from: `src/styles/${f}`, to: `src/styles/${f}` }));
}

export async function planSite(root: string): Promise<SitePlan> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const backend = await planBackend(root, errors);
  const pages = await planPages(root, errors, warnings);
  const pub = await planPublic(root);
  errors.push(...pub.appErrors);
  const copies: CopiedFile[] = [{ from: 'wix.config.json', to: 'wix.config.json' }, ...backend.copies, ...(await planStyles(root))];
  if (!(await exists(path.join(root, 'wix.config.json')))) errors.push('wix.config.json is missing at the project root');
  const { manifest } = await readPagesManifest(root);
  for (const [pageName, page] of Object.entries(manifest?.pages ?? {})) {
    for (const [id, element] of Object.entries(page.elements ?? {})) {
      if (element.type === 'HtmlComponent' && element.app !== undefined && !pub.apps.some((a) => a.name === element.app)) {
        warnings.push(`wix.pages.json: ${pageName} ${id} loads iframe app "${element.app}" but src/public/apps/${element.app}/ is missing`);
      }
    }
  }
  return { entries: [...backend.entries, ...pages, ...pub.entries], apps: pub.apps, copies, errors, warnings };
}
