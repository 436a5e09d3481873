import { DriverProfiles, Carriers } from '../../src/backend/collections/people';
import { SMSOptOuts } from '../../src/backend/collections/sms';
import { ComplianceAuditLog } from '../../src/backend/collections/people';
import { ContactEvents } from '../../src/backend/collections/contacts';
import { elevatedCollection } from '../../src/backend/platform/data';
import { createComplianceStore } from '../../src/backend/adapters/complianceStore';
import {
  decideContact,
  decideContactBatch,
  decideContactBatchWith,
  handleInboundSms,
} from '../../src/backend/outreach/compliance';
import type { DriverProfile } from '../../src/backend/collections/people';
import type { ContactChannel } from '../../src/backend/collections/vocabulary';
import { DEFAULT_SEND_WINDOW } from '../../src/backend/collections/common';
import { demoCarrier } from '../../local/seed/generate';
import { installTestRuntime, type TestRuntime } from '../support/runtime';
import { DOT, contactHistoryFor, generatedDrivers } from './compliance-fixtures';

const carrier = demoCarrier(DOT);
/** Thursday 2026-01-15 17:00 Z: noon Eastern, 7 am in Hawaii — every decision kind shows up. */
const NOW = new Date('2026-01-15T17:00:00Z');
const CAMPAIGN = 'camp-1';
const CAPS = { maxPerDriver: 2, perDays: 7 };

function generated(count: number, seed = 11): DriverProfile[] {
  return generatedDrivers(count, seed, NOW);
}

function historyFor(drivers: readonly DriverProfile[], seed = 5): ReturnType<typeof contactHistoryFor> {
  return contactHistoryFor(drivers, { seed, now: NOW, campaignId: CAMPAIGN });
}

describe('decideContactBatch (pure) equals decideContact per driver', () => {
  const drivers = generated(1000);
  const { events, optOuts } = historyFor(drivers);

  it.each(['sms', 'voicemail', 'call', 'email'] as const)('on 1000 generated drivers (%s)', (channel) => {
    const input = { channel, carrier, drivers, now: NOW, sendWindow: DEFAULT_SEND_WINDOW, campaignId: CAMPAIGN, campaignCaps: CAPS };
    const { decisions, audit } = decideContactBatchWith(input, { optOuts, events });
    expect(decisions).toHaveLength(1000);
    drivers.forEach((driver, i) => {
      const single = decideContact({
        channel, driver, carrier, now: NOW, sendWindow: DEFAULT_SEND_WINDOW, campaignId: CAMPAIGN, campaignCaps: CAPS,
        history: { events: events.filter((e) => e.driver_id === driver._id) },
        optOuts: optOuts.filter((o) => o.phone_number === driver.phone),
      });
      expect([driver._id, decisions[i]]).toEqual([driver._id, single]);
    });
    const kinds = new Set(decisions.map((d) => d.action));
    expect(kinds).toEqual(new Set(['send', 'hold', 'block']));
    expect(audit).toHaveLength(decisions.filter((d) => d.action !== 'send').length);
    for (const entry of audit) expect(ComplianceAuditLog.schema.safeParse({ _id: 'x', ...entry }).success).toBe(true);
  });

  it('contacts a driver listed twice in one batch only once', () => {
    const d = drivers.find((x) => decideContact({ channel: 'sms', driver: x, carrier, now: NOW }).action === 'send');
    if (!d) throw new Error('no sendable driver');
    const { decisions } = decideContactBatchWith({ channel: 'sms', carrier, drivers: [d, d], now: NOW }, { optOuts: [], events: [] });
    expect(decisions.map((x) => x.action)).toEqual(['send', 'hold']);
  });

  it('refuses batches over 1000 drivers', () => {
    expect(() => decideContactBatchWith({ channel: 'sms', carrier, drivers: generated(1001), now: NOW }, { optOuts: [], events: [] })).toThrow(RangeError);
  });
});

