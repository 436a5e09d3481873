import type { SendWindow } from '../../src/backend/collections/common';
import type { ContactChannel } from '../../src/backend/collections/vocabulary';
import {
  NoContactWindowError, checkContactWindow, contactWindowRules, type RecipientLocation, type WindowCheck,
} from '../../src/backend/outreach/contactWindow';
import { recipientLocation } from '../../src/backend/outreach/location';

const at = (iso: string): Date => new Date(iso);
const check = (location: RecipientLocation, now: string, extra: { channel?: ContactChannel; sendWindow?: SendWindow | null } = {}): WindowCheck =>
  checkContactWindow({ now: at(now), channel: extra.channel ?? 'sms', location, sendWindow: extra.sendWindow ?? null });

/** Expects a hold until `until` (ISO) with `rule`. */
function expectHold(result: WindowCheck, until: string, rule?: string): void {
  expect(result.allowed).toBe(false);
  if (result.allowed) return;
  expect(result.nextAllowedAt.toISOString()).toBe(new Date(until).toISOString());
  if (rule) expect(result.rule).toBe(rule);
  expect(result.reason.length).toBeGreaterThan(10);
}

const window = (start_hour: number, end_hour: number, days: number[] = [0, 1, 2, 3, 4, 5, 6], timezone: SendWindow['timezone'] = 'recipient'): SendWindow => ({ start_hour, end_hour, days, timezone });

// Locations. (July 2025: EDT = UTC-4, CDT = -5, MDT = -6, PDT/MST = -7, AKDT = -8, HST = -10.)
const floridaEastern: RecipientLocation = { zones: ['America/New_York'], states: ['FL'] };
const newYork: RecipientLocation = { zones: ['America/New_York'], states: ['NY'] };
const unknown: RecipientLocation = { zones: [], states: [] };

describe('state hours', () => {
  it('holds a Florida driver at 8:30 pm until 8:00 am the next day (state:FL)', () => {
    // 2025-07-01 20:30 EDT
    const result = check(floridaEastern, '2025-07-02T00:30:00Z');
    expectHold(result, '2025-07-02T12:00:00Z', 'state:FL:hours');
    if (!result.allowed) expect(result.reason).toContain('8:30 pm');
  });

  it('allows the same Florida driver at 7:59 pm and holds at 8:00 pm', () => {
    expect(check(floridaEastern, '2025-07-01T23:59:00Z')).toEqual({ allowed: true });
    expectHold(check(floridaEastern, '2025-07-02T00:00:00Z'), '2025-07-02T12:00:00Z', 'state:FL:hours');
  });

  it('opens a Miami (305, Eastern) driver at 8:00 Eastern but a Pensacola (850, split-zone) driver at 8:00 Central', () => {
    const miami = recipientLocation({ phone: '+13055550123', home_state: 'FL', home_time_zone: 'America/New_York' });
    expectHold(check(miami, '2025-07-01T11:30:00Z'), '2025-07-01T12:00:00Z', 'state:FL:hours');
    expect(check(miami, '2025-07-01T12:30:00Z')).toEqual({ allowed: true });
    const pensacola = recipientLocation({ phone: '+18505550123', home_state: 'FL', home_time_zone: 'America/Chicago' });
    // 8:30 am EDT = 7:30 am CDT → opens at 8:00 CDT = 9:00 EDT.
    expectHold(check(pensacola, '2025-07-01T12:30:00Z'), '2025-07-01T13:00:00Z', 'state:FL:hours');
  });

  it('holds a Mississippi driver on Sunday until Monday 08:00 Central (state:MS:sunday)', () => {
    const ms = recipientLocation({ phone: '+16015550123', home_state: 'MS', home_time_zone: 'America/Chicago' });
    // Sunday 2025-07-06 12:00 CDT
    expectHold(check(ms, '2025-07-06T17:00:00Z'), '2025-07-07T13:00:00Z', 'state:MS:sunday');
  });

  it('applies Mississippi on Central time even for a recipient in another zone', () => {
    // A 601 number with an Eastern home: MS closes at 8 pm Central = 9 pm Eastern.
    const location: RecipientLocation = { zones: ['America/New_York'], states: ['MS'] };
    expect(check(location, '2025-07-02T00:30:00Z')).toEqual({ allowed: true }); // 8:30 pm EDT / 7:30 pm CDT
    expectHold(check(location, '2025-07-02T01:00:00Z'), '2025-07-02T13:00:00Z', 'state:MS:hours'); // 8 pm CDT
  });

  it('starts Kentucky at 10 am', () => {
    const ky: RecipientLocation = { zones: ['America/New_York'], states: ['KY'] };
    expectHold(check(ky, '2025-07-01T13:30:00Z'), '2025-07-01T14:00:00Z', 'state:KY:hours'); // 9:30 EDT
    expect(check(ky, '2025-07-01T14:00:00Z')).toEqual({ allowed: true });
  });

  it('holds an Alabama driver on Sunday', () => {
    const al: RecipientLocation = { zones: ['America/Chicago'], states: ['AL'] };
    expectHold(check(al, '2025-07-06T17:00:00Z'), '2025-07-07T13:00:00Z', 'state:AL:sunday');
  });
});

