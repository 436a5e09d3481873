/** View logic of the SMS campaigns app: tabs, audience form → filter, schedule, errors → fields. */
import { formatPct, maskPhone, formatPhone } from '../../src/public/apps/shared/format';
import { audienceFilterOf as filterOn, EMPTY_AUDIENCE, type AudienceForm } from '../../src/public/apps/shared/audienceModel';
import { nextOccurrence, recurringCron, sendWindowOf } from '../../src/public/apps/shared/scheduleModel';
import { campaignDataOf, fieldErrorsOf, localProblems, tabOf, weightShares, type BuilderDraft } from '../../src/public/apps/sms-campaigns/model';
import { CAMPAIGN_STATUSES } from '../../src/backend/collections/vocabulary';
import { audienceFilter } from '../../src/backend/collections/common';

const audienceFilterOf = (form: AudienceForm) => filterOn(form, 'sms');

const draft = (over: Partial<BuilderDraft> = {}): BuilderDraft => ({
  name: 'Spring blitz',
  variants: [{ id: 'A', text: 'Hi {{firstName}}', weight: 50 }],
  audience: EMPTY_AUDIENCE,
  schedule: { kind: 'immediate', at: '', recurrence: 'daily', weekday: 1, time: '09:00', timezone: 'America/Chicago' },
  window: { enabled: true, startHour: 9, endHour: 20, skipWeekends: false },
  ...over,
});

describe('SMS campaigns app view logic', () => {
  it('puts every campaign status under one tab, paused with active', () => {
    expect(CAMPAIGN_STATUSES.map(tabOf)).toEqual(['drafts', 'scheduled', 'active', 'active', 'completed']);
  });

  it('turns the audience form into a stored audience filter the collection schema accepts', () => {
    const { filter, problems } = audienceFilterOf({
      ...EMPTY_AUDIENCE,
      cdlClasses: ['A'],
      endorsements: ['H', 'N'],
      endorsementsMatch: 'all',
      statuses: ['job_seeking'],
      minYears: '2',
      states: 'tx, ok',
      tags: 'otr, flatbed',
      radiusMiles: '200',
      radiusPlace: 'Dallas, TX',
      noContactDays: '30',
    });
    expect(problems).toEqual([]);
    expect(filter).toEqual({
      cdl_classes: ['A'],
      endorsements: ['H', 'N'],
      endorsements_match: 'all',
      statuses: ['job_seeking'],
      min_years_experience: 2,
      states: ['TX', 'OK'],
      tags: ['otr', 'flatbed'],
      within: { miles: 200, place: 'Dallas, TX' },
      no_sms_in_last_days: 30,
      has_consent_for: 'sms',
    });
    expect(audienceFilter.safeParse(filter).success).toBe(true);
    expect(audienceFilterOf({ ...EMPTY_AUDIENCE, radiusMiles: '50', radiusPlace: '75201' }).filter.within).toEqual({ miles: 50, zip: '75201' });
  });

  it('reports what it cannot turn into a filter', () => {
    const { problems } = audienceFilterOf({ ...EMPTY_AUDIENCE, states: 'TX, XX', radiusMiles: '50', radiusPlace: 'Dallas', noContactDays: '2.5' });
    expect(problems).toEqual(['Unknown state code: XX.', 'Location must be a 5-digit ZIP or "City, ST".', '"No SMS in the last N days" needs a whole number.']);
  });

  it('writes recurring choices as cron and the window with or without weekends', () => {
    expect(recurringCron('daily', '09:30', 1)).toBe('30 9 * * *');
    expect(recurringCron('weekdays', '17:00', 1)).toBe('0 17 * * 1-5');
    expect(recurringCron('weekly', '08:05', 3)).toBe('5 8 * * 3');
    expect(sendWindowOf({ enabled: true, startHour: 9, endHour: 20, skipWeekends: true })).toEqual({ start_hour: 9, end_hour: 20, timezone: 'recipient', days: [1, 2, 3, 4, 5] });
    const saturday = new Date(2026, 0, 24, 12, 0);
    expect(nextOccurrence('weekdays', '09:00', 1, saturday)).toEqual(new Date(2026, 0, 26, 9, 0));
    expect(nextOccurrence('weekly', '09:00', 6, saturday)).toEqual(new Date(2026, 0, 31, 9, 0));
  });

  it('builds campaignData with variants and a recurring schedule', () => {
    const data = campaignDataOf(
      draft({
        variants: [
          { id: 'A', text: 'Hi {{firstName}}', weight: 60 },
          { id: 'B', text: 'Hey {{firstName}}', weight: 40 },
        ],
        schedule: { kind: 'recurring', at: '', recurrence: 'weekly', weekday: 1, time: '09:00', timezone: 'America/Chicago' },
      }),
      { has_consent_for: 'sms' },
    );
    expect(data).toMatchObject({
      name: 'Spring blitz',
      messageTemplate: 'Hi {{firstName}}',
      scheduleType: 'recurring',
      recurringSchedule: { cron: '0 9 * * 1', timezone: 'America/Chicago' },
      variants: [
        { variant_id: 'A', message_template: 'Hi {{firstName}}', weight: 60 },
        { variant_id: 'B', message_template: 'Hey {{firstName}}', weight: 40 },
      ],
    });
  });

  it('checks the builder before calling the backend', () => {
    expect(localProblems(draft({ name: ' ', variants: [{ id: 'A', text: '', weight: 0 }] }), [], false)).toEqual({
      name: 'Give the campaign a name.',
      message: 'Write the message.',
      variants: 'Weights must be above 0.',
    });
    const past = draft({ schedule: { kind: 'scheduled', at: '2001-01-01T09:00', recurrence: 'daily', weekday: 1, time: '09:00', timezone: 'UTC' } });
    expect(localProblems(past, [], true).schedule).toBe('Pick a time in the future.');
    expect(localProblems(draft({ window: { enabled: true, startHour: 20, endHour: 9, skipWeekends: false } }), [], false).window).toBeDefined();
  });

  it('places backend validation errors next to their fields', () => {
    expect(fieldErrorsOf('Invalid input — argument 1.messageTemplate: Too small; argument 1.sendWindow.end_hour: Too big')).toEqual({
      fields: { message: 'Too small', window: 'Too big' },
      general: null,
    });
    expect(fieldErrorsOf('Campaign is active; pause it first.')).toEqual({ fields: {}, general: 'Campaign is active; pause it first.' });
  });

  it('shows weights as shares that add up to 100 and formats figures', () => {
    expect(weightShares([1, 1, 1])).toEqual([34, 33, 33]);
    expect(weightShares([60, 40])).toEqual([60, 40]);
    expect(maskPhone('+15125550143')).toBe('(•••) •••-0143');
    expect(formatPhone('+15125550143')).toBe('(512) 555-0143');
    expect(formatPct(794, 812)).toBe('97.8%');
    expect(formatPct(1, 0)).toBe('–');
  });
});
