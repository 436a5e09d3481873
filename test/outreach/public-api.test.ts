/** The outreach core's public API (issue: "Public domain API"): names, signatures and result shapes. */
import * as outreach from '../../src/backend/outreach';
import { carrier, driver, floridaDriver } from './compliance-fixtures';

describe('outreach public API', () => {
  it('countSmsSegments → { encoding, segments, characters }', () => {
    expect(outreach.countSmsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, characters: 161 });
    expect(outreach.countSmsSegments('Hi 👋')).toMatchObject({ encoding: 'UCS-2', segments: 1 });
  });

  it('toE164 normalises or returns null; timeZonesForPhone gives IANA names', () => {
    expect(outreach.toE164('(512) 555-0142')).toBe('+15125550142');
    expect(outreach.toE164('12')).toBeNull();
    expect(outreach.timeZonesForPhone('+19285550100')).toContain('America/Phoenix');
    expect(outreach.timeZonesForPhone('+18505550100')).toEqual(expect.arrayContaining(['America/Chicago', 'America/New_York']));
  });

  it('twoProportionZTest and probabilityToBeBest', () => {
    const { z, pValue } = outreach.twoProportionZTest({ successes: 40, total: 1000 }, { successes: 55, total: 1000 });
    expect(z).toBeCloseTo(1.577, 2);
    expect(pValue).toBeCloseTo(0.115, 2);
    const p = outreach.probabilityToBeBest([{ successes: 40, total: 1000 }, { successes: 55, total: 1000 }]);
    expect(p).toHaveLength(2);
    expect((p[0] ?? 0) + (p[1] ?? 0)).toBeCloseTo(1, 9);
    expect(p[1]).toBeCloseTo(0.94, 2);
  });

  it('nextCronRun in a time zone', () => {
    expect(outreach.nextCronRun('0 9 * * *', new Date('2026-03-07T20:00:00Z'), 'America/Chicago').toISOString()).toBe('2026-03-08T14:00:00.000Z');
  });

  it('decideContact returns send, hold with until and reason, or block with reason', () => {
    const at = (iso: string): Date => new Date(iso);
    expect(outreach.decideContact({ channel: 'email', driver: driver(), carrier, now: at('2026-01-15T18:00:00Z') })).toEqual({ action: 'send' });
    const hold = outreach.decideContact({ channel: 'sms', driver: floridaDriver(), carrier, now: at('2026-01-16T01:30:00Z') });
    expect(hold).toMatchObject({ action: 'hold', until: at('2026-01-16T13:00:00Z'), reason: expect.any(String) });
    const block = outreach.decideContact({ channel: 'sms', driver: driver({ sms_consent: null }), carrier, now: at('2026-01-15T18:00:00Z') });
    expect(block).toMatchObject({ action: 'block', reason: expect.any(String) });
  });
});
