/** Twilio webhooks: signatures checked before any write, replayed callbacks change nothing, STOP mid-campaign. */
import { twilioExpectedSignature } from '../../src/backend/providers';
import { SMSMessages, SMSOptOuts, SMSCampaigns } from '../../src/backend/collections/sms';
import { post_twilio } from '../../src/backend/http-functions';
import { elevatedCollection } from '../../src/backend/platform';
import { runSmsScheduler } from '../../src/backend/sms/scheduler';
import { createSMSCampaign } from '../../src/backend/smsCampaignService.web';
import type { WixHttpFunctionRequest } from 'wix-http-functions';
import { DEFAULT_CREDENTIALS } from '../../local/simulators/harness';
import { createSmsWorld, DEMO_CARRIER_DOT, PUBLIC_BASE_URL, type SmsWorld } from './support';

const { authToken } = DEFAULT_CREDENTIALS.twilio;

function request(route: 'status' | 'incoming', params: Record<string, string>, options: { query?: string; signature?: string } = {}): WixHttpFunctionRequest {
  const query = options.query ?? '';
  const body = new URLSearchParams(params).toString();
  const signature = options.signature ?? twilioExpectedSignature(authToken, `${PUBLIC_BASE_URL}/_functions/twilio/${route}${query}`, params);
  return {
    method: 'POST',
    path: [route],
    query: Object.fromEntries(new URLSearchParams(query.slice(1))),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    url: `http://internal/_functions/twilio/${route}${query}`,
    baseUrl: 'http://internal',
    functionName: 'twilio',
    ip: '127.0.0.1',
    body: { text: async () => body, json: async () => JSON.parse(body) as unknown, buffer: async () => Buffer.from(body) },
  };
}

describe('Twilio webhooks', () => {
  let world: SmsWorld;
  let campaignId = '';
  jest.setTimeout(120_000);
  beforeAll(async () => {
    world = await createSmsWorld({ drivers: 400, seed: 31 });
    const created = await world.rt.as(world.recruiter, () => createSMSCampaign(DEMO_CARRIER_DOT, { name: 'hooks', messageTemplate: 'Hi {{firstName}}, new lanes. Reply STOP to opt out.', audienceFilter: {}, rateLimit: 60_000 }));
    if (!created.success) throw new Error(created.error);
    campaignId = created.campaignId;
    await world.rt.asJob(async () => {
      const c = await elevatedCollection(SMSCampaigns).get(campaignId);
      if (!c) throw new Error('missing');
      await elevatedCollection(SMSCampaigns).update({ ...c, status: 'active', next_run_at: new Date(world.rt.clock.now()), status_tracking: 'callbacks' });
      await runSmsScheduler({ provider: world.provider, publicBaseUrl: PUBLIC_BASE_URL, holder: 't', sleep: async () => undefined, backoffMs: () => 0 });
    });
  });
  afterAll(() => world.close());

  const firstSent = () => world.rt.asJob(async () => (await elevatedCollection(SMSMessages).find((q) => q.eq('campaign_id', campaignId).isNotEmpty('twilio_sid'), { limit: 1 }))[0]);

  it('sent with a StatusCallback carrying our message id', async () => {
    const m = await firstSent();
    expect(m).toBeDefined();
    const seen = world.standIn.messages.find((x) => x.sid === m?.twilio_sid);
    expect(seen?.statusCallback).toBe(`${PUBLIC_BASE_URL}/_functions/twilio/status?m=${encodeURIComponent(m?._id ?? '')}`);
  });

  it('forged or tampered signatures → 403 and nothing written', async () => {
    const m = await firstSent();
    if (!m?.twilio_sid) throw new Error('no sent message');
    const params = { MessageSid: m.twilio_sid, MessageStatus: 'delivered' };
    world.rt.emulator.resetStats();
    const forged = await world.rt.asJob(() => post_twilio(request('status', params, { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })));
    const good = twilioExpectedSignature(authToken, `${PUBLIC_BASE_URL}/_functions/twilio/status`, params);
    const tampered = await world.rt.asJob(() => post_twilio(request('status', { ...params, MessageStatus: 'failed' }, { signature: good })));
    const stop = await world.rt.asJob(() => post_twilio(request('incoming', { MessageSid: 'SMx', From: m.phone_number, To: '+15005550006', Body: 'STOP' }, { signature: good })));
    expect([forged.status, tampered.status, stop.status]).toEqual([403, 403, 403]);
    expect(world.rt.emulator.stats().writes).toBe(0);
    expect(world.rt.emulator.stats().reads).toBe(0);
  });

  it('status callbacks are monotonic: replays and a late `sent` change nothing', async () => {
    const m = await firstSent();
    if (!m?.twilio_sid) throw new Error('no sent message');
    const query = `?m=${encodeURIComponent(m._id)}`;
    const delivered = { MessageSid: m.twilio_sid, MessageStatus: 'delivered' };
    expect((await world.rt.asJob(() => post_twilio(request('status', delivered, { query })))).status).toBe(200);
    const after = await world.rt.asJob(() => elevatedCollection(SMSMessages).get(m._id));
    world.rt.emulator.resetStats();
    await world.rt.asJob(() => post_twilio(request('status', delivered, { query })));
    await world.rt.asJob(() => post_twilio(request('status', { MessageSid: m.twilio_sid ?? '', MessageStatus: 'sent' }, { query })));
    expect(world.rt.emulator.stats().writes).toBe(0);
    const final = await world.rt.asJob(() => elevatedCollection(SMSMessages).get(m._id));
    expect(final?.status).toBe('delivered');
    expect(final?._updatedDate).toEqual(after?._updatedDate);
  });

  it('STOP records the opt-out, cancels held messages, replies once as TwiML; replies attach to the latest message', async () => {
    const m = await firstSent();
    if (!m) throw new Error('no sent message');
    const reply = await world.rt.asJob(() => post_twilio(request('incoming', { MessageSid: 'SM1', From: m.phone_number, To: '+15005550006', Body: 'Yes interested' })));
    expect(reply.status).toBe(200);
    const withReply = await world.rt.asJob(() => elevatedCollection(SMSMessages).get(m._id));
    expect(withReply).toMatchObject({ reply_received: true, reply_content: 'Yes interested', reply_state: 'new' });
    const stop = await world.rt.asJob(() => post_twilio(request('incoming', { MessageSid: 'SM2', From: m.phone_number, To: '+15005550006', Body: 'STOP' })));
    expect(String(stop.body)).toContain('<Message>You have been unsubscribed');
    const again = await world.rt.asJob(() => post_twilio(request('incoming', { MessageSid: 'SM3', From: m.phone_number, To: '+15005550006', Body: 'STOP' })));
    expect(String(again.body)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const optOuts = await world.rt.asJob(() => elevatedCollection(SMSOptOuts).find((q) => q.eq('phone_number', m.phone_number)));
    expect(optOuts.map((o) => o.carrier_dot)).toEqual([DEMO_CARRIER_DOT]);
    const open = await world.rt.asJob(() => elevatedCollection(SMSMessages).count((q) => q.eq('phone_number', m.phone_number).hasSome('status', ['pending', 'held'])));
    expect(open).toBe(0);
  });
});
