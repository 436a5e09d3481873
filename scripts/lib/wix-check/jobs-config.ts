/**
 * `backend/jobs.config` against Wix's validator rules (reference §2.3), except the interval rule,
 * which follows the premium-plan limit: under 5 minutes fails, under 1 hour warns.
 */
import { minimumIntervalMinutes, parseCron } from './cron';
import { error, warning, type Problem } from './problems';

export const MAX_JOBS = 20;
export const FREE_PLAN_MAX_JOBS = 3;
export const PREMIUM_MIN_INTERVAL_MINUTES = 5;
export const FREE_MIN_INTERVAL_MINUTES = 60;

const JOB_KEYS = ['functionLocation', 'functionName', 'executionConfig', 'description'] as const;
const REQUIRED_JOB_KEYS = ['functionLocation', 'functionName', 'executionConfig'] as const;
const EXEC_KEYS = ['cronExpression', 'time', 'dayOfWeek', 'dateInMonth'] as const;
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

const RESERVED_WORDS = new Set([
  'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'implements', 'import', 'in', 'instanceof', 'interface',
  'let', 'new', 'null', 'package', 'private', 'protected', 'public', 'return', 'static', 'super', 'switch', 'this', 'throw',
  'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield',
]);

export interface JobRef {
  readonly index: number;
  readonly functionLocation: string;
  readonly functionName: string;
}

