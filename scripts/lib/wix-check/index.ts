/** `checkWixTree(dir)`: validates an emitted Wix Git-integration tree. See scripts/wix-check.ts. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { listFiles } from '../fs-walk';
import { checkConventionExports, checkJobFunctions } from './exports';
import { checkFileList, checkPackageJson, checkSizes, checkWixConfig } from './files';
import { checkImports } from './imports';
import { checkJobsConfig } from './jobs-config';
import { scanModules } from './modules';
import { error, type Problem } from './problems';
import { checkWebMethods } from './web-methods';

export type { Problem, Rule, Severity } from './problems';
export { formatProblems } from './problems';

const JOBS_CONFIG = 'src/backend/jobs.config';

export async function checkWixTree(dir: string): Promise<Problem[]> {
  const root = path.resolve(dir);
  const stat = await fs.stat(root).catch(() => null);
  if (stat === null || !stat.isDirectory()) return [error('file-type', '', `${root} is not a directory (run npm run build first)`)];
  const files = (await listFiles(root)).filter((f) => !f.startsWith('node_modules/') && !f.startsWith('.wix/'));
  const problems: Problem[] = [];
  problems.push(...checkFileList(files));
  problems.push(...(await checkSizes(root, files)));
  problems.push(...(await checkWixConfig(root)));
  const pkg = await checkPackageJson(root);
  problems.push(...pkg.problems);

  const jsFiles = files.filter((f) => f.startsWith('src/') && /\.jsw?$/.test(f));
  const scan = await scanModules(root, jsFiles);
  problems.push(...scan.syntaxErrors.map((s) => error('syntax', s.file, s.message)));
  const modules = [...scan.modules.values()].sort((a, b) => a.file.localeCompare(b.file));
  problems.push(...checkImports({ modules, files, dependencies: pkg.dependencies }));
  problems.push(...checkConventionExports(scan.modules));

  if (files.includes(JOBS_CONFIG)) {
    const jobs = checkJobsConfig(await fs.readFile(path.join(root, JOBS_CONFIG), 'utf8'), JOBS_CONFIG);
    problems.push(...jobs.problems);
    problems.push(...checkJobFunctions(jobs.jobs, scan.modules, new Set(files)));
  }

  const webFiles = jsFiles.filter((f) => f.startsWith('src/backend/') && f.endsWith('.web.js') && scan.modules.has(f));
  problems.push(...(await checkWebMethods(root, webFiles)));
  return problems;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
