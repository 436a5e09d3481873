/**
 * Sending reliability through the real SDK and the SendGrid simulator: runs killed at random points
 * of a 5K-recipient campaign, injected 429 / 500, and lost answers (accepted, then a 500 to us).
 * In every case each eligible address gets exactly one email, counted at the simulator, and every
 * record ends sent or failed with a reason.
 */
import { createComplianceStore } from '../../src/backend/adapters/complianceStore';
import { driverSourceAdapter } from '../../src/backend/adapters/driverSource';
import { EmailCampaigns, type EmailMessage } from '../../src/backend/collections/email';
import { DriverProfiles } from '../../src/backend/collections/people';
import type { EmailProvider } from '../../src/backend/email/provider';
import { runEmailScheduler, type EmailSchedulerReport } from '../../src/backend/email/scheduler';
import type { AudiencePorts, ComplianceStore } from '../../src/backend/outreach';
import { elevatedCollection } from '../../src/backend/platform';
import { allEmails, createEmailWorld, createEventApplier, DEMO_CARRIER_DOT, KilledError, lossyProvider, newActiveCampaign, rngOf, simCounts, UNSUBSCRIBE_SECRET, type EmailWorld } from './campaign-support';

const RECIPIENTS = Number(process.env['EMAIL_RELIABILITY_RECIPIENTS'] ?? 5000);
const fast = { sleep: async () => undefined, backoffMs: () => 0, unsubscribeSecret: UNSUBSCRIBE_SECRET };
const MINUTE = 60_000;
const FINAL = new Set(['sent', 'deferred', 'delivered', 'bounced', 'dropped', 'failed', 'blocked', 'canceled']);

/** Grants email consent to every email-reachable driver, so the campaign has ≈ RECIPIENTS addresses. */
async function consentEveryone(world: EmailWorld): Promise<void> {
  await world.rt.asJob(async () => {
    const db = elevatedCollection(DriverProfiles);
    const at = new Date(world.rt.clock.now() - 30 * 24 * 60 * MINUTE);
    for await (const page of db.pages((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT).eq('email_reachable', 1))) {
      await db.bulkPatch(page.map((d) => d._id), { email_consent: { granted: true, source: 'web_form', captured_at: at, text_version: 'email-2025-01', revoked_at: null } });
    }
  });
}

/** Kill points: the provider call (before it reaches SendGrid, or after SendGrid accepted), audience reads, contact writes. */
function createKiller(rng: () => number) {
  let left = Number.POSITIVE_INFINITY;
  const point = (): void => {
    left -= 1;
    if (left <= 0) {
      left = Number.POSITIVE_INFINITY;
      throw new KilledError();
    }
  };
  return {
    arm: (n: number): void => void (left = n),
    disarm: (): void => void (left = Number.POSITIVE_INFINITY),
    provider: (inner: EmailProvider): EmailProvider => ({
      async send(request) {
        point();
        const result = await inner.send(request);
        if (rng() < 0.5) point();
        return result;
      },
    }),
    compliance: (inner: ComplianceStore): ComplianceStore => ({ ...inner, recordContacts: async (events) => (point(), inner.recordContacts(events)) }),
    audience: (inner: AudiencePorts): AudiencePorts => ({ ...inner, drivers: { ...inner.drivers, findDriversAfter: async (r) => (point(), inner.drivers.findDriversAfter(r)) } }),
  };
}

function expectExactlyOnce(world: EmailWorld, records: readonly EmailMessage[]): void {
  const counts = simCounts(world.sim);
  const handed = records.filter((r) => r.sendgrid_id || r.sent_at);
  // Every email at the simulator belongs to one record, and each address got at most one.
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  expect(new Set(handed.map((r) => r.email_address))).toEqual(new Set(counts.keys()));
  // Nothing is left undecided; failures carry a reason.
  expect(records.filter((r) => !FINAL.has(r.status) && !(r.status === 'queued' && r.sent_at))).toEqual([]);
  for (const r of records.filter((x) => x.status === 'failed')) expect(r.error_code).toBeTruthy();
  expect(new Set(records.map((r) => r.email_address)).size).toBe(records.length);
}

async function campaignStatus(world: EmailWorld, campaignId: string): Promise<string | undefined> {
  return (await world.rt.asJob(() => elevatedCollection(EmailCampaigns).get(campaignId)))?.status;
}

