/**
 * Pause semantics (nothing sent after pauseSMSCampaign returns; resume continues without
 * duplicates; a pause racing the sender's final write is kept) and one message per phone when two
 * driver profiles share a number.
 */
import { collections } from '../../src/backend/collections';
import { SMSCampaigns, SMSMessages, type SMSMessage } from '../../src/backend/collections/sms';
import { driverSourceAdapter } from '../../src/backend/adapters/driverSource';
import { streamAudience } from '../../src/backend/outreach';
import { elevatedCollection } from '../../src/backend/platform';
import * as hooks from '../../src/backend/data';
import { finishSlice } from '../../src/backend/sms/lifecycle';
import type { SmsProvider } from '../../src/backend/sms/provider';
import { runSmsScheduler } from '../../src/backend/sms/scheduler';
import { sendCampaignSlice } from '../../src/backend/sms/sender';
import { createSMSCampaign, pauseSMSCampaign, resumeSMSCampaign } from '../../src/backend/smsCampaignService.web';
import { createSmsWorld, DEMO_CARRIER_DOT, type SmsWorld } from './support';

const TEMPLATE = 'Hi {{firstName}}, regional CDL-A lanes open. Reply STOP to opt out.';
const fast = { sleep: async () => undefined, backoffMs: () => 0, publicBaseUrl: null };

async function activeCampaign(world: SmsWorld, name: string, rateLimit: number): Promise<string> {
  const created = await world.rt.as(world.recruiter, () => createSMSCampaign(DEMO_CARRIER_DOT, { name, messageTemplate: TEMPLATE, audienceFilter: {}, rateLimit }));
  if (!created.success) throw new Error(created.error);
  const at = new Date(world.rt.clock.now());
  await world.rt.asJob(() => elevatedCollection(SMSCampaigns).patch(created.campaignId, { status: 'active', next_run_at: at, started_at: at, status_tracking: 'reconcile' }));
  return created.campaignId;
}

async function recordsOf(world: SmsWorld, campaignId: string): Promise<SMSMessage[]> {
  return world.rt.asJob(async () => {
    const out: SMSMessage[] = [];
    for await (const page of elevatedCollection(SMSMessages).pages((q) => q.eq('campaign_id', campaignId))) out.push(...page);
    return out;
  });
}

/** Phones of the campaign's audience (the SMS-reachable drivers). */
async function audiencePhones(world: SmsWorld): Promise<Set<string>> {
  return world.rt.asJob(async () => {
    const phones = new Set<string>();
    const pages = streamAudience(driverSourceAdapter(), { carrierDot: DEMO_CARRIER_DOT, filter: {}, now: new Date(world.rt.clock.now()), channel: 'sms', pageSize: 1000 });
    for await (const page of pages) for (const d of page.drivers) if (d.phone) phones.add(d.phone);
    return phones;
  });
}

function countBy<T>(list: readonly T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of list) out.set(key(t), (out.get(key(t)) ?? 0) + 1);
  return out;
}

describe('SMS pause semantics', () => {
  let world: SmsWorld;
  jest.setTimeout(120_000);
  beforeAll(async () => {
    world = await createSmsWorld({ drivers: 400, seed: 51 });
  });
  afterAll(() => world.close());

  it('pausing between waves: nothing is sent after pauseSMSCampaign returns; resume continues with no duplicates', async () => {
    // 600/min → waves of 50 drivers.
    const campaignId = await activeCampaign(world, 'pause mid-run', 600);
    let waves = 0;
    let sentAtPause = -1;
    const report = await world.rt.asJob(() =>
      sendCampaignSlice(campaignId, {
        ...fast,
        provider: world.provider,
        outOfTime: () => false,
        heartbeat: async () => {
          waves += 1;
          if (waves !== 3) return;
          const paused = await world.rt.as(world.recruiter, () => pauseSMSCampaign(campaignId));
          expect(paused).toMatchObject({ success: true });
          sentAtPause = world.standIn.messages.length;
        },
      }),
    );
    expect(report.outcome).toBe('paused');
    expect(sentAtPause).toBeGreaterThan(0);
    expect(world.standIn.messages.length).toBe(sentAtPause);
    const stored = await world.rt.asJob(() => elevatedCollection(SMSCampaigns).get(campaignId));
    expect(stored).toMatchObject({ status: 'paused' });
    // The job runs while paused: nothing is sent.
    await world.rt.asJob(() => runSmsScheduler({ ...fast, provider: world.provider, holder: 'while-paused' }));
    expect(world.standIn.messages.length).toBe(sentAtPause);

    expect(await world.rt.as(world.recruiter, () => resumeSMSCampaign(campaignId))).toMatchObject({ success: true });
    await world.rt.asJob(() => runSmsScheduler({ ...fast, provider: world.provider, holder: 'after-resume' }));
    expect(world.standIn.messages.length).toBeGreaterThan(sentAtPause);
    const records = await recordsOf(world, campaignId);
    // Every phone of the audience has exactly one record; every provider message belongs to one record, none twice.
    expect(new Set(records.map((r) => r.phone_number))).toEqual(await audiencePhones(world));
    expect([...countBy(records, (r) => r.phone_number).values()].every((n) => n === 1)).toBe(true);
    expect([...countBy(world.standIn.messages, (m) => m.to).values()].every((n) => n === 1)).toBe(true);
    expect(records.filter((r) => r.twilio_sid).length).toBe(world.standIn.messages.length);
    expect(records.filter((r) => r.status === 'sending' || r.status === 'pending')).toEqual([]);
  });

  it("a pause landing between the sender's final read and its write is kept", async () => {
    const campaignId = await activeCampaign(world, 'race', 100_000);
    let armed = true;
    world.rt.emulator.setHooks({
      ...hooks,
      // Fires on the sender's read of the campaign inside finishSlice: the recruiter pauses right then.
      SMSCampaigns_afterGet: async (item: Record<string, unknown>) => {
        if (armed && item['_id'] === campaignId) {
          armed = false;
          const paused = await world.rt.as(world.recruiter, () => pauseSMSCampaign(campaignId));
          expect(paused).toMatchObject({ success: true });
        }
        return item;
      },
    });
    try {
      const outcome = await world.rt.asJob(() => finishSlice({ campaignId, stop: null, audienceDone: true, run: 0 }));
      expect(armed).toBe(false);
      expect(outcome).toBe('paused');
    } finally {
      world.rt.emulator.setHooks(hooks);
    }
    const stored = await world.rt.asJob(() => elevatedCollection(SMSCampaigns).get(campaignId));
    // The pause survives; the sender still recorded its roll-up.
    expect(stored).toMatchObject({ status: 'paused', audience_done: true, completed_at: null });
    expect(stored?.stats).toBeTruthy();
  });
});