describe('candidate-zone intersection', () => {
  it('a Texas driver with a Central home and a 915 (Mountain) phone gets the intersection', () => {
    const tx = recipientLocation({ phone: '+19155550123', home_state: 'TX', home_time_zone: 'America/Chicago' });
    expectHold(check(tx, '2025-07-01T13:30:00Z'), '2025-07-01T14:00:00Z', 'federal:hours'); // 8:30 CDT = 7:30 MDT
    expect(check(tx, '2025-07-01T14:00:00Z')).toEqual({ allowed: true });
    // 9 pm CDT closes it although it is only 8 pm in El Paso.
    expectHold(check(tx, '2025-07-02T02:00:00Z'), '2025-07-02T14:00:00Z', 'federal:hours');
  });

  it('Arizona (no DST) is level with Pacific in summer and an hour ahead in winter', () => {
    const az: RecipientLocation = { zones: ['America/Phoenix'], states: ['AZ'] };
    const ca: RecipientLocation = { zones: ['America/Los_Angeles'], states: ['CA'] };
    // Summer: both open at 15:00Z.
    expectHold(check(az, '2025-07-01T14:59:00Z'), '2025-07-01T15:00:00Z');
    expectHold(check(ca, '2025-07-01T14:59:00Z'), '2025-07-01T15:00:00Z');
    // Winter: Phoenix still opens at 15:00Z, Los Angeles at 16:00Z.
    expectHold(check(az, '2025-01-07T14:59:00Z'), '2025-01-07T15:00:00Z');
    expectHold(check(ca, '2025-01-07T14:59:00Z'), '2025-01-07T16:00:00Z');
    expect(check(az, '2025-01-07T15:30:00Z')).toEqual({ allowed: true });
  });

  it('Hawaii opens at 8:00 HST', () => {
    const hi = recipientLocation({ phone: '+18085550123', home_state: 'HI', home_time_zone: 'Pacific/Honolulu' });
    expectHold(check(hi, '2025-07-01T17:59:00Z'), '2025-07-01T18:00:00Z', 'federal:hours');
    expect(check(hi, '2025-07-01T18:00:00Z')).toEqual({ allowed: true });
  });

  it('Alaska opens at 8:00 AKDT', () => {
    const ak: RecipientLocation = { zones: ['America/Anchorage'], states: ['AK'] };
    expectHold(check(ak, '2025-07-01T15:00:00Z'), '2025-07-01T16:00:00Z', 'federal:hours');
  });

  it('unknown zone: summer window is exactly 14:00–20:00 Eastern (8 am Hawaii to 8 pm in an 8 pm state)', () => {
    expectHold(check(unknown, '2025-07-01T12:00:00Z'), '2025-07-01T18:00:00Z', 'federal:hours'); // 8:00 ET → 14:00 EDT
    expect(check(unknown, '2025-07-01T18:00:00Z')).toEqual({ allowed: true });
    expect(check(unknown, '2025-07-01T23:59:00Z')).toEqual({ allowed: true }); // 19:59 EDT
    expectHold(check(unknown, '2025-07-02T00:00:00Z'), '2025-07-02T18:00:00Z'); // 20:00 EDT
  });

  it('unknown zone: winter window starts at 13:00 Eastern (Hawaii has no DST)', () => {
    expectHold(check(unknown, '2025-01-07T12:00:00Z'), '2025-01-07T18:00:00Z', 'federal:hours'); // 13:00 EST
    expectHold(check(unknown, '2025-01-08T01:00:00Z'), '2025-01-08T18:00:00Z'); // 20:00 EST
  });

  it('unknown zone: no Sundays (Alabama, Louisiana and Mississippi are possible)', () => {
    // Sunday 2025-07-06 15:00 EDT.
    expectHold(check(unknown, '2025-07-06T19:00:00Z'), '2025-07-07T18:00:00Z');
  });

  it('reports the zones and rules it evaluated', () => {
    const { zones, rules } = contactWindowRules(floridaEastern, 'sms');
    expect(zones).toEqual(['America/New_York']);
    expect(rules).toEqual(['federal', 'state:FL']);
    expect(contactWindowRules(unknown, 'sms').zones).toEqual(expect.arrayContaining(['Pacific/Honolulu', 'America/Anchorage', 'America/Adak']));
  });
});

