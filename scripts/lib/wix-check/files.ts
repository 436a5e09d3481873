/** Which files a Wix Git-integration tree may hold, and its two root config files. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { error, warning, type Problem } from './problems';

export const SIZE_WARNING_BYTES = 1024 * 1024;

/** Root files the CLI reads or that are harmless next to src/. */
const ROOT_FILES = new Set(['wix.config.json', 'package.json', 'wix.lock', 'dependencies-metadata.json', 'README.md', '.gitignore']);

/** Is `rel` (relative to the tree's src/) a file type Wix site code accepts there? */
export function allowedSiteFile(rel: string): boolean {
  const [top, ...rest] = rel.split('/');
  const name = rest.join('/');
  switch (top) {
    case 'backend':
      return name === 'jobs.config' || name === 'permissions.json' || name.endsWith('.js');
    case 'pages':
      return rest.length === 1 && name.endsWith('.js');
    case 'public':
      return name.endsWith('.js');
    case 'styles':
      return rest.length === 1 && name.endsWith('.css');
    default:
      return false;
  }
}

export function checkFileList(files: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  for (const file of files) {
    if (/\.(ts|tsx|mts|cts)$/.test(file)) {
      problems.push(error('file-type', file, 'TypeScript file in the emitted tree; Wix site code is JavaScript only'));
      continue;
    }
    if (!file.startsWith('src/')) {
      if (!file.includes('/') && !ROOT_FILES.has(file)) problems.push(warning('file-type', file, 'unexpected file at the tree root (the CLI ignores it)'));
      continue;
    }
    const rel = file.slice('src/'.length);
    if (!rel.includes('/')) {
      problems.push(error('src-root', file, 'files directly under src/ are ignored by Wix; use src/backend, src/pages, src/public or src/styles'));
      continue;
    }
    if (!allowedSiteFile(rel)) {
      const why = /\.map$/.test(rel) ? 'sourcemaps' : /\.html?$/.test(rel) ? 'HTML files' : `"${path.extname(rel) || rel}" files`;
      problems.push(error('file-type', file, `${why} are not allowed here; allowed: backend/**/*.js, backend/jobs.config, backend/permissions.json, pages/*.js, public/**/*.js, styles/*.css`));
      continue;
    }
    if (rel.startsWith('pages/')) {
      const name = rel.slice('pages/'.length);
      if (name !== 'masterPage.js' && !/^[^.]+\.[A-Za-z0-9_-]+\.js$/.test(name)) {
        problems.push(error('page-file', file, 'page code files are named <PageName>.<pageId>.js (or masterPage.js)'));
      }
    }
  }
  return problems;
}

export async function checkSizes(dir: string, files: readonly string[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const file of files) {
    const { size } = await fs.stat(path.join(dir, file));
    if (size > SIZE_WARNING_BYTES) problems.push(warning('size', file, `${(size / 1024 / 1024).toFixed(2)} MB; Wix rejects site files over a per-file size limit`));
  }
  return problems;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function readJsonFile(dir: string, file: string): Promise<{ value: unknown } | { problem: string }> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, file), 'utf8');
  } catch {
    return { problem: 'missing' };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { problem: `not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function checkWixConfig(dir: string): Promise<Problem[]> {
  const read = await readJsonFile(dir, 'wix.config.json');
  if ('problem' in read) return [error('wix-config', 'wix.config.json', read.problem)];
  const config = read.value;
  if (!isRecord(config)) return [error('wix-config', 'wix.config.json', 'must be a JSON object')];
  const problems: Problem[] = [];
  const siteId = config['siteId'];
  if (typeof siteId !== 'string' || !UUID.test(siteId)) problems.push(error('wix-config', 'wix.config.json', '"siteId" must be the site\'s UUID'));
  if (typeof config['uiVersion'] !== 'string') {
    problems.push(error('wix-config', 'wix.config.json', '"uiVersion" must be a string (the Git-integration layout needs it; `wix dev` writes it)'));
  }
  return problems;
}

/** Returns the dependency names when package.json is usable. */
export async function checkPackageJson(dir: string): Promise<{ problems: Problem[]; dependencies: Map<string, string> | null }> {
  const file = 'package.json';
  const read = await readJsonFile(dir, file);
  if ('problem' in read) return { problems: [error('package-json', file, read.problem)], dependencies: null };
  const pkg = read.value;
  if (!isRecord(pkg)) return { problems: [error('package-json', file, 'must be a JSON object')], dependencies: null };
  const problems: Problem[] = [];
  const deps = pkg['dependencies'] ?? {};
  const dependencies = new Map<string, string>();
  if (!isRecord(deps)) {
    problems.push(error('package-json', file, '"dependencies" must be an object of package → version'));
  } else {
    for (const [name, version] of Object.entries(deps)) {
      if (typeof version === 'string') dependencies.set(name, version);
      else problems.push(error('package-json', file, `dependencies["${name}"] must be a version string`));
    }
  }
  if ('type' in pkg) problems.push(warning('package-json', file, '"type" field: Wix builds site code itself; leave it out'));
  if ('scripts' in pkg) problems.push(warning('package-json', file, '"scripts" would run on `wix install`; the site tree needs none'));
  if ('devDependencies' in pkg) problems.push(warning('package-json', file, '"devDependencies" are never installed on Wix; leave them in the root package.json'));
  return { problems, dependencies };
}
