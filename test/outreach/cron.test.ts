import {
  CronExpressionError,
  TimeZoneError,
  cronForRecurringChoice,
  describeRecurringSchedule,
  nextCronRun,
  nextCronRuns,
  nextRecurringRun,
} from '../../src/backend/outreach/cron';

const utc = (iso: string): Date => new Date(iso);

describe('nextCronRun', () => {
  it('defaults to UTC and returns the first run strictly after', () => {
    expect(nextCronRun('0 9 * * *', utc('2026-01-05T08:59:00Z'))).toEqual(utc('2026-01-05T09:00:00Z'));
    expect(nextCronRun('0 9 * * *', utc('2026-01-05T09:00:00Z'))).toEqual(utc('2026-01-06T09:00:00Z'));
    expect(nextCronRun('*/5 * * * *', utc('2026-01-05T09:01:30Z'))).toEqual(utc('2026-01-05T09:05:00Z'));
  });

  it('daily 09:00 America/Chicago stays at 09:00 local across the March DST change (15:00Z → 14:00Z)', () => {
    const runs = nextCronRuns('0 9 * * *', utc('2026-03-06T18:00:00Z'), 4, 'America/Chicago');
    expect(runs.map((d) => d.toISOString())).toEqual([
      '2026-03-07T15:00:00.000Z', // Sat, CST (UTC−6)
      '2026-03-08T14:00:00.000Z', // Sun, DST starts at 02:00: CDT (UTC−5)
      '2026-03-09T14:00:00.000Z',
      '2026-03-10T14:00:00.000Z',
    ]);
  });

  it('daily 09:00 America/Chicago across the November change (14:00Z → 15:00Z)', () => {
    expect(nextCronRun('0 9 * * *', utc('2026-10-31T15:00:00Z'), 'America/Chicago')).toEqual(utc('2026-11-01T15:00:00Z'));
    expect(nextCronRun('0 9 * * *', utc('2026-10-30T20:00:00Z'), 'America/Chicago')).toEqual(utc('2026-10-31T14:00:00Z'));
  });

  it('a time in the spring-forward gap runs once, at the first valid instant; a repeated time runs once', () => {
    // 02:30 doesn't exist on 2026-03-08 in Chicago: runs at 03:00 CDT = 08:00Z.
    expect(nextCronRun('30 2 * * *', utc('2026-03-08T06:00:00Z'), 'America/Chicago')).toEqual(utc('2026-03-08T08:00:00Z'));
    // 01:30 happens twice on 2026-11-01: one run, then the next day.
    const [first, second] = nextCronRuns('30 1 * * *', utc('2026-11-01T05:00:00Z'), 2, 'America/Chicago');
    expect(first).toEqual(utc('2026-11-01T06:30:00Z'));
    expect(second).toEqual(utc('2026-11-02T07:30:00Z'));
  });

  it('weekly on Monday, with names', () => {
    expect(nextCronRun('0 9 * * MON', utc('2026-01-07T00:00:00Z'), 'America/New_York')).toEqual(utc('2026-01-12T14:00:00Z'));
  });

  it('throws a clear error on invalid expressions and zones', () => {
    expect(() => nextCronRun('0 9 * *', new Date())).toThrow(new CronExpressionError('0 9 * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 4'));
    expect(() => nextCronRun('0 0 9 * * *', new Date())).toThrow(CronExpressionError);
    expect(() => nextCronRun('61 9 * * *', new Date())).toThrow(/Invalid cron expression "61 9 \* \* \*": .*minute/);
    expect(() => nextCronRun('', new Date())).toThrow(CronExpressionError);
    expect(() => nextCronRun('0 0 30 2 *', new Date())).toThrow(/never matches/);
    expect(() => nextCronRun('0 9 * * *', new Date(), 'Central')).toThrow(TimeZoneError);
  });
});

describe('recurring schedules (SMSCampaigns.recurring_schedule)', () => {
  it('stops at ends_at', () => {
    const schedule = { cron: '0 9 * * 1', timezone: 'America/Chicago', ends_at: utc('2026-01-13T00:00:00Z') };
    expect(nextRecurringRun(schedule, utc('2026-01-06T00:00:00Z'))).toEqual(utc('2026-01-12T15:00:00Z'));
    expect(nextRecurringRun(schedule, utc('2026-01-12T16:00:00Z'))).toBeNull();
  });

  it('builds cron from the builder choices', () => {
    expect(cronForRecurringChoice({ frequency: 'weekly', weekdays: [4, 1, 1], hour: 9 })).toBe('0 9 * * 1,4');
    expect(cronForRecurringChoice({ frequency: 'daily', hour: 17, minute: 30 })).toBe('30 17 * * *');
    expect(cronForRecurringChoice({ frequency: 'weekdays', hour: 8 })).toBe('0 8 * * 1-5');
    expect(cronForRecurringChoice({ frequency: 'monthly', dayOfMonth: 15, hour: 10 })).toBe('0 10 15 * *');
    expect(() => cronForRecurringChoice({ frequency: 'monthly', dayOfMonth: 31, hour: 10 })).toThrow(RangeError);
    expect(() => cronForRecurringChoice({ frequency: 'weekly', weekdays: [], hour: 9 })).toThrow(RangeError);
  });

  it.each([
    ['0 9 * * 1', 'Every Monday at 9:00 AM (America/Chicago)'],
    ['0 9 * * MON,THU', 'Every Monday and Thursday at 9:00 AM (America/Chicago)'],
    ['30 17 * * *', 'Every day at 5:30 PM (America/Chicago)'],
    ['0 8 * * 1-5', 'Every weekday at 8:00 AM (America/Chicago)'],
    ['0 0 * * 0', 'Every Sunday at 12:00 AM (America/Chicago)'],
    ['0 10 15 * *', 'Monthly on day 15 at 10:00 AM (America/Chicago)'],
  ])('describes %s', (cron, text) => {
    expect(describeRecurringSchedule({ cron, timezone: 'America/Chicago' })).toBe(text);
  });

  it('falls back to the expression and its next run for other shapes', () => {
    expect(describeRecurringSchedule({ cron: '*/15 9-17 * * 1-5', timezone: 'UTC' }, utc('2026-01-05T09:01:00Z'))).toBe(
      'Cron "*/15 9-17 * * 1-5" (UTC), next 2026-01-05T09:15:00.000Z',
    );
    expect(() => describeRecurringSchedule({ cron: 'bad', timezone: 'UTC' })).toThrow(CronExpressionError);
  });
});