describe('daylight saving time in America/New_York', () => {
  it('spring forward (2025-03-09): 3:00 am EDT right after the skipped 2:30 am opens at 8:00 EDT', () => {
    expectHold(check(newYork, '2025-03-09T07:00:00Z'), '2025-03-09T12:00:00Z', 'federal:hours');
    expectHold(check(newYork, '2025-03-09T06:59:00Z'), '2025-03-09T12:00:00Z', 'federal:hours'); // 1:59 EST
  });

  it('spring forward: a window starting at the skipped 2:00 am opens when the clock jumps to 3:00', () => {
    expectHold(check(newYork, '2025-03-09T06:00:00Z', { channel: 'email', sendWindow: window(2, 6) }), '2025-03-09T07:00:00Z', 'campaign:send_window');
  });

  it('fall back (2025-11-02): the repeated 1:30 am is held until 8:00 EST', () => {
    expectHold(check(newYork, '2025-11-02T05:30:00Z'), '2025-11-02T13:00:00Z'); // 1:30 EDT
    expectHold(check(newYork, '2025-11-02T06:30:00Z'), '2025-11-02T13:00:00Z'); // 1:30 EST
  });

  it('fall back: a window starting at 2:00 am opens at 2:00 EST (2:00 EDT never shows)', () => {
    expectHold(check(newYork, '2025-11-02T05:30:00Z', { channel: 'email', sendWindow: window(2, 6) }), '2025-11-02T07:00:00Z');
  });

  it('fall back: 8:59 pm EST is open and 9:00 pm EST is not', () => {
    expect(check(newYork, '2025-11-03T01:59:00Z')).toEqual({ allowed: true });
    expectHold(check(newYork, '2025-11-03T02:00:00Z'), '2025-11-03T13:00:00Z', 'federal:hours');
  });
});

