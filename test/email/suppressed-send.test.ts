/**
 * "Suppressions take effect immediately": a campaign wave sent right after the Event Webhook applied
 * an unsubscribe, a spam report, a hard bounce and a group unsubscribe — before the follow-up job
 * mirrored anything onto DriverProfiles — skips those addresses (EmailSuppressions is read with the
 * wave), records why, and sends to everyone else.
 */
import { DriverProfiles, type DriverProfile } from '../../src/backend/collections/people';
import { EMAIL_CUSTOM_ARG_KEYS } from '../../src/backend/email/compose';
import { parseSendGridEventBatch, processSendGridWebhook } from '../../src/backend/email/events';
import { runEmailScheduler } from '../../src/backend/email/scheduler';
import { processEmailSuppressions } from '../../src/backend/email/suppressionEffects';
import { elevatedCollection } from '../../src/backend/platform';
import { allEmails, createEmailWorld, DEMO_CARRIER_DOT, newActiveCampaign, UNSUBSCRIBE_SECRET, type EmailWorld } from './campaign-support';

describe('a send right after the webhook', () => {
  let world: EmailWorld;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    world = await createEmailWorld({ drivers: 200, seed: 23 });
  });
  afterAll(() => world.close());

  const run = () => world.rt.asJob(() => runEmailScheduler({ provider: world.provider, publicBaseUrl: world.publicBaseUrl, unsubscribeSecret: UNSUBSCRIBE_SECRET, holder: `t-${Math.random()}`, sleep: async () => undefined, backoffMs: () => 0 }));

  it('a campaign wave skips the addresses suppressed by the last batch, before the driver mirror follows', async () => {
    const found = await world.rt.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT).eq('email_reachable', 1).ascending('_id'), { limit: 400 }));
    const consented = [...new Map(found.filter((d) => d.email_consent?.granted === true && !d.email_consent.revoked_at).map((d) => [d.email, d])).values()].slice(0, 10);
    expect(consented).toHaveLength(10);
    const audience = { audienceFilter: { include_driver_ids: consented.map((d) => d._id) } };
    // A first campaign reaches all ten; its mail is what the recipients react to.
    const first = await newActiveCampaign(world, 'first', audience);
    await run();
    const mailOf = (d: DriverProfile) => {
      const m = world.sim.messages({ to: d.email ?? '' }).find((x) => x.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId]?.startsWith(`${first}.`));
      if (!m) throw new Error(`no mail to ${d.email ?? ''}`);
      return m;
    };
    const [u, s, h, g] = consented;
    if (!u || !s || !h || !g) throw new Error('drivers');
    let seq = 0;
    const event = (d: DriverProfile, name: string, extra: Record<string, unknown> = {}) => {
      const m = mailOf(d);
      seq += 1;
      return { ...m.customArgs, email: m.to.email, timestamp: Math.floor(world.rt.clock.now() / 1000), event: name, ...(m.categories.length > 0 ? { category: [...m.categories] } : {}), sg_event_id: `sup-${seq}`, sg_message_id: m.sgMessageId, ...extra };
    };
    const parsed = parseSendGridEventBatch([
      event(u, 'unsubscribe'),
      event(s, 'spamreport'),
      event(h, 'bounce', { type: 'bounce', status: '5.1.1', bounce_classification: 'Invalid Address' }),
      event(g, 'group_unsubscribe', { asm_group_id: 4821 }),
    ]);
    if (!parsed) throw new Error('unparseable');
    expect(await world.rt.asJob(() => processSendGridWebhook(parsed.events))).toMatchObject({ applied: 4, suppressed: 4 });
    const suppressed = new Set([u, s, h, g].map((d) => d._id));
    // The follow-up has not run: no driver shows the suppression yet.
    const mirrors = await world.rt.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.hasSome('_id', [...suppressed])));
    expect(mirrors.map((d) => d.email_suppressed_reason ?? null)).toEqual([null, null, null, null]);

    const second = await newActiveCampaign(world, 'second', audience);
    await run();
    const records = new Map((await allEmails(world, second)).map((r) => [r.driver_id, r]));
    for (const d of [u, s, h, g]) expect(records.get(d._id)).toMatchObject({ status: 'blocked', compliance_rule: 'email.suppressed' });
    expect(records.get(u._id)?.compliance_reason).toMatch(/unsubscribed/);
    expect(records.get(g._id)?.compliance_reason).toMatch(/group_unsubscribed/);
    const mailed = world.sim.messages().filter((m) => m.customArgs[EMAIL_CUSTOM_ARG_KEYS.messageId]?.startsWith(`${second}.`)).map((m) => m.to.email.toLowerCase());
    expect(mailed.sort()).toEqual(consented.filter((d) => !suppressed.has(d._id)).map((d) => (d.email ?? '').toLowerCase()).sort());

    // Then the follow-up mirrors the suppressions onto the drivers.
    await world.rt.asJob(() => processEmailSuppressions());
    const after = await world.rt.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.hasSome('_id', [u._id, s._id, h._id, g._id])));
    expect(new Map(after.map((d) => [d._id, d.email_suppressed_reason]))).toEqual(new Map([[u._id, 'unsubscribed'], [s._id, 'spam_report'], [h._id, 'hard_bounce'], [g._id, 'group_unsubscribed']]));
  });
});
