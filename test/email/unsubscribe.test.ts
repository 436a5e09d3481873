/**
 * The unsubscribe endpoint end to end: emails sent through the real SDK to the simulator carry a
 * List-Unsubscribe URL of the site's http functions (served on loopback); the simulator's RFC 8058
 * one-click POST reaches `post_email`. Forged or tampered tokens are refused before any write.
 */
import { EmailMessages, EmailSuppressions } from '../../src/backend/collections/email';
import { DriverProfiles } from '../../src/backend/collections/people';
import { runEmailScheduler } from '../../src/backend/email/scheduler';
import { suppressionId } from '../../src/backend/email/suppress';
import { makeUnsubscribeToken } from '../../src/backend/email/unsubscribeToken';
import { elevatedCollection } from '../../src/backend/platform';
import { allEmails, createEmailWorld, DEMO_CARRIER_DOT, newActiveCampaign, UNSUBSCRIBE_SECRET, type EmailWorld } from './campaign-support';

describe('one-click unsubscribe', () => {
  let world: EmailWorld;
  let campaignId = '';
  let sgMessageId = '';
  let address = '';
  let url = '';
  jest.setTimeout(120_000);

  beforeAll(async () => {
    world = await createEmailWorld({ drivers: 200, seed: 71, functionsServer: true });
    campaignId = await newActiveCampaign(world, 'unsubscribe');
    await world.rt.asJob(() => runEmailScheduler({ provider: world.provider, publicBaseUrl: world.publicBaseUrl, unsubscribeSecret: UNSUBSCRIBE_SECRET, holder: 'send', sleep: async () => undefined }));
    const [mail] = world.sim.messages();
    if (!mail) throw new Error('nothing sent');
    sgMessageId = mail.sgMessageId;
    address = mail.to.email.toLowerCase();
    url = /<(http[^>]+)>/.exec(mail.headers['List-Unsubscribe'] ?? '')?.[1] ?? '';
    // An email of another campaign not yet sent to the same address.
    const [record] = (await allEmails(world, campaignId)).filter((r) => r.email_address === address);
    if (!record) throw new Error('no record');
    await world.rt.asJob(() => elevatedCollection(EmailMessages).insert({ ...record, _id: 'other.r0.pending', campaign_id: 'other', status: 'pending', sendgrid_id: null, sent_at: null, request_id: null }));
  });
  afterAll(() => world.close());

  const post = (target: string, body = 'List-Unsubscribe=One-Click') => fetch(target, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const tokenOf = (target: string): string => new URL(target).searchParams.get('t') ?? '';
  const withToken = (token: string): string => `${url.split('?')[0] ?? ''}?t=${encodeURIComponent(token)}`;
  const suppression = () => world.rt.asJob(() => elevatedCollection(EmailSuppressions).get(suppressionId(DEMO_CARRIER_DOT, address, 'unsubscribed')));

  async function writesDuring(fn: () => Promise<void>): Promise<number> {
    world.rt.emulator.resetStats();
    await fn();
    return world.rt.emulator.stats().writes;
  }

  it('refuses forged, tampered and malformed tokens before writing anything (403 / 400)', async () => {
    const [v, body, sig] = tokenOf(url).split('.');
    const otherAddress = Buffer.from(Buffer.from(body ?? '', 'base64url').toString('utf8').replace(address, 'someone.else@example.com'), 'utf8').toString('base64url');
    const cases: [string, number][] = [
      [withToken(makeUnsubscribeToken('not-the-secret', { carrierDot: DEMO_CARRIER_DOT, email: address, messageId: 'x' })), 403],
      [withToken(`${v}.${otherAddress}.${sig}`), 403],
      [withToken(`${v}.${body}.${(sig ?? '').split('').reverse().join('')}`), 403],
      [withToken('garbage'), 400],
      [url.split('?')[0] ?? '', 400],
    ];
    const writes = await writesDuring(async () => {
      for (const [target, status] of cases) {
        expect((await post(target)).status).toBe(status);
        expect((await fetch(target)).status).toBe(status);
      }
    });
    expect(writes).toBe(0);
    expect(await suppression()).toBeNull();
  });

  it('GET shows a confirmation page whose button POSTs, and writes nothing', async () => {
    let html = '';
    const writes = await writesDuring(async () => {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      html = await res.text();
    });
    expect(writes).toBe(0);
    expect(html).toContain('<form method="post"');
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(html).toContain(address);
    expect(await suppression()).toBeNull();
  });

  it('the mail client’s one-click POST suppresses the address, mirrors it on the driver and cancels unsent email', async () => {
    const attempt = await world.sim.oneClickUnsubscribe(sgMessageId);
    expect(attempt.status).toBe(200);
    const stored = await suppression();
    expect(stored).toMatchObject({ carrier_dot: DEMO_CARRIER_DOT, email_address: address, reason: 'unsubscribed', source: 'one_click', lifted_at: null });
    const records = await allEmails(world, campaignId);
    const own = records.find((r) => r.email_address === address);
    expect(own?.unsubscribed).toBe(true);
    expect(stored?.evidence).toBe(own?._id);
    const pending = await world.rt.asJob(() => elevatedCollection(EmailMessages).get('other.r0.pending'));
    expect(pending).toMatchObject({ status: 'canceled', compliance_rule: 'email.suppressed' });
    const drivers = await world.rt.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT).eq('email', address)));
    expect(drivers.length).toBeGreaterThan(0);
    for (const d of drivers) expect(d).toMatchObject({ email_suppressed_reason: 'unsubscribed', email_reachable: 0 });
  });

  it('a replayed POST answers 200 and changes nothing', async () => {
    const before = await suppression();
    let status = 0;
    const writes = await writesDuring(async () => {
      status = (await world.sim.oneClickUnsubscribe(sgMessageId)).status ?? 0;
      status = Math.max(status, (await post(url, 'List-Unsubscribe=One-Click&source=page')).status);
    });
    expect(status).toBe(200);
    expect(writes).toBe(0);
    expect(await suppression()).toEqual(before);
  });

  it('a POST without the one-click body is refused', async () => {
    expect((await post(url, 'hello=world')).status).toBe(400);
  });

  it('the next campaign skips the suppressed address', async () => {
    const next = await newActiveCampaign(world, 'after unsubscribe');
    await world.rt.asJob(() => runEmailScheduler({ provider: world.provider, publicBaseUrl: world.publicBaseUrl, unsubscribeSecret: UNSUBSCRIBE_SECRET, holder: 'next', sleep: async () => undefined }));
    const mine = (await allEmails(world, next)).filter((r) => r.email_address === address);
    // The driver mirror keeps them out of the audience; no record, or a blocked one.
    expect(mine.every((r) => r.status === 'blocked')).toBe(true);
    expect(world.sim.messages({ to: address })).toHaveLength(1);
  });
});
