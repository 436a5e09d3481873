import { decideContact, type ContactDecision, type ContactEvent } from '../../src/backend/outreach/compliance';
import type { ConsentRecord } from '../../src/backend/collections/common';
import { DEFAULT_SEND_WINDOW } from '../../src/backend/collections/common';
import {
  DOT,
  MIDDAY,
  ago,
  carrier,
  driver,
  floridaDriver,
  granted,
  hours,
  marylandDriver,
  mississippiDriver,
  oklahomaDriver,
  optOut,
} from './compliance-fixtures';

/** 2 pm Central / 1 pm Mountain: cap releases a few hours earlier tomorrow still fall inside every window. */
const AFTERNOON = new Date('2026-01-15T20:00:00Z');

const sent = (channel: ContactEvent['channel'], at: Date, campaign_id: string | null = null) => ({ channel, at, campaign_id });

function expectHold(decision: ContactDecision, rule: string, until: Date): void {
  expect(decision).toMatchObject({ action: 'hold', rule, until });
}

describe('decideContact: hard blocks', () => {
  it('sends to a consenting Texas driver at midday', () => {
    for (const channel of ['sms', 'email', 'voicemail', 'call'] as const) expect(decideContact({ channel, driver: driver(), carrier, now: MIDDAY })).toEqual({ action: 'send' });
  });

  it('blocks SMS without consent, with refused or revoked consent, and without provenance', () => {
    const cases: [ConsentRecord | null, string][] = [
      [null, 'consent.missing'],
      [{ ...granted(), granted: false }, 'consent.refused'],
      [{ ...granted(), revoked_at: new Date('2026-01-01T00:00:00Z') }, 'consent.revoked'],
      [{ ...granted(), text_version: '' }, 'consent.no_provenance'],
      [{ ...granted(), text_version: '   ' }, 'consent.no_provenance'],
      [{ ...granted(), source: undefined } as unknown as ConsentRecord, 'consent.no_provenance'],
      [{ ...granted(), captured_at: new Date('invalid') }, 'consent.no_provenance'],
      [{ ...granted(), captured_at: new Date('2027-01-01T00:00:00Z') }, 'consent.no_provenance'],
    ];
    for (const [sms_consent, rule] of cases) {
      expect(decideContact({ channel: 'sms', driver: driver({ sms_consent }), carrier, now: MIDDAY })).toMatchObject({ action: 'block', rule });
    }
  });

  it('needs voice consent for ringless voicemail (FCC 22-85) but not SMS consent', () => {
    expect(decideContact({ channel: 'voicemail', driver: driver({ voice_consent: null }), carrier, now: MIDDAY })).toMatchObject({ action: 'block', rule: 'consent.missing' });
    expect(decideContact({ channel: 'voicemail', driver: driver({ sms_consent: null }), carrier, now: MIDDAY })).toEqual({ action: 'send' });
  });

  it('lets a recruiter call without prerecorded-voice consent, but honours an internal DNC (revoked voice consent)', () => {
    expect(decideContact({ channel: 'call', driver: driver({ voice_consent: null, sms_consent: null }), carrier, now: MIDDAY })).toEqual({ action: 'send' });
    const revoked = { ...granted(), granted: false, revoked_at: new Date('2026-01-02T00:00:00Z') };
    expect(decideContact({ channel: 'call', driver: driver({ voice_consent: revoked }), carrier, now: MIDDAY })).toMatchObject({ action: 'block', rule: 'internal_dnc.voice_revoked' });
  });

  it('blocks missing, invalid and landline phones (landlines are fine for a live call)', () => {
    expect(decideContact({ channel: 'sms', driver: driver({ phone: null }), carrier, now: MIDDAY })).toMatchObject({ action: 'block', rule: 'contact.phone_missing' });
    expect(decideContact({ channel: 'call', driver: driver({ phone_valid: false }), carrier, now: MIDDAY })).toMatchObject({ action: 'block', rule: 'contact.phone_invalid' });
    expect(decideContact({ channel: 'sms', driver: driver({ phone_line_type: 'landline' }), carrier, now: MIDDAY })).toMatchObject({ action: 'block', rule: 'contact.landline' });
    expect(decideContact({ channel: 'voicemail', driver: driver({ phone_line_type: 'landline' }), carrier, now: MIDDAY })).toMatchObject({ action: 'block', rule: 'contact.landline' });
    expect(decideContact({ channel: 'call', driver: driver({ phone_line_type: 'landline' }), carrier, now: MIDDAY })).toEqual({ action: 'send' });
    expect(decideContact({ channel: 'sms', driver: driver({ phone_line_type: 'voip' }), carrier, now: MIDDAY })).toEqual({ action: 'send' });
  });

  it('blocks suppressed, missing, invalid or unconsented email', () => {
    for (const reason of ['unsubscribed', 'hard_bounce', 'spam_report', 'manual'] as const) {
      const d = decideContact({ channel: 'email', driver: driver({ email_suppressed_reason: reason }), carrier, now: MIDDAY });
      expect(d).toMatchObject({ action: 'block', rule: 'email.suppressed' });
      expect(d.action === 'block' && d.reason).toContain(reason);
    }
    expect(decideContact({ channel: 'email', driver: driver({ email: null }), carrier, now: MIDDAY })).toMatchObject({ rule: 'contact.email_missing' });
    expect(decideContact({ channel: 'email', driver: driver({ email_valid: false }), carrier, now: MIDDAY })).toMatchObject({ rule: 'contact.email_invalid' });
    expect(decideContact({ channel: 'email', driver: driver({ email_consent: null }), carrier, now: MIDDAY })).toMatchObject({ rule: 'consent.missing' });
    // Email suppression does not touch SMS.
    expect(decideContact({ channel: 'sms', driver: driver({ email_suppressed_reason: 'unsubscribed' }), carrier, now: MIDDAY })).toEqual({ action: 'send' });
  });

  it('blocks drivers of another carrier and inactive carriers', () => {
    expect(decideContact({ channel: 'sms', driver: driver({ carrier_dot: '1234567' }), carrier, now: MIDDAY })).toMatchObject({ rule: 'tenant.mismatch' });
    expect(decideContact({ channel: 'sms', driver: driver(), carrier: { ...carrier, active: false }, now: MIDDAY })).toMatchObject({ rule: 'carrier.inactive' });
  });
});

