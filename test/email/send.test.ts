/**
 * Campaign sending end to end: the sender → the real `@sendgrid/mail` → the SendGrid simulator.
 * Records are written before the call, one request per wave, SendGrid's id stored, suppressed and
 * non-consented drivers skipped with reasons, what the recipient gets (footer, escaping, headers).
 */
import { DriverProfiles, Carriers } from '../../src/backend/collections/people';
import { EmailSuppressions, type EmailMessage } from '../../src/backend/collections/email';
import { ContactEvents } from '../../src/backend/collections/contacts';
import { runEmailScheduler } from '../../src/backend/email/scheduler';
import { EMAIL_CUSTOM_ARG_KEYS } from '../../src/backend/email/compose';
import { suppressionId } from '../../src/backend/email/suppress';
import { sendEmailCampaignSlice } from '../../src/backend/email/sender';
import { pauseEmailCampaign, resumeEmailCampaign } from '../../src/backend/emailCampaignService.web';
import type { EmailProvider } from '../../src/backend/email/provider';
import { elevatedCollection } from '../../src/backend/platform';
import { demoCarrier } from '../../local/seed/demo-entities';
import { allEmails, createEmailWorld, DEMO_CARRIER_DOT, newActiveCampaign, simCounts, UNSUBSCRIBE_SECRET, type EmailWorld } from './campaign-support';

const fast = { sleep: async () => undefined, backoffMs: () => 0, unsubscribeSecret: UNSUBSCRIBE_SECRET };

