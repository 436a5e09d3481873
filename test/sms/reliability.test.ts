/**
 * The send path end to end (real SDK → stand-in) and its reliability: killed runs, injected
 * 429 / 500 / timeouts, exactly one message per eligible driver.
 */
import { SMSCampaigns, SMSMessages, type SMSMessage } from '../../src/backend/collections/sms';
import { elevatedCollection } from '../../src/backend/platform';
import { runSmsScheduler } from '../../src/backend/sms/scheduler';
import { createSMSCampaign } from '../../src/backend/smsCampaignService.web';
import { createSmsWorld, DEMO_CARRIER_DOT, faultyProvider, KilledError, PUBLIC_BASE_URL, rngOf, type SmsWorld } from './support';

const DRIVERS = Number(process.env['SMS_RELIABILITY_DRIVERS'] ?? 10_000);

async function allMessages(world: SmsWorld, campaignId: string): Promise<SMSMessage[]> {
  return world.rt.asJob(async () => {
    const out: SMSMessage[] = [];
    for await (const page of elevatedCollection(SMSMessages).pages((q) => q.eq('campaign_id', campaignId))) out.push(...page);
    return out;
  });
}

async function newActiveCampaign(world: SmsWorld, name: string): Promise<string> {
  const created = await world.rt.as(world.recruiter, () =>
    createSMSCampaign(DEMO_CARRIER_DOT, { name, messageTemplate: 'Hi {{firstName}}, regional CDL-A lanes open. Reply YES to talk. Reply STOP to opt out.', audienceFilter: {}, rateLimit: 100_000 }),
  );
  if (!created.success) throw new Error(created.error);
  await world.rt.asJob(async () => {
    const c = await elevatedCollection(SMSCampaigns).get(created.campaignId);
    if (!c) throw new Error('missing');
    await elevatedCollection(SMSCampaigns).update({ ...c, status: 'active', next_run_at: new Date(world.rt.clock.now()), started_at: new Date(world.rt.clock.now()), status_tracking: 'reconcile' });
  });
  return created.campaignId;
}

const fast = { sleep: async () => undefined, backoffMs: () => 0, concurrency: 16, publicBaseUrl: PUBLIC_BASE_URL };

function expectExactlyOnce(world: SmsWorld, records: readonly SMSMessage[]): void {
  // Each provider-side message belongs to exactly one record (demo drivers may share a phone).
  const perPair = new Map<string, number>();
  for (const m of world.standIn.messages) perPair.set(`${m.to}|${m.body}`, (perPair.get(`${m.to}|${m.body}`) ?? 0) + 1);
  const expectedPairs = new Map<string, number>();
  for (const r of records.filter((x) => x.twilio_sid)) expectedPairs.set(`${r.phone_number}|${r.message_body}`, (expectedPairs.get(`${r.phone_number}|${r.message_body}`) ?? 0) + 1);
  expect(Object.fromEntries(perPair)).toEqual(Object.fromEntries(expectedPairs));
  const withSid = records.filter((r) => r.twilio_sid);
  expect(withSid.length).toBe(world.standIn.messages.length);
  expect(new Set(withSid.map((r) => r.twilio_sid)).size).toBe(withSid.length);
  expect(records.filter((r) => r.status === 'sending' || r.status === 'pending')).toEqual([]);
  for (const r of records.filter((x) => x.status === 'failed')) expect(r.error_code).toBeTruthy();
  expect(new Set(records.map((r) => r.driver_id)).size).toBe(records.length);
}

describe(`SMS sending reliability (${DRIVERS} drivers)`, () => {
  jest.setTimeout(600_000);

  it('a clean run sends each eligible driver one message, in single-digit data requests per 1000', async () => {
    const world = await createSmsWorld({ drivers: DRIVERS, seed: 21 });
    try {
      const campaignId = await newActiveCampaign(world, 'clean');
      world.rt.emulator.resetStats();
      const report = await world.rt.asJob(() => runSmsScheduler({ ...fast, provider: world.provider, holder: 'clean' }));
      expect(report.outcome).toBe('completed');
      const records = await allMessages(world, campaignId);
      const stats = world.rt.emulator.stats();
      const sent = records.filter((r) => r.twilio_sid).length;
      expect(sent).toBeGreaterThan(0);
      expectExactlyOnce(world, records);
      const perThousand = ((stats.reads + stats.writes) / records.length) * 1000;
      // Printed for the report and docs/sms-campaigns.md.
      console.info(`[sms figures] records=${records.length} sent=${sent} reads=${stats.reads} writes=${stats.writes} perThousandRecords=${perThousand.toFixed(2)} byCollection=${JSON.stringify(stats.byCollection)}`);
      expect(perThousand).toBeLessThan(DRIVERS >= 10_000 ? 20 : 40);
    } finally {
      await world.close();
    }
  });

  it('killed at random points and rerun: every eligible driver still gets exactly one message', async () => {
    const world = await createSmsWorld({ drivers: DRIVERS, seed: 22 });
    try {
      const campaignId = await newActiveCampaign(world, 'kill');
      const rng = rngOf(1234);
      let kills = 0;
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const killAfter = 200 + Math.floor(rng() * 2000);
        const provider = faultyProvider(world.provider, { killAfter, rng });
        try {
          const report = await world.rt.asJob(() => runSmsScheduler({ ...fast, provider, holder: `run-${attempt}` }));
          if (report.outcome === 'completed' && report.campaigns.every((c) => c.outcome !== 'out_of_time')) break;
        } catch (error) {
          expect(error).toBeInstanceOf(KilledError);
          kills += 1;
        }
      }
      expect(kills).toBeGreaterThan(1);
      const campaign = await world.rt.asJob(() => elevatedCollection(SMSCampaigns).get(campaignId));
      expect(campaign?.status === 'completed' || campaign?.audience_done === true).toBe(true);
      expectExactlyOnce(world, await allMessages(world, campaignId));
    } finally {
      await world.close();
    }
  });

  it('20% injected 429 / 500 / timeouts: every message ends sent or failed with a reason, none twice', async () => {
    const world = await createSmsWorld({ drivers: Math.min(DRIVERS, 3000), seed: 23 });
    try {
      const campaignId = await newActiveCampaign(world, 'faults');
      world.standIn.faultRate = 0.1;
      const provider = faultyProvider(world.provider, { timeoutRate: 0.1, rng: rngOf(99) });
      await world.rt.asJob(() => runSmsScheduler({ ...fast, provider, holder: 'faults' }));
      const records = await allMessages(world, campaignId);
      expectExactlyOnce(world, records);
      const attempted = records.filter((r) => r.attempted_at);
      for (const r of attempted) expect(['queued', 'sent', 'delivered', 'failed', 'undelivered']).toContain(r.status);
      expect(attempted.filter((r) => (r.attempts ?? 0) > 1).length).toBeGreaterThan(0);
    } finally {
      await world.close();
    }
  });
});