describe('decideContact: opt-outs', () => {
  it('blocks on the driver mirror and on SMSOptOuts for this carrier or all', () => {
    expect(decideContact({ channel: 'sms', driver: driver({ sms_opted_out_at: new Date('2026-01-01T00:00:00Z') }), carrier, now: MIDDAY })).toMatchObject({ rule: 'opt_out.driver' });
    expect(decideContact({ channel: 'sms', driver: driver(), carrier, now: MIDDAY, optOuts: [optOut()] })).toMatchObject({ rule: 'opt_out.carrier' });
    expect(decideContact({ channel: 'sms', driver: driver(), carrier, now: MIDDAY, optOuts: [optOut({ carrier_dot: 'all' })] })).toMatchObject({ rule: 'opt_out.all' });
  });

  it('applies an opt-out to voicemail and calls too, but not to email', () => {
    for (const channel of ['voicemail', 'call'] as const) expect(decideContact({ channel, driver: driver(), carrier, now: MIDDAY, optOuts: [optOut()] })).toMatchObject({ action: 'block' });
    expect(decideContact({ channel: 'email', driver: driver(), carrier, now: MIDDAY, optOuts: [optOut()] })).toEqual({ action: 'send' });
  });

  it('ignores resubscribed records, other carriers and other phones', () => {
    const records = [
      optOut({ resubscribed: true, resubscribed_at: new Date('2026-01-12T00:00:00Z') }),
      optOut({ carrier_dot: '1234567' }),
      optOut({ phone_number: '+15125550999', carrier_dot: 'all' }),
    ];
    expect(decideContact({ channel: 'sms', driver: driver(), carrier, now: MIDDAY, optOuts: records })).toEqual({ action: 'send' });
  });

  it('a START to this carrier after STOPALL re-enables only this carrier', () => {
    const all = optOut({ carrier_dot: 'all', opted_out_at: new Date('2026-01-10T00:00:00Z') });
    const own = optOut({ resubscribed: true, resubscribed_at: new Date('2026-01-11T00:00:00Z') });
    expect(decideContact({ channel: 'sms', driver: driver(), carrier, now: MIDDAY, optOuts: [all, own] })).toEqual({ action: 'send' });
    const olderOptIn = optOut({ resubscribed: true, resubscribed_at: new Date('2026-01-09T00:00:00Z') });
    expect(decideContact({ channel: 'sms', driver: driver(), carrier, now: MIDDAY, optOuts: [all, olderOptIn] })).toMatchObject({ rule: 'opt_out.all' });
  });
});