describe('email campaign sending through @sendgrid/mail to the simulator', () => {
  let world: EmailWorld;
  jest.setTimeout(180_000);

  beforeAll(async () => {
    world = await createEmailWorld({ drivers: 2600, seed: 31 });
  });
  afterAll(() => world.close());
  afterEach(() => world.sim.reset());

  const run = (provider: EmailProvider = world.provider, extra: { waveSize?: number } = {}) =>
    world.rt.asJob(() => runEmailScheduler({ ...fast, ...extra, provider, publicBaseUrl: world.publicBaseUrl, holder: `t-${Math.random()}` }));

  it('writes every record before its request, sends one request per wave of ≤1000 and stores SendGrid’s id', async () => {
    const campaignId = await newActiveCampaign(world, 'waves');
    const seenAtCall: { queued: number; total: number; personalizations: number }[] = [];
    const watching: EmailProvider = {
      send: async (request) => {
        const records = await allEmails(world, campaignId);
        const ids = new Set(request.personalizations.map((p) => p.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId]));
        seenAtCall.push({ queued: records.filter((r) => ids.has(r._id) && r.status === 'queued' && r.request_id && r.attempted_at).length, total: ids.size, personalizations: request.personalizations.length });
        return world.provider.send(request);
      },
    };
    const report = await run(watching);
    const slice = report.campaigns[0];
    expect(slice?.outcome).toBe('completed');
    const records = await allEmails(world, campaignId);
    const sent = records.filter((r) => r.sendgrid_id);
    expect(sent.length).toBeGreaterThan(1000);
    // Every personalization's record was stored, `queued`, before the call that carried it.
    for (const call of seenAtCall) expect(call.queued).toBe(call.total);
    expect(seenAtCall.every((c) => c.personalizations <= 1000)).toBe(true);
    // One Mail Send request per wave, as the simulator saw them.
    const calls = world.sim.sim.log.entries({ method: 'POST', path: '/v3/mail/send' });
    expect(calls).toHaveLength(seenAtCall.length);
    expect(calls.length).toBe(new Set(sent.map((r) => r.request_id)).size);
    expect(calls.length).toBeGreaterThanOrEqual(Math.ceil(sent.length / 1000));
    expect(slice?.requests).toBe(calls.length);
    // The stored id is the request's X-Message-Id: each recipient's sg_message_id starts with it.
    const simByAddress = new Map(world.sim.messages().map((m) => [m.to.email.toLowerCase(), m]));
    expect(simByAddress.size).toBe(sent.length);
    for (const r of sent) {
      const m = simByAddress.get(r.email_address);
      expect(m?.sgMessageId.startsWith(`${r.sendgrid_id ?? '?'}.`)).toBe(true);
      expect(m?.customArgs).toEqual({ [EMAIL_CUSTOM_ARG_KEYS.messageId]: r._id, [EMAIL_CUSTOM_ARG_KEYS.carrierDot]: DEMO_CARRIER_DOT });
      expect(r.status).toBe('queued');
      expect(r.sent_at).toBeInstanceOf(Date);
    }
    // Contacts recorded for history and caps, one per sent email.
    const contacts = await world.rt.asJob(() => elevatedCollection(ContactEvents).count((q) => q.eq('campaign_id', campaignId)));
    expect(contacts).toBe(sent.length);
  });

  it('skips suppressed addresses and drivers without email consent, with the rule that decided', async () => {
    const drivers = await world.rt.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT).eq('email_reachable', 1).ascending('_id'), { limit: 400 }));
    const hasConsent = (d: (typeof drivers)[number]): boolean => d.email_consent?.granted === true && !d.email_consent.revoked_at;
    // One email per address: a profile without consent sharing its address with a consenting one (the same person) is mailed.
    const consentedAddresses = new Set(drivers.filter(hasConsent).map((d) => d.email));
    const consented = [...new Map(drivers.filter(hasConsent).map((d) => [d.email, d])).values()];
    const unconsented = drivers.filter((d) => !hasConsent(d) && !consentedAddresses.has(d.email));
    const suppressed = consented.slice(0, 5);
    expect(unconsented.length).toBeGreaterThan(0);
    await world.rt.asJob(() =>
      elevatedCollection(EmailSuppressions).bulkInsert(suppressed.map((d) => ({ _id: suppressionId(DEMO_CARRIER_DOT, d.email ?? '', 'unsubscribed'), carrier_dot: DEMO_CARRIER_DOT, email_address: d.email ?? '', reason: 'unsubscribed' as const, source: 'one_click' as const, suppressed_at: new Date(world.rt.clock.now()) }))),
    );
    const campaignId = await newActiveCampaign(world, 'skips', { audienceFilter: { include_driver_ids: drivers.map((d) => d._id) } });
    await run();
    const byAddress = new Map((await allEmails(world, campaignId)).map((r) => [r.email_address, r]));
    for (const d of suppressed) expect(byAddress.get(d.email ?? '')).toMatchObject({ status: 'blocked', compliance_rule: 'email.suppressed' });
    for (const d of unconsented) expect(byAddress.get(d.email ?? '')).toMatchObject({ status: 'blocked', compliance_rule: expect.stringMatching(/^consent\./) });
    const mailed = new Set(world.sim.messages().map((m) => m.to.email.toLowerCase()));
    for (const d of [...suppressed, ...unconsented]) expect(mailed.has(d.email ?? '')).toBe(false);
    expect(mailed.size).toBe(consented.length - suppressed.length);
  });

  it('delivers escaped personal values, the carrier’s address and a one-click unsubscribe in every email', async () => {
    const [driver] = await world.rt.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT).eq('email_reachable', 1).eq('email_consent.granted', true).descending('_id'), { limit: 1 }));
    if (!driver) throw new Error('no driver');
    await world.rt.asJob(() => elevatedCollection(DriverProfiles).patch(driver._id, { first_name: 'Jo<b>"&' }));
    const campaignId = await newActiveCampaign(world, 'content', { audienceFilter: { include_driver_ids: [driver._id] }, subjectLine: 'Lanes for {{firstName}}', preheader: 'Home weekly, {{firstName}}' });
    const report = await run();
    const [mail] = world.sim.messages({ to: driver.email ?? '' });
    expect(report.campaigns[0]?.sent).toBe(1);
    expect(mail?.subject).toBe('Lanes for Jo<b>"&');
    // Escaped as sent (the simulator re-serialises HTML, as a mail client would see it).
    expect(mail?.html).toMatch(/Hi Jo&lt;b&gt;(&quot;|")&amp;,/);
    expect(mail?.html).not.toContain('Jo<b>');
    expect(mail?.text).toContain('Hi Jo<b>"&,');
    const address = demoCarrier().physical_address;
    expect(mail?.html).toContain(`${address.street}, ${address.street2 ?? ''}, ${address.city}, ${address.state} ${address.zip}`);
    const [record] = await allEmails(world, campaignId);
    const listUnsubscribe = mail?.headers['List-Unsubscribe'] ?? '';
    const url = /^<(https:\/\/recruiting\.example\.com\/_functions\/email\/unsubscribe\?t=v1\.[^>]+)>, <mailto:[^>]+>$/.exec(listUnsubscribe)?.[1];
    expect(url).toBeDefined();
    expect(mail?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    // The visible footer link is the same one-click URL, not rewritten by click tracking.
    expect(mail?.html).toContain(`href="${url ?? ''}"`);
    expect(mail?.asmGroupId).toBe(Number(demoCarrier().email_unsubscribe_group_id));
    expect(record?.subject).toBe('Lanes for Jo<b>"&');
  });

  it('sends each wave as one request at the configured wave size', async () => {
    const campaignId = await newActiveCampaign(world, 'small waves');
    await run(world.provider, { waveSize: 250 });
    const records = await allEmails(world, campaignId);
    const requests = new Set(records.filter((r) => r.sendgrid_id).map((r) => r.request_id));
    const calls = world.sim.sim.log.entries({ method: 'POST', path: '/v3/mail/send' });
    expect(calls).toHaveLength(requests.size);
    const perRequest = new Map<string, number>();
    for (const r of records.filter((x: EmailMessage) => x.sendgrid_id)) perRequest.set(r.request_id ?? '', (perRequest.get(r.request_id ?? '') ?? 0) + 1);
    expect(Math.max(...perRequest.values())).toBeLessThanOrEqual(250);
    expect(new Set(records.filter((r) => r.sendgrid_id).map((r) => r.sendgrid_id)).size).toBe(requests.size);
  });

  it('pausing while a wave is on the wire: nothing is handed to SendGrid after pauseEmailCampaign returns; resume sends the rest once', async () => {
    const campaignId = await newActiveCampaign(world, 'pause');
    let calls = 0;
    let sentAtPause = -1;
    // The recruiter pauses while the second wave's request is on the wire; the third wave is being prepared meanwhile.
    const pausing: EmailProvider = {
      send: async (request) => {
        calls += 1;
        const result = await world.provider.send(request);
        if (calls === 2) {
          expect(await world.rt.as(world.recruiter, () => pauseEmailCampaign(campaignId))).toMatchObject({ success: true });
          sentAtPause = world.sim.messages().length;
        }
        return result;
      },
    };
    const report = await world.rt.asJob(() => sendEmailCampaignSlice(campaignId, { ...fast, provider: pausing, publicBaseUrl: world.publicBaseUrl, waveSize: 100, outOfTime: () => false }));
    expect(report.outcome).toBe('paused');
    expect(sentAtPause).toBeGreaterThan(0);
    expect(world.sim.messages()).toHaveLength(sentAtPause);
    // The job while paused sends nothing.
    await run();
    expect(world.sim.messages()).toHaveLength(sentAtPause);
    const held = (await allEmails(world, campaignId)).filter((r) => r.status === 'held' && r.compliance_rule === 'campaign.paused');
    expect(held.length).toBeGreaterThan(0);
    expect(await world.rt.as(world.recruiter, () => resumeEmailCampaign(campaignId))).toMatchObject({ success: true });
    const after = await run();
    expect(after.campaigns[0]?.outcome).toBe('completed');
    const records = await allEmails(world, campaignId);
    const sent = records.filter((r) => r.sendgrid_id);
    expect(sent.length).toBeGreaterThan(sentAtPause);
    expect(world.sim.messages()).toHaveLength(sent.length);
    expect([...simCounts(world.sim).values()].every((n) => n === 1)).toBe(true);
    expect(records.filter((r) => r.status === 'pending' || r.status === 'held')).toEqual([]);
  });

  it('a 429 streak leaves the wave pending (nothing accepted) and the campaign open; the next run sends it once', async () => {
    const campaignId = await newActiveCampaign(world, 'rate limited', { audienceFilter: { cdl_classes: ['B'] } });
    world.sim.faults = { rate429: 1, rate500: 0 };
    const first = await world.rt.asJob(() => runEmailScheduler({ ...fast, maxAttempts: 2, provider: world.provider, publicBaseUrl: world.publicBaseUrl, holder: 'throttled' }));
    expect(first.campaigns[0]?.outcome).toBe('waiting');
    const waiting = (await allEmails(world, campaignId)).filter((r) => r.error_code === 'rate_limited');
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((r) => r.status === 'pending' && r.attempts === 2 && !r.sendgrid_id)).toBe(true);
    expect(world.sim.messages()).toHaveLength(0);
    world.sim.faults = { rate429: 0, rate500: 0 };
    const second = await run();
    expect(second.campaigns[0]?.outcome).toBe('completed');
    const records = await allEmails(world, campaignId);
    expect(records.filter((r) => r.sendgrid_id)).toHaveLength(waiting.length);
    expect(world.sim.messages()).toHaveLength(waiting.length);
    expect([...simCounts(world.sim).values()].every((n) => n === 1)).toBe(true);
  });

  it('the demo carrier has a physical address and an unsubscribe group; seeded drivers never hit a magic address', async () => {
    const carrier = await world.rt.asJob(() => elevatedCollection(Carriers).find((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT)));
    expect(carrier[0]?.email_unsubscribe_group_id).toMatch(/^\d+$/);
    expect(carrier[0]?.physical_address.street.length).toBeGreaterThan(0);
    const emails = await world.rt.asJob(async () => {
      const out: string[] = [];
      for await (const page of elevatedCollection(DriverProfiles).pages((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT).isNotEmpty('email'))) out.push(...page.map((d) => d.email ?? ''));
      return out;
    });
    expect(emails.length).toBeGreaterThan(2000);
    for (const email of emails) expect(world.sim.mailboxes.outcomeFor(email)).toBe('deliver');
  });
});
