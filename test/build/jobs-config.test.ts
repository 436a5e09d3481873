import { minimumIntervalMinutes, parseCron } from '../../scripts/lib/wix-check/cron';
import { checkJobsConfig, isValidFunctionLocation, isValidFunctionName } from '../../scripts/lib/wix-check/jobs-config';

const job = (executionConfig: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  functionLocation: '/jobs.js',
  functionName: 'run',
  executionConfig,
  ...extra,
});

function check(config: unknown): { errors: string[]; warnings: string[] } {
  const { problems } = checkJobsConfig(JSON.stringify(config));
  return {
    errors: problems.filter((p) => p.severity === 'error').map((p) => p.message),
    warnings: problems.filter((p) => p.severity === 'warning').map((p) => p.message),
  };
}

test('a valid config passes and lists its jobs', () => {
  const config = { jobs: [job({ cronExpression: '0 8 * * MON' }), job({ time: '01:00', dayOfWeek: 'Monday' }, { description: 'x' }), job({ time: '23:59', dateInMonth: 31 })] };
  expect(check(config)).toEqual({ errors: [], warnings: [] });
  expect(checkJobsConfig(JSON.stringify(config)).jobs.map((j) => j.index)).toEqual([0, 1, 2]);
});

test.each([
  ['not JSON', '{', /not valid JSON/],
  ['not an object', [], /must contain a JSON object/],
  ['missing jobs', {}, /missing top-level key "jobs"/],
  ['extra top-level key', { jobs: [job({ time: '01:00' })], other: 1 }, /unknown top-level key\(s\) "other"/],
  ['jobs not an array', { jobs: {} }, /"jobs" must be an array/],
  ['empty jobs', { jobs: [] }, /"jobs" is empty/],
  ['21 jobs', { jobs: Array.from({ length: 21 }, () => job({ time: '01:00' })) }, /21 jobs; at most 20/],
  ['job not an object', { jobs: ['x'] }, /jobs\[0\]: must be an object/],
  ['unknown job key', { jobs: [job({ time: '01:00' }, { schedule: 'x' })] }, /unknown key\(s\) "schedule"/],
  ['missing functionName', { jobs: [{ functionLocation: '/a.js', executionConfig: { time: '01:00' } }] }, /missing required key\(s\) functionName/],
  ['description not a string', { jobs: [job({ time: '01:00' }, { description: 3 })] }, /"description" must be a string/],
  ['location without leading slash', { jobs: [job({ time: '01:00' }, { functionLocation: 'jobs.js' })] }, /functionLocation "jobs\.js" is invalid/],
  ['location not .js', { jobs: [job({ time: '01:00' }, { functionLocation: '/jobs.ts' })] }, /functionLocation "\/jobs\.ts" is invalid/],
  ['location bad segment', { jobs: [job({ time: '01:00' }, { functionLocation: '/my jobs/a.js' })] }, /is invalid/],
  ['location dot segment', { jobs: [job({ time: '01:00' }, { functionLocation: '/../a.js' })] }, /is invalid/],
  ['functionName not an identifier', { jobs: [job({ time: '01:00' }, { functionName: '1run' })] }, /functionName "1run" is not a valid/],
  ['functionName reserved', { jobs: [job({ time: '01:00' }, { functionName: 'delete' })] }, /functionName "delete"/],
  ['executionConfig not an object', { jobs: [job({}, { executionConfig: 'daily' })] }, /"executionConfig" must be an object/],
  ['unknown executionConfig key', { jobs: [job({ time: '01:00', dateOfMonth: 1 })] }, /unknown key\(s\) "dateOfMonth"/],
  ['no schedule', { jobs: [job({ dayOfWeek: 'Monday' })] }, /needs "cronExpression" or "time"/],
  ['bad time', { jobs: [job({ time: '1:00' })] }, /time "1:00" must be "HH:MM"/],
  ['time 24:00', { jobs: [job({ time: '24:00' })] }, /time "24:00"/],
  ['bad dayOfWeek', { jobs: [job({ time: '01:00', dayOfWeek: 'monday' })] }, /dayOfWeek "monday" must be one of/],
  ['dateInMonth 0', { jobs: [job({ time: '01:00', dateInMonth: 0 })] }, /dateInMonth 0 must be an integer from 1 to 31/],
  ['dateInMonth 32', { jobs: [job({ time: '01:00', dateInMonth: 32 })] }, /dateInMonth 32/],
  ['dateInMonth 1.5', { jobs: [job({ time: '01:00', dateInMonth: 1.5 })] }, /dateInMonth 1\.5/],
  ['dateInMonth string', { jobs: [job({ time: '01:00', dateInMonth: '1' })] }, /dateInMonth "1"/],
  ['dayOfWeek with dateInMonth', { jobs: [job({ time: '01:00', dayOfWeek: 'Monday', dateInMonth: 1 })] }, /mutually exclusive/],
  ['cron with time', { jobs: [job({ cronExpression: '0 * * * *', time: '01:00' })] }, /can't be combined with time/],
  ['cron with dayOfWeek', { jobs: [job({ cronExpression: '0 * * * *', dayOfWeek: 'Monday' })] }, /can't be combined with dayOfWeek/],
  ['cron 6 fields', { jobs: [job({ cronExpression: '0 0 * * * *' })] }, /has 6 fields; Wix expects 5/],
  ['cron with ?', { jobs: [job({ cronExpression: '0 0 ? * *' })] }, /"\?", "#"/],
  ['cron with #', { jobs: [job({ cronExpression: '0 0 * * 1#2' })] }, /"\?", "#"/],
  ['cron with L', { jobs: [job({ cronExpression: '0 0 L * *' })] }, /"L"/],
  ['cron @daily', { jobs: [job({ cronExpression: '@daily' })] }, /named schedules/],
  ['cron out of range', { jobs: [job({ cronExpression: '60 * * * *' })] }, /minute "60"/],
  ['cron backwards range', { jobs: [job({ cronExpression: '0 5-2 * * *' })] }, /runs backwards/],
  ['cron never runs', { jobs: [job({ cronExpression: '0 0 31 2 *' })] }, /never runs/],
  ['cron every minute', { jobs: [job({ cronExpression: '* * * * *' })] }, /runs every 1 min; Wix runs jobs at most every 5 min/],
  ['cron every 4 minutes', { jobs: [job({ cronExpression: '*/4 * * * *' })] }, /every 4 min/],
  ['cron not a string', { jobs: [job({ cronExpression: 5 })] }, /"cronExpression" must be a string/],
])('rejects %s', (_name, config, expected) => {
  const { errors } = typeof config === 'string' ? { errors: checkJobsConfig(config).problems.map((p) => p.message) } : check(config);
  expect(errors.join('\n')).toMatch(expected);
});

test('intervals from 5 minutes to under an hour warn about the premium plan; hourly is fine', () => {
  expect(check({ jobs: [job({ cronExpression: '*/5 * * * *' })] })).toEqual({ errors: [], warnings: [expect.stringMatching(/every 5 min; intervals under 1 hour need a premium plan/)] });
  expect(check({ jobs: [job({ cronExpression: '0,30 * * * *' })] }).warnings).toEqual([expect.stringMatching(/every 30 min/)]);
  expect(check({ jobs: [job({ cronExpression: '0 * * * *' })] })).toEqual({ errors: [], warnings: [] });
});

test('more than 3 jobs warns that a free site runs only 3', () => {
  const { errors, warnings } = check({ jobs: Array.from({ length: 4 }, () => job({ time: '01:00' })) });
  expect(errors).toEqual([]);
  expect(warnings).toEqual([expect.stringMatching(/free sites run at most 3/)]);
});

test('minimum interval across midnight and across days', () => {
  const interval = (cron: string): number | null => {
    const parsed = parseCron(cron);
    if (!parsed.ok) throw new Error(parsed.reason);
    return minimumIntervalMinutes(parsed.schedule);
  };
  expect(interval('0 */2 * * *')).toBe(120);
  expect(interval('30 9 * * *')).toBe(1440);
  expect(interval('59 23 * * *')).toBe(1440);
  expect(interval('0,59 0,23 * * *')).toBe(1);
  expect(interval('58 23 * * 1,2')).toBe(1440);
  expect(interval('0 8 * * MON')).toBe(7 * 1440);
  expect(interval('0 0 1 * *')).toBe(28 * 1440);
  expect(interval('0 0 * * 7')).toBe(7 * 1440);
  expect(interval('15-20/5 * * * *')).toBe(5);
  expect(interval('10/20 * * * *')).toBe(20);
});

test('function name and location helpers', () => {
  expect(isValidFunctionName('$run_2')).toBe(true);
  expect(isValidFunctionName('class')).toBe(false);
  expect(isValidFunctionLocation('/jobs/drips.web.js')).toBe(true);
  expect(isValidFunctionLocation('/jobs.jsw')).toBe(true);
  expect(isValidFunctionLocation('/jobs/.js')).toBe(false);
  expect(isValidFunctionLocation('/jobs//a.js')).toBe(false);
});
