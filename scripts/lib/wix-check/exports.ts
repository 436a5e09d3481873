/** Export-name conventions of http-functions.js and data.js, and jobs.config function exports. */
import type { JobRef } from './jobs-config';
import type { ModuleFacts } from './modules';
import { error, warning, type Problem } from './problems';

const HTTP_EXPORT = /^(get|post|put|delete|options|use)_[A-Za-z0-9_]+$/;

export const DATA_HOOKS = [
  'beforeInsert', 'afterInsert', 'beforeUpdate', 'afterUpdate', 'beforeRemove', 'afterRemove', 'beforeGet', 'afterGet',
  'beforeQuery', 'afterQuery', 'beforeCount', 'afterCount', 'beforeAggregate', 'afterAggregate', 'beforeDistinct',
  'afterDistinct', 'onFailure',
] as const;

const HTTP_FILE = 'src/backend/http-functions.js';
const DATA_FILE = 'src/backend/data.js';

export function checkConventionExports(modules: ReadonlyMap<string, ModuleFacts>): Problem[] {
  const problems: Problem[] = [];
  const http = modules.get(HTTP_FILE);
  for (const name of http?.exports ?? []) {
    if (!HTTP_EXPORT.test(name)) {
      problems.push(error('http-functions', HTTP_FILE, `export "${name}" is not <get|post|put|delete|options|use>_<name>; Wix won't route to it`));
    }
  }
  const data = modules.get(DATA_FILE);
  for (const name of data?.exports ?? []) {
    const match = /^(.+)_([A-Za-z]+)$/.exec(name);
    const hook = match?.[2] ?? '';
    if (match === null || !(DATA_HOOKS as readonly string[]).includes(hook)) {
      problems.push(error('data-hooks', DATA_FILE, `export "${name}" is not <Collection>_<hook> with a known hook (${DATA_HOOKS.join(', ')})`));
    }
  }
  return problems;
}

export function checkJobFunctions(jobs: readonly JobRef[], modules: ReadonlyMap<string, ModuleFacts>, files: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  for (const job of jobs) {
    const file = `src/backend${job.functionLocation}`;
    const where = `jobs[${job.index}] ${job.functionLocation}#${job.functionName}`;
    if (!files.has(file)) {
      problems.push(error('jobs-function', 'src/backend/jobs.config', `${where}: ${file} is not in the emitted tree`));
      continue;
    }
    const mod = modules.get(file);
    if (mod === undefined) continue; // unparseable: reported as a syntax problem
    if (!mod.exports.includes(job.functionName)) {
      const message = `${where}: ${file} does not export "${job.functionName}"`;
      problems.push(mod.reexportsAll ? warning('jobs-function', 'src/backend/jobs.config', `${message} (it re-exports another module; not verifiable)`) : error('jobs-function', 'src/backend/jobs.config', message));
    }
  }
  return problems;
}