describe('campaign send_window', () => {
  it('narrows the state window', () => {
    const narrow = window(10, 16);
    expectHold(check(floridaEastern, '2025-07-01T13:30:00Z', { sendWindow: narrow }), '2025-07-01T14:00:00Z', 'campaign:send_window');
    expect(check(floridaEastern, '2025-07-01T14:30:00Z', { sendWindow: narrow })).toEqual({ allowed: true });
    expectHold(check(floridaEastern, '2025-07-01T20:30:00Z', { sendWindow: narrow }), '2025-07-02T14:00:00Z', 'campaign:send_window');
  });

  it('never widens the legal window', () => {
    const wide = window(6, 23);
    expectHold(check(floridaEastern, '2025-07-02T00:30:00Z', { sendWindow: wide }), '2025-07-02T12:00:00Z', 'state:FL:hours');
    expectHold(check(floridaEastern, '2025-07-01T11:00:00Z', { sendWindow: wide }), '2025-07-01T12:00:00Z');
  });

  it('skip weekends: Saturday is held until Monday at the window start in the recipient zone', () => {
    const weekdays = window(9, 20, [1, 2, 3, 4, 5]);
    const chicago: RecipientLocation = { zones: ['America/Chicago'], states: ['TX'] };
    // Saturday 2025-07-05 11:00 CDT → Monday 09:00 CDT.
    expectHold(check(chicago, '2025-07-05T16:00:00Z', { sendWindow: weekdays }), '2025-07-07T14:00:00Z', 'campaign:send_window');
  });

  it('a fixed-zone window is read on its own clock, intersected with the recipient-local legal window', () => {
    const eastern = window(9, 17, [0, 1, 2, 3, 4, 5, 6], 'America/New_York');
    const la: RecipientLocation = { zones: ['America/Los_Angeles'], states: ['CA'] };
    // 7 am PDT = 10 am EDT: campaign open, federal not → 8 am PDT.
    expectHold(check(la, '2025-07-01T14:00:00Z', { sendWindow: eastern }), '2025-07-01T15:00:00Z', 'federal:hours');
    // 2 pm PDT = 5 pm EDT: campaign closed → 9 am EDT is 6 am PDT → 8 am PDT.
    expectHold(check(la, '2025-07-01T21:00:00Z', { sendWindow: eastern }), '2025-07-02T15:00:00Z', 'campaign:send_window');
  });

  it('finds the next day on which day rules overlap (Mississippi no Sundays, campaign Sun/Wed)', () => {
    const ms: RecipientLocation = { zones: ['America/Chicago'], states: ['MS'] };
    // Sunday 2025-07-06 noon CDT → Wednesday 09:00 CDT.
    expectHold(check(ms, '2025-07-06T17:00:00Z', { sendWindow: window(9, 17, [0, 3]) }), '2025-07-09T14:00:00Z');
  });

  it('throws NoContactWindowError when the windows never overlap', () => {
    expect(() => check(newYork, '2025-07-01T12:00:00Z', { sendWindow: window(5, 7) })).toThrow(NoContactWindowError);
    expect(() => check(newYork, '2025-07-01T12:00:00Z', { sendWindow: window(9, 17, []) })).toThrow(NoContactWindowError);
    const ms: RecipientLocation = { zones: ['America/Chicago'], states: ['MS'] };
    expect(() => check(ms, '2025-07-01T12:00:00Z', { sendWindow: window(9, 17, [0]) })).toThrow(NoContactWindowError);
    // 9–11 am Eastern never meets 8 am Hawaii: found by searching, given up after 14 days.
    const hi: RecipientLocation = { zones: ['Pacific/Honolulu'], states: ['HI'] };
    expect(() => check(hi, '2025-07-01T12:00:00Z', { sendWindow: window(9, 11, [0, 1, 2, 3, 4, 5, 6], 'America/New_York') })).toThrow(/14 days/);
  });
});

describe('channels', () => {
  it('email ignores TCPA hours when there is no send window', () => {
    expect(check(floridaEastern, '2025-07-01T07:00:00Z', { channel: 'email' })).toEqual({ allowed: true }); // 3 am EDT
    expect(check(unknown, '2025-07-06T07:00:00Z', { channel: 'email' })).toEqual({ allowed: true });
  });

  it('email follows the campaign send window only', () => {
    expectHold(check(floridaEastern, '2025-07-01T07:00:00Z', { channel: 'email', sendWindow: window(9, 20) }), '2025-07-01T13:00:00Z', 'campaign:send_window');
    // 8:30 pm EDT is past Florida's 8 pm text limit but inside a 6–22 email window.
    expect(check(floridaEastern, '2025-07-02T00:30:00Z', { channel: 'email', sendWindow: window(6, 22) })).toEqual({ allowed: true });
  });

  it.each(['sms', 'voicemail', 'call'] as const)('%s follows the TCPA windows', (channel) => {
    expectHold(check(floridaEastern, '2025-07-02T00:30:00Z', { channel }), '2025-07-02T12:00:00Z', 'state:FL:hours');
  });
});

describe('repeated checks', () => {
  it('gives the same answers in any order (the open-interval memo is exact)', () => {
    const times = ['2025-07-01T13:00:00Z', '2025-07-01T23:59:59Z', '2025-07-02T00:00:00Z', '2025-07-01T12:00:00Z', '2025-07-01T11:59:59Z', '2025-07-02T12:00:00Z'];
    const expected = [true, true, false, true, false, true];
    for (let round = 0; round < 3; round += 1) {
      times.forEach((time, i) => expect(check(floridaEastern, time).allowed).toBe(expected[i]));
      times.reverse();
      expected.reverse();
    }
  });
});