describe('pause in the middle of a wave', () => {
  jest.setTimeout(120_000);
  it('pausing in the middle of a wave: nothing is sent after pauseSMSCampaign returns; the unsent rest is held, then sent once on resume', async () => {
    // 100,000/min → one wave for the whole audience; each provider call takes 120 ms, so the wave
    // takes well over the gate's one-second re-read interval.
    const world = await createSmsWorld({ drivers: 300, seed: 53 });
    try {
    const campaignId = await activeCampaign(world, 'pause mid-wave', 100_000);
    const startCount = world.standIn.messages.length;
    let pausing: Promise<void> | null = null;
    let sentWhenPauseReturned = -1;
    const slow: SmsProvider = {
      ...world.provider,
      send: async (request) => {
        const n = world.standIn.messages.length - startCount;
        if (n === 10 && !pausing) {
          pausing = world.rt.as(world.recruiter, () => pauseSMSCampaign(campaignId)).then((paused) => {
            expect(paused).toMatchObject({ success: true });
            sentWhenPauseReturned = world.standIn.messages.length;
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 120));
        return world.provider.send(request);
      },
    };
    const report = await world.rt.asJob(() => sendCampaignSlice(campaignId, { ...fast, concurrency: 5, provider: slow, outOfTime: () => false }));
    await pausing;
    expect(report.outcome).toBe('paused');
    expect(report.waves).toBe(1);
    expect(sentWhenPauseReturned).toBeGreaterThan(startCount);
    // Calls already on the wire when the gate closed complete; none starts after the pause returned.
    expect(world.standIn.messages.length).toBe(sentWhenPauseReturned);
    const records = await recordsOf(world, campaignId);
    const held = records.filter((r) => r.status === 'held' && r.compliance_rule === 'campaign.paused');
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((r) => !r.twilio_sid)).toBe(true);
    expect(records.filter((r) => r.status === 'sending' || r.status === 'pending')).toEqual([]);

    expect(await world.rt.as(world.recruiter, () => resumeSMSCampaign(campaignId))).toMatchObject({ success: true });
    await world.rt.asJob(() => runSmsScheduler({ ...fast, provider: world.provider, holder: 'after-mid-wave-resume' }));
    const after = await recordsOf(world, campaignId);
    const sentHere = world.standIn.messages.slice(startCount);
    expect([...countBy(sentHere, (m) => m.to).values()].every((n) => n === 1)).toBe(true);
    expect(new Set(sentHere.map((m) => m.to))).toEqual(new Set(after.filter((r) => r.twilio_sid).map((r) => r.phone_number)));
    expect(after.filter((r) => r.status === 'held' && r.compliance_rule === 'campaign.paused')).toEqual([]);
    expect(after.filter((r) => r.twilio_sid).length).toBe(sentHere.length);
    } finally {
      await world.close();
    }
  });

});

describe('one message per phone per run', () => {
  it('two driver profiles sharing a phone (in the same wave and in a later wave) get one message', async () => {
    const world = await createSmsWorld({ drivers: 300, seed: 61 });
    try {
      const dupes = await world.rt.asJob(async () => {
        const drivers = elevatedCollection(collections.DriverProfiles);
        const reachable = await drivers.find((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT).eq('sms_reachable', true).ascending('_id'), { limit: 3 });
        const copies = reachable.flatMap((d, i) => [
          { ...d, _id: `${d._id}-again`, first_name: `${d.first_name}${i}` },
          { ...d, _id: `zz-imported-twice-${i}` },
        ]);
        for (const c of copies) await drivers.insert(c);
        return reachable.map((d) => d.phone ?? '');
      });
      const campaignId = await activeCampaign(world, 'dedupe', 600);
      await world.rt.asJob(() => runSmsScheduler({ ...fast, provider: world.provider, holder: 'dedupe' }));
      const records = await recordsOf(world, campaignId);
      for (const phone of dupes) {
        expect(records.filter((r) => r.phone_number === phone)).toHaveLength(1);
        expect(world.standIn.messages.filter((m) => m.to === phone).length).toBeLessThanOrEqual(1);
      }
      expect([...countBy(world.standIn.messages, (m) => m.to).values()].every((n) => n === 1)).toBe(true);
      expect(new Set(records.map((r) => r.phone_number))).toEqual(await audiencePhones(world));
    } finally {
      await world.close();
    }
  });
});
