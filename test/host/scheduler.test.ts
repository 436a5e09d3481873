import { currentCall } from '../../local/runtime';
import { ManualClock, ScaledClock } from '../../local/host/clock';
import { compileSchedule, cronOf, parseJobsConfig, type JobDefinition } from '../../local/host/jobs-config';
import { Scheduler, type JobTrigger } from '../../local/host/scheduler';
import type { ModuleExports } from '../../local/host/site-types';

const T0 = Date.parse('2026-01-15T10:30:00Z'); // a Thursday

const job = (executionConfig: JobDefinition['executionConfig'], functionName = 'run'): JobDefinition => ({ functionLocation: '/jobs.js', functionName, executionConfig });
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

describe('jobs.config', () => {
  it('parses the documented shapes and rejects the invalid ones', () => {
    const config = parseJobsConfig(
      JSON.stringify({
        jobs: [
          { functionLocation: '/jobs.js', functionName: 'a', description: 'cron', executionConfig: { cronExpression: '0 8 * * MON' } },
          { functionLocation: '/utils/x.web.js', functionName: 'b', executionConfig: { time: '01:00', dayOfWeek: 'Monday' } },
          { functionLocation: '/jobs.js', functionName: 'c', executionConfig: { time: '23:59', dateInMonth: 31 } },
        ],
      }),
    );
    expect(config.jobs).toHaveLength(3);
    const bad = [
      { jobs: [] },
      { jobs: [{ functionLocation: 'jobs.js', functionName: 'a', executionConfig: { time: '01:00' } }] },
      { jobs: [{ functionLocation: '/jobs.js', functionName: 'a', executionConfig: { cronExpression: '0 * * * *', time: '01:00' } }] },
      { jobs: [{ functionLocation: '/jobs.js', functionName: 'a', executionConfig: { time: '24:00' } }] },
      { jobs: [{ functionLocation: '/jobs.js', functionName: 'a', executionConfig: { time: '01:00', dayOfWeek: 'Monday', dateInMonth: 1 } }] },
      { jobs: [{ functionLocation: '/jobs.js', functionName: 'a', executionConfig: { time: '01:00', dateOfMonth: 1 } }] },
      { jobs: [{ functionLocation: '/jobs.js', functionName: 'a', extra: 1, executionConfig: { time: '01:00' } }] },
      { jobs: Array.from({ length: 21 }, () => ({ functionLocation: '/jobs.js', functionName: 'a', executionConfig: { time: '01:00' } })) },
    ];
    for (const b of bad) expect(() => parseJobsConfig(b)).toThrow(/Invalid jobs.config/);
    expect(() => compileSchedule(job({ cronExpression: '0 0 * * * *' }))).toThrow(/5 fields/);
  });

  it('computes next runs in UTC for cron expressions', () => {
    const weekly = compileSchedule(job({ cronExpression: '0 8 * * MON' }));
    expect(iso(weekly.nextAfter(T0))).toBe('2026-01-19T08:00:00.000Z');
    const hourly = compileSchedule(job({ cronExpression: '0 * * * *' }));
    expect(iso(hourly.nextAfter(T0))).toBe('2026-01-15T11:00:00.000Z');
    expect(iso(hourly.nextAfter(Date.parse('2026-01-15T11:00:00Z')))).toBe('2026-01-15T12:00:00.000Z');
  });

  it('computes next runs for time, time + dayOfWeek and time + dateInMonth', () => {
    expect(iso(compileSchedule(job({ time: '01:00' })).nextAfter(T0))).toBe('2026-01-16T01:00:00.000Z');
    expect(iso(compileSchedule(job({ time: '11:00' })).nextAfter(T0))).toBe('2026-01-15T11:00:00.000Z');
    expect(iso(compileSchedule(job({ time: '09:15', dayOfWeek: 'Monday' })).nextAfter(T0))).toBe('2026-01-19T09:15:00.000Z');
    expect(iso(compileSchedule(job({ time: '09:15', dayOfWeek: 'Sunday' })).nextAfter(T0))).toBe('2026-01-18T09:15:00.000Z');
    const monthly = compileSchedule(job({ time: '06:00', dateInMonth: 31 }));
    expect(iso(monthly.nextAfter(T0))).toBe('2026-01-31T06:00:00.000Z');
    expect(iso(monthly.nextAfter(Date.parse('2026-01-31T07:00:00Z')))).toBe('2026-03-31T06:00:00.000Z'); // February has no 31st
    expect(cronOf(job({ time: '09:15', dayOfWeek: 'Monday' }))).toBe('15 9 * * 1');
  });
});

interface Run {
  at: string;
  trigger?: JobTrigger;
  admin: boolean;
  elevated: boolean;
  kind: string;
}

function harness(options: { strict?: boolean; seed?: number; duplicateRate?: number; executionConfig?: JobDefinition['executionConfig'] } = {}) {
  const clock = new ManualClock(T0);
  const runs: Run[] = [];
  let failNext = false;
  const mod: ModuleExports = {
    tick: async () => {
      const call = currentCall();
      runs.push({ at: new Date(clock.now()).toISOString(), admin: call.identity.roles.includes('Admin'), elevated: call.elevated, kind: call.kind });
      if (failNext) {
        failNext = false;
        throw new Error('provider down');
      }
    },
  };
  const scheduler = new Scheduler({
    config: { jobs: [job(options.executionConfig ?? { cronExpression: '0 * * * *' }, 'tick')] },
    clock,
    loadModule: async (location) => (location === '/jobs.js' ? mod : null),
    ...(options.strict === undefined ? {} : { strict: options.strict }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.duplicateRate === undefined ? {} : { duplicateRate: options.duplicateRate }),
  });
  return { clock, runs, scheduler, failOnce: () => (failNext = true) };
}