describe('decideContactBatch on the data emulator', () => {
  let rt: TestRuntime;
  const drivers = generated(1000, 23);
  const { events, optOuts } = historyFor(drivers, 9);

  beforeAll(async () => {
    rt = installTestRuntime({ now: NOW.getTime() });
    await rt.asJob(async () => {
      await elevatedCollection(Carriers).insert(carrier);
      await elevatedCollection(DriverProfiles).bulkInsert(drivers);
      await elevatedCollection(SMSOptOuts).bulkInsert(optOuts);
      const recorded = await createComplianceStore().recordContacts(events);
      expect(recorded.writes).toBe(Math.ceil(events.length / 1000));
    });
  });
  afterAll(() => rt.close());

  async function runBatch(channel: ContactChannel, size: number): Promise<void> {
    const stored = (await rt.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.eq('carrier_dot', DOT).ascending('_id')))).slice(0, size);
    expect(stored).toHaveLength(size);
    const auditedBefore = await rt.asJob(() => elevatedCollection(ComplianceAuditLog).count((q) => q.eq('channel', channel)));
    rt.emulator.resetStats();
    const input = { channel, carrier, drivers: stored, now: NOW, sendWindow: DEFAULT_SEND_WINDOW, campaignId: CAMPAIGN, campaignCaps: CAPS };
    const result = await rt.asJob(() => decideContactBatch(input, createComplianceStore()));
    const stats = rt.emulator.stats();
    const expectedReads = channel === 'email' ? 1 : 2; // opt-outs (not for email) + contact events
    expect({ reads: stats.reads, writes: stats.writes }).toEqual({ reads: expectedReads, writes: 1 });
    expect(result.dataRequests).toEqual({ reads: expectedReads, writes: 1 });
    const pure = decideContactBatchWith(input, { optOuts, events });
    expect(result.decisions).toEqual(pure.decisions);
    const audited = await rt.asJob(() => elevatedCollection(ComplianceAuditLog).count((q) => q.eq('channel', channel)));
    expect(audited - auditedBefore).toBe(result.decisions.filter((d) => d.action !== 'send').length);
  }

  it.each(['sms', 'voicemail', 'call', 'email'] as const)('costs 2 reads and 1 write for 500 seeded drivers and matches the pure batch (%s)', async (channel) => {
    await runBatch(channel, 500);
  });

  it('costs 2 reads and 1 write for 1000 seeded drivers (sms)', async () => {
    await runBatch('sms', 1000);
  });

  it('records contacts idempotently (same message id twice is skipped)', async () => {
    const store = createComplianceStore();
    const before = await rt.asJob(() => elevatedCollection(ContactEvents).count());
    await rt.asJob(() => store.recordContacts(events.slice(0, 10)));
    expect(await rt.asJob(() => elevatedCollection(ContactEvents).count())).toBe(before);
  });

  it('an inbound STOP costs 2 reads and 3 bulk writes and blocks the next batch', async () => {
    const target = drivers.find((d) => d.phone && d.phone_valid && d.phone_line_type !== 'landline' && d.sms_consent?.granted && !optOuts.some((o) => o.phone_number === d.phone));
    if (!target?.phone) throw new Error('no target');
    rt.emulator.resetStats();
    const out = await rt.asJob(() => handleInboundSms({ carrier, phone: target.phone!, text: 'STOP', now: NOW, messageId: 'SMin1' }, createComplianceStore()));
    expect(out.effect).toBe('opted_out');
    expect(out.dataRequests).toEqual({ reads: 2, writes: 3 });
    expect({ reads: rt.emulator.stats().reads, writes: rt.emulator.stats().writes }).toEqual(out.dataRequests);
    const result = await rt.asJob(() => decideContactBatch({ channel: 'sms', carrier, drivers: [target], now: NOW }, createComplianceStore()));
    expect(result.decisions[0]).toMatchObject({ action: 'block', rule: 'opt_out.carrier' });
    const mirror = await rt.asJob(() => elevatedCollection(DriverProfiles).get(target._id));
    expect(mirror?.sms_opted_out_at).toEqual(NOW);
    expect(mirror?.sms_consent?.revoked_at).toEqual(NOW);
  });
});