describe(`email sending reliability (${RECIPIENTS} recipients)`, () => {
  jest.setTimeout(900_000);

  it('killed at random points and rerun: every eligible address gets exactly one email', async () => {
    const world = await createEmailWorld({ drivers: Math.ceil(RECIPIENTS * 1.25), seed: 61 });
    try {
      await consentEveryone(world);
      const campaignId = await newActiveCampaign(world, 'kill');
      const apply = createEventApplier(world);
      const rng = rngOf(4321);
      const killer = createKiller(rng);
      const provider = killer.provider(world.provider);
      const compliance = killer.compliance(createComplianceStore());
      const audience = killer.audience(driverSourceAdapter());
      let kills = 0;
      for (let attempt = 0; attempt < 200 && (await campaignStatus(world, campaignId)) !== 'completed'; attempt += 1) {
        if (kills < 12) killer.arm(1 + Math.floor(rng() * 12));
        else killer.disarm();
        let report: EmailSchedulerReport | null = null;
        try {
          report = await world.rt.asJob(() => runEmailScheduler({ ...fast, provider, compliance, audience, waveSize: 500, publicBaseUrl: world.publicBaseUrl, holder: `run-${attempt}` }));
        } catch (error) {
          expect(error).toBeInstanceOf(KilledError);
          kills += 1;
        }
        // The webhook keeps applying SendGrid's events; a campaign waiting on unconfirmed requests is looked at later.
        world.rt.clock.advance(report?.campaigns[0]?.outcome === 'waiting' ? 31 * MINUTE : MINUTE);
        await apply();
      }
      expect(kills).toBeGreaterThan(3);
      expect(await campaignStatus(world, campaignId)).toBe('completed');
      const records = await allEmails(world, campaignId);
      expect(records.filter((r) => r.sent_at).length).toBeGreaterThanOrEqual(RECIPIENTS * 0.9);
      expectExactlyOnce(world, records);
    } finally {
      await world.close();
    }
  });

  it('20% injected 429 / 500: every email ends sent or failed with a reason, none twice', async () => {
    const world = await createEmailWorld({ drivers: 3000, seed: 62 });
    try {
      const campaignId = await newActiveCampaign(world, 'faults');
      const apply = createEventApplier(world);
      world.sim.faults = { rate429: 0.1, rate500: 0.1 };
      for (let attempt = 0; attempt < 60 && (await campaignStatus(world, campaignId)) !== 'completed'; attempt += 1) {
        await world.rt.asJob(() => runEmailScheduler({ ...fast, provider: world.provider, waveSize: 50, publicBaseUrl: world.publicBaseUrl, holder: `faults-${attempt}` }));
        world.rt.clock.advance(31 * MINUTE);
        await apply();
      }
      expect(await campaignStatus(world, campaignId)).toBe('completed');
      const records = await allEmails(world, campaignId);
      expectExactlyOnce(world, records);
      // Faults happened and were survived: 500s were resolved through events, 429s retried.
      expect(records.some((r) => r.error_code === null && (r.attempts ?? 0) > 1)).toBe(true);
      expect(records.filter((r) => r.sent_at).length).toBeGreaterThan(1000);
      const calls = world.sim.sim.log.entries({ method: 'POST', path: '/v3/mail/send' });
      expect(calls.filter((c) => c.status === 500).length).toBeGreaterThan(0);
      expect(calls.filter((c) => c.status === 429).length).toBeGreaterThan(0);
    } finally {
      await world.close();
    }
  });

  it('answers lost after SendGrid accepted: confirmed from events, never sent twice', async () => {
    const world = await createEmailWorld({ drivers: 2000, seed: 63 });
    try {
      const campaignId = await newActiveCampaign(world, 'lost answers');
      const apply = createEventApplier(world);
      const provider = lossyProvider(world.provider, { lostRate: 0.3, rng: rngOf(7) });
      for (let attempt = 0; attempt < 20 && (await campaignStatus(world, campaignId)) !== 'completed'; attempt += 1) {
        await world.rt.asJob(() => runEmailScheduler({ ...fast, provider, waveSize: 100, publicBaseUrl: world.publicBaseUrl, holder: `lost-${attempt}` }));
        world.rt.clock.advance(31 * MINUTE);
        await apply();
      }
      expect(provider.lost).toBeGreaterThan(0);
      expect(await campaignStatus(world, campaignId)).toBe('completed');
      const records = await allEmails(world, campaignId);
      expectExactlyOnce(world, records);
      // Each lost answer's wave was confirmed (not resent): as many requests at the simulator as distinct waves.
      const calls = world.sim.sim.log.entries({ method: 'POST', path: '/v3/mail/send' });
      expect(calls.filter((c) => c.status === 202)).toHaveLength(new Set(records.filter((r) => r.sent_at).map((r) => r.request_id)).size);
    } finally {
      await world.close();
    }
  });
});