export interface JobsConfigResult {
  readonly problems: Problem[];
  /** Jobs whose location and name are well-formed (for the export check). */
  readonly jobs: JobRef[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isValidFunctionName(name: string): boolean {
  return /^[a-z_$][\da-z_$]*$/i.test(name) && !RESERVED_WORDS.has(name);
}

export function isValidFunctionLocation(location: string): boolean {
  if (!location.startsWith('/')) return false;
  const segments = location.split('/').slice(1);
  return segments.every((segment, i) => {
    if (segment === '' || /[^\w.-]/.test(segment) || segment.startsWith('.') || segment.endsWith('.')) return false;
    return i < segments.length - 1 || /[^.]\.jsw?$/.test(segment);
  });
}

export function checkJobsConfig(text: string, file = 'src/backend/jobs.config'): JobsConfigResult {
  const problems: Problem[] = [];
  const jobs: JobRef[] = [];
  const fail = (message: string): JobsConfigResult => ({ problems: [...problems, error('jobs-config', file, message)], jobs });
  let config: unknown;
  try {
    config = JSON.parse(text) as unknown;
  } catch (e) {
    return fail(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isRecord(config)) return fail('must contain a JSON object');
  const extra = Object.keys(config).filter((k) => k !== 'jobs');
  if (!('jobs' in config)) return fail('missing top-level key "jobs"');
  if (extra.length > 0) return fail(`unknown top-level key(s) ${extra.map((k) => `"${k}"`).join(', ')}; only "jobs" is allowed`);
  const list = config['jobs'];
  if (!Array.isArray(list)) return fail('"jobs" must be an array');
  if (list.length === 0) return fail('"jobs" is empty; configure at least one job');
  if (list.length > MAX_JOBS) return fail(`${list.length} jobs; at most ${MAX_JOBS} are allowed`);
  if (list.length > FREE_PLAN_MAX_JOBS) {
    problems.push(warning('jobs-config', file, `${list.length} jobs; free sites run at most ${FREE_PLAN_MAX_JOBS}, so the site needs a premium plan`));
  }
  list.forEach((job: unknown, index) => {
    const jobProblems = checkJob(job, `jobs[${index}]`);
    problems.push(...jobProblems.map((p) => ({ ...p, file })));
    if (isRecord(job) && jobProblems.every((p) => p.severity !== 'error' || p.rule === 'jobs-interval')) {
      const { functionLocation, functionName } = job;
      if (typeof functionLocation === 'string' && typeof functionName === 'string') jobs.push({ index, functionLocation, functionName });
    }
  });
  return { problems, jobs };
}

function checkJob(job: unknown, at: string): Problem[] {
  const out: Problem[] = [];
  const err = (message: string): Problem[] => [...out, error('jobs-config', '', `${at}: ${message}`)];
  if (!isRecord(job)) return err('must be an object');
  const unknown = Object.keys(job).filter((k) => !(JOB_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) return err(`unknown key(s) ${unknown.map((k) => `"${k}"`).join(', ')}; allowed: ${JOB_KEYS.join(', ')}`);
  const missing = REQUIRED_JOB_KEYS.filter((k) => !(k in job));
  if (missing.length > 0) return err(`missing required key(s) ${missing.join(', ')}`);
  if ('description' in job && typeof job['description'] !== 'string') return err('"description" must be a string');
  const location = job['functionLocation'];
  if (typeof location !== 'string') return err('"functionLocation" must be a string');
  if (!isValidFunctionLocation(location)) {
    return err(`functionLocation "${location}" is invalid: it starts with "/", names a .js or .jsw file under backend, and each segment uses only letters, digits, "_", "-", "." (not at either end)`);
  }
  const name = job['functionName'];
  if (typeof name !== 'string') return err('"functionName" must be a string');
  if (!isValidFunctionName(name)) return err(`functionName "${name}" is not a valid JavaScript function name (or is a reserved word)`);
  const exec = job['executionConfig'];
  if (!isRecord(exec)) return err('"executionConfig" must be an object');
  const unknownExec = Object.keys(exec).filter((k) => !(EXEC_KEYS as readonly string[]).includes(k));
  if (unknownExec.length > 0) return err(`executionConfig has unknown key(s) ${unknownExec.map((k) => `"${k}"`).join(', ')}; allowed: ${EXEC_KEYS.join(', ')}`);
  if ('cronExpression' in exec) {
    const others = EXEC_KEYS.filter((k) => k !== 'cronExpression' && k in exec);
    if (others.length > 0) return err(`cronExpression can't be combined with ${others.join(', ')}`);
    const cron = exec['cronExpression'];
    if (typeof cron !== 'string') return err('"cronExpression" must be a string');
    const parsed = parseCron(cron);
    if (!parsed.ok) return err(`cronExpression ${parsed.reason}`);
    const interval = minimumIntervalMinutes(parsed.schedule);
    if (interval === null) return err(`cronExpression "${cron}" never runs`);
    if (interval < PREMIUM_MIN_INTERVAL_MINUTES) {
      return [...out, error('jobs-interval', '', `${at}: cronExpression "${cron}" runs every ${interval} min; Wix runs jobs at most every ${PREMIUM_MIN_INTERVAL_MINUTES} min (premium) and ignores shorter schedules`)];
    }
    if (interval < FREE_MIN_INTERVAL_MINUTES) {
      out.push(warning('jobs-interval', '', `${at}: cronExpression "${cron}" runs every ${interval} min; intervals under 1 hour need a premium plan (free sites: hourly at most)`));
    }
    return out;
  }
  if (!('time' in exec)) return err('executionConfig needs "cronExpression" or "time"');
  const time = exec['time'];
  if (typeof time !== 'string' || !/^([01]\d|2[0-3]):([0-5]\d)$/.test(time)) return err(`time ${JSON.stringify(time)} must be "HH:MM" (UTC, 24-hour)`);
  if ('dayOfWeek' in exec && 'dateInMonth' in exec) return err('dayOfWeek and dateInMonth are mutually exclusive');
  if ('dayOfWeek' in exec) {
    const day = exec['dayOfWeek'];
    if (typeof day !== 'string' || !(DAYS as readonly string[]).includes(day)) return err(`dayOfWeek ${JSON.stringify(day)} must be one of ${DAYS.join(', ')}`);
  }
  if ('dateInMonth' in exec) {
    const date = exec['dateInMonth'];
    if (typeof date !== 'number' || !Number.isInteger(date) || date < 1 || date > 31) return err(`dateInMonth ${JSON.stringify(date)} must be an integer from 1 to 31`);
  }
  return out;
}