describe('decideContact: frequency caps', () => {
  it('holds a second SMS within 24 h until the first leaves the window (default 1 per day)', () => {
    const first = ago(AFTERNOON, hours(3));
    expectHold(decideContact({ channel: 'sms', driver: driver(), carrier, now: AFTERNOON, history: { events: [sent('sms', first)] } }), 'cap.sms_daily', new Date(first.getTime() + hours(24)));
    // Exactly 24 h later the first one no longer counts.
    expect(decideContact({ channel: 'sms', driver: driver(), carrier, now: MIDDAY, history: { events: [sent('sms', ago(MIDDAY, hours(24)))] } })).toEqual({ action: 'send' });
  });

  it('counts the DriverProfiles mirror last_sms_at when no event has it', () => {
    expect(decideContact({ channel: 'sms', driver: driver({ last_sms_at: ago(MIDDAY, hours(2)) }), carrier, now: MIDDAY })).toMatchObject({ action: 'hold', rule: 'cap.sms_daily' });
  });

  it('uses the carrier override of the daily SMS cap', () => {
    const events = [sent('sms', ago(AFTERNOON, hours(4))), sent('sms', ago(AFTERNOON, hours(2)))];
    const two = { ...carrier, sms_daily_cap_per_driver: 2 };
    expectHold(decideContact({ channel: 'sms', driver: driver(), carrier: two, now: AFTERNOON, history: { events } }), 'cap.sms_daily', new Date(ago(AFTERNOON, hours(4)).getTime() + hours(24)));
    const three = { ...carrier, sms_daily_cap_per_driver: 3 };
    expect(decideContact({ channel: 'sms', driver: driver(), carrier: three, now: AFTERNOON, history: { events } })).toEqual({ action: 'send' });
  });

  it('caps FL, OK and MD drivers at 3 contacts per rolling 24 h across SMS, voicemail and calls — not TX', () => {
    const events = [sent('sms', ago(MIDDAY, hours(20))), sent('voicemail', ago(MIDDAY, hours(10))), sent('call', ago(MIDDAY, hours(2)))];
    const release = new Date(ago(MIDDAY, hours(20)).getTime() + hours(24)); // 20:00 Z: 3 pm Eastern, inside every window
    const generous = { ...carrier, sms_daily_cap_per_driver: 5 };
    for (const [make, st] of [[floridaDriver, 'FL'], [oklahomaDriver, 'OK'], [marylandDriver, 'MD']] as const) {
      for (const channel of ['call', 'voicemail', 'sms'] as const) {
        expectHold(decideContact({ channel, driver: make(), carrier: generous, now: MIDDAY, history: { events } }), `cap.state_24h.${st}`, release);
      }
      // Two contacts leave room for a third.
      expect(decideContact({ channel: 'call', driver: make(), carrier: generous, now: MIDDAY, history: { events: events.slice(1) } })).toEqual({ action: 'send' });
    }
    expect(decideContact({ channel: 'call', driver: driver(), carrier: generous, now: MIDDAY, history: { events } })).toEqual({ action: 'send' });
  });

  it('email does not count towards the state cap, and the state cap does not apply to email', () => {
    const emails = [1, 2, 3].map((h) => sent('email', ago(MIDDAY, hours(h))));
    expect(decideContact({ channel: 'call', driver: floridaDriver(), carrier, now: MIDDAY, history: { events: emails } })).toEqual({ action: 'send' });
    const calls = [1, 2, 3].map((h) => sent('call', ago(MIDDAY, hours(h))));
    expect(decideContact({ channel: 'email', driver: floridaDriver(), carrier, now: MIDDAY, history: { events: calls } })).toEqual({ action: 'send' });
  });

  it('applies the 3-in-24h cap when no state is known', () => {
    const unknown = driver({ phone: null, home_state: null, home_time_zone: null, home_zip: null, home_city: null });
    const events = [1, 2, 3].map((h) => sent('call', ago(MIDDAY, hours(h))));
    // 555 is no US area code: with no home either, nothing about the location is known.
    const d = decideContact({ channel: 'call', driver: { ...unknown, phone: '+15555550123' }, carrier, now: new Date('2026-01-15T20:00:00Z'), history: { events } });
    expect(d).toMatchObject({ action: 'hold', rule: 'cap.state_24h.unknown_state' });
  });

  it('pushes a cap hold past a closed window: the hold ends when both allow contact', () => {
    // At 5 pm Eastern, the oldest of three contacts (7 am Eastern) frees the cap at 7 am Eastern tomorrow —
    // before Florida hours open (8 am Eastern = 13:00 Z).
    const now = new Date('2026-01-15T22:00:00Z');
    const events = [sent('call', ago(now, hours(10))), sent('call', ago(now, hours(3))), sent('call', ago(now, hours(2)))];
    const d = decideContact({ channel: 'call', driver: floridaDriver(), carrier, now, history: { events } });
    expect(d).toMatchObject({ action: 'hold', rule: 'cap.state_24h.FL', until: new Date('2026-01-16T13:00:00Z') });
  });

  it('applies campaign caps to the campaign\'s own contacts on any channel', () => {
    const caps = { maxPerDriver: 2, perDays: 7 };
    const events = [sent('email', ago(MIDDAY, hours(24 * 6)), 'c1'), sent('sms', ago(MIDDAY, hours(48)), 'c1'), sent('sms', ago(MIDDAY, hours(30)), 'c2')];
    expectHold(
      decideContact({ channel: 'email', driver: driver(), carrier, now: MIDDAY, history: { events }, campaignId: 'c1', campaignCaps: caps }),
      'cap.campaign',
      new Date(ago(MIDDAY, hours(24 * 6)).getTime() + 7 * hours(24)),
    );
    expect(decideContact({ channel: 'email', driver: driver(), carrier, now: MIDDAY, history: { events }, campaignId: 'c2', campaignCaps: caps })).toEqual({ action: 'send' });
    expect(decideContact({ channel: 'email', driver: driver(), carrier, now: MIDDAY, history: { events }, campaignId: 'c1' })).toEqual({ action: 'send' });
    expect(() => decideContact({ channel: 'email', driver: driver(), carrier, now: MIDDAY, campaignId: 'c1', campaignCaps: { maxPerDriver: 0, perDays: 1 } })).toThrow(RangeError);
  });

  it('checks hard blocks before caps', () => {
    const events = [sent('sms', ago(MIDDAY, hours(1)))];
    expect(decideContact({ channel: 'sms', driver: driver({ sms_consent: null }), carrier, now: MIDDAY, history: { events } })).toMatchObject({ action: 'block', rule: 'consent.missing' });
  });
});