describe('Scheduler', () => {
  it('lists jobs with their next run and runs due occurrences as Admin, elevated, kind job, at their time', async () => {
    const { runs, scheduler, clock } = harness();
    const [state] = scheduler.list();
    expect(state).toMatchObject({ id: '/jobs.js#tick', schedule: 'cron "0 * * * *" (UTC)', lastRun: null });
    expect(iso(state?.nextRunAt ?? null)).toBe('2026-01-15T11:00:00.000Z');
    await scheduler.advanceTo(Date.parse('2026-01-15T13:30:00Z'));
    expect(runs).toEqual([
      { at: '2026-01-15T11:00:00.000Z', admin: true, elevated: true, kind: 'job' },
      { at: '2026-01-15T12:00:00.000Z', admin: true, elevated: true, kind: 'job' },
      { at: '2026-01-15T13:00:00.000Z', admin: true, elevated: true, kind: 'job' },
    ]);
    expect(iso(clock.now())).toBe('2026-01-15T13:30:00.000Z');
    expect(iso(scheduler.list()[0]?.nextRunAt ?? null)).toBe('2026-01-15T14:00:00.000Z');
  });

  it('fast-forwards a multi-day daily schedule', async () => {
    const { runs, scheduler } = harness({ executionConfig: { time: '09:00' } });
    await scheduler.advanceTo(T0 + 3 * 24 * 3600 * 1000);
    expect(runs.map((r) => r.at)).toEqual(['2026-01-16T09:00:00.000Z', '2026-01-17T09:00:00.000Z', '2026-01-18T09:00:00.000Z']);
  });

  it('runs a job now on request and records ok / error results', async () => {
    const { runs, scheduler, failOnce } = harness();
    failOnce();
    const failed = await scheduler.runNow('/jobs.js#tick');
    expect(failed).toMatchObject({ trigger: 'manual', status: 'error', error: 'provider down' });
    const ok = await scheduler.runNow('/jobs.js#tick');
    expect(ok).toMatchObject({ status: 'ok', error: null });
    expect(ok.durationMs).not.toBeNull();
    expect(runs).toHaveLength(2);
    expect(scheduler.list()[0]?.lastRun?.status).toBe('ok');
    await expect(scheduler.runNow('nope')).rejects.toThrow(/No job/);
  });

  it('records an error when functionLocation does not export functionName', async () => {
    const clock = new ManualClock(T0);
    const scheduler = new Scheduler({ config: { jobs: [job({ time: '11:00' }, 'missing')] }, clock, loadModule: async () => ({}) });
    await scheduler.advanceTo(Date.parse('2026-01-15T12:00:00Z'));
    expect(scheduler.list()[0]?.lastRun).toMatchObject({ status: 'error', error: '/jobs.js does not export a function missing' });
  });

  it('tick() on a fast clock fires the due run', async () => {
    let real = 0;
    const clock = new ScaledClock({ start: Date.parse('2026-01-15T10:59:00Z'), speed: 120, realNow: () => real });
    let count = 0;
    const scheduler = new Scheduler({ config: { jobs: [job({ cronExpression: '0 * * * *' }, 'tick')] }, clock, loadModule: async () => ({ tick: () => (count += 1) }) });
    scheduler.tick();
    await scheduler.idle();
    expect(count).toBe(0);
    real += 30_000; // 30 real seconds at 120× = 1 hour
    expect(iso(clock.now())).toBe('2026-01-15T11:59:00.000Z');
    scheduler.tick();
    await scheduler.idle();
    expect(count).toBe(1);
    clock.setSpeed(1);
    real += 60_000;
    expect(iso(clock.now())).toBe('2026-01-15T12:00:00.000Z');
  });

  it('never duplicates deliveries outside strict mode', async () => {
    const { runs, scheduler } = harness({ duplicateRate: 1 });
    await scheduler.advanceTo(T0 + 10 * 3600 * 1000);
    expect(runs).toHaveLength(10);
  });

  it('in strict mode delivers some runs twice (after, or overlapping), deterministically for a seed', async () => {
    const outcome = async (seed: number) => {
      const { scheduler } = harness({ strict: true, seed, duplicateRate: 0.3 });
      await scheduler.advanceTo(T0 + 24 * 3600 * 1000);
      return scheduler.list()[0]?.runs.map((r) => `${iso(r.scheduledFor)} ${r.trigger}`) ?? [];
    };
    const first = await outcome(7);
    expect(await outcome(7)).toEqual(first);
    const triggers = first.map((line) => line.split(' ')[1]);
    expect(triggers.filter((t) => t === 'schedule')).toHaveLength(24);
    expect(triggers.filter((t) => t?.startsWith('duplicate')).length).toBeGreaterThan(0);
    expect(triggers).toContain('duplicate-overlap');
    expect(triggers).toContain('duplicate-after');
  });

  it('an overlapping duplicate starts while the first delivery is still running', async () => {
    const clock = new ManualClock(T0);
    let active = 0;
    let maxActive = 0;
    const mod: ModuleExports = {
      tick: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setImmediate(r));
        active -= 1;
      },
    };
    const scheduler = new Scheduler({ config: { jobs: [job({ cronExpression: '0 * * * *' }, 'tick')] }, clock, loadModule: async () => mod, strict: true, seed: 3, duplicateRate: 1 });
    await scheduler.advanceTo(T0 + 6 * 3600 * 1000);
    const triggers = scheduler.list()[0]?.runs.map((r) => r.trigger) ?? [];
    expect(triggers.filter((t) => t === 'schedule')).toHaveLength(6);
    expect(triggers.filter((t) => t !== 'schedule')).toHaveLength(6);
    expect(triggers).toContain('duplicate-overlap');
    expect(maxActive).toBe(2);
  });
});