describe('decideContact: contact window', () => {
  it('holds a Florida driver at 8:30 pm until Florida hours open at 8:00 am', () => {
    const d = decideContact({ channel: 'sms', driver: floridaDriver(), carrier, now: new Date('2026-01-16T01:30:00Z') });
    // A Miami driver (305, Eastern home): 8:30 pm EST → 8:00 am EST = 13:00 Z.
    expectHold(d, 'window:state:FL:hours', new Date('2026-01-16T13:00:00Z'));
    expect(d.action === 'hold' && d.reason).toMatch(/Florida/);
    expect(decideContact({ channel: 'sms', driver: floridaDriver(), carrier, now: new Date('2026-01-16T00:30:00Z') })).toEqual({ action: 'send' });
  });

  it('holds a Mississippi driver on Sunday until Monday 8:00 am Central', () => {
    expectHold(decideContact({ channel: 'sms', driver: mississippiDriver(), carrier, now: new Date('2026-01-18T18:00:00Z') }), 'window:state:MS:sunday', new Date('2026-01-19T14:00:00Z'));
    // A Texas driver at the same instant is fine.
    expect(decideContact({ channel: 'sms', driver: driver(), carrier, now: new Date('2026-01-18T18:00:00Z') })).toEqual({ action: 'send' });
  });

  it('lets the campaign send window narrow the legal window', () => {
    // 8:30 am Central in Mississippi (one zone): legal, but before the default 9–20 send window.
    const now = new Date('2026-01-15T14:30:00Z');
    expect(decideContact({ channel: 'sms', driver: mississippiDriver(), carrier, now })).toEqual({ action: 'send' });
    const d = decideContact({ channel: 'sms', driver: mississippiDriver(), carrier, now, sendWindow: DEFAULT_SEND_WINDOW });
    expectHold(d, 'window:campaign:send_window', new Date('2026-01-15T15:00:00Z'));
  });

  it('blocks when the send window can never open', () => {
    const never = { ...DEFAULT_SEND_WINDOW, days: [] };
    expect(decideContact({ channel: 'sms', driver: driver(), carrier, now: MIDDAY, sendWindow: never })).toMatchObject({ action: 'block', rule: 'window.never_open' });
  });

  it('uses the carrier-scoped tenant check before looking at the window', () => {
    expect(decideContact({ channel: 'sms', driver: floridaDriver({ carrier_dot: DOT, sms_consent: null }), carrier, now: new Date('2026-01-16T01:30:00Z') })).toMatchObject({ action: 'block' });
  });
});
