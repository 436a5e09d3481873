/**
 * The SMS campaign web methods against the in-process runtime: tenant checks, validation, state
 * rules, return shapes, opt-outs, the reply inbox and the test message.
 */
import { collections } from '../../src/backend/collections';
import { SMSCampaigns, SMSMessages, type SMSMessage } from '../../src/backend/collections/sms';
import { elevatedCollection } from '../../src/backend/platform';
import { handleIncomingSms } from '../../src/backend/sms/webhooks';
import * as service from '../../src/backend/smsCampaignService.web';
import { demoCarrier, demoStaffProfiles } from '../../local/seed/demo-entities';
import { DEFAULT_CREDENTIALS } from '../../local/simulators/harness';
import type { LocalMember } from '../../local/runtime';
import { createSmsWorld, DEMO_CARRIER_DOT, NOON, type SmsWorld } from './support';

const OTHER_DOT = '9988776';
const outsider: LocalMember = { _id: 'member-other', loginEmail: 'o@other.example', firstName: 'Otto', lastName: 'Other', roles: ['SiteMember'] };
const TEMPLATE = 'Hi {{firstName}}, regional CDL-A lanes open. Reply YES to talk. Reply STOP to opt out.';
const DAY = 24 * 60 * 60_000;
const { fromNumber } = DEFAULT_CREDENTIALS.twilio;

describe('smsCampaignService web methods', () => {
  let world: SmsWorld;
  let driverIds: string[] = [];
  jest.setTimeout(120_000);

  beforeAll(async () => {
    world = await createSmsWorld({ drivers: 300, seed: 41, extraMembers: [outsider] });
    await world.rt.asJob(async () => {
      await elevatedCollection(collections.Carriers).insert({ ...demoCarrier(OTHER_DOT), name: 'Other Carrier Inc' });
      const [profile] = demoStaffProfiles(OTHER_DOT);
      if (!profile) throw new Error('no profile');
      await elevatedCollection(collections.RecruiterProfiles).insert({ ...profile, _id: 'recruiter-other', member_id: outsider._id });
      const drivers = await elevatedCollection(collections.DriverProfiles).find((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT).eq('sms_reachable', true).ascending('_id'), { limit: 40 });
      driverIds = drivers.map((d) => d._id);
    });
  });
  afterAll(() => world.close());

  const asRecruiter = <T>(fn: () => Promise<T>): Promise<T> => world.rt.as(world.recruiter, fn);
  const campaign = (id: string) => world.rt.asJob(() => elevatedCollection(SMSCampaigns).get(id));
  const records = (id: string) => world.rt.asJob(() => elevatedCollection(SMSMessages).find((q) => q.eq('campaign_id', id)));
  const force = (id: string, fields: Parameters<ReturnType<typeof elevatedCollection<typeof SMSCampaigns>>['patch']>[1]) => world.rt.asJob(() => elevatedCollection(SMSCampaigns).patch(id, fields));

  async function create(name: string, extra: Partial<Parameters<typeof service.createSMSCampaign>[1] & object> = {}): Promise<string> {
    const created = await asRecruiter(() => service.createSMSCampaign(DEMO_CARRIER_DOT, { name, messageTemplate: TEMPLATE, audienceFilter: { include_driver_ids: driverIds }, rateLimit: 100_000, ...extra }));
    if (!created.success) throw new Error(created.error);
    return created.campaignId;
  }

  it('createSMSCampaign returns {campaignId, audienceCount, costEstimate} matching estimateSMSAudience (with the carrier price)', async () => {
    const filter = { cdl_classes: ['A' as const] };
    const estimate = await asRecruiter(() => service.estimateSMSAudience(DEMO_CARRIER_DOT, filter, TEMPLATE));
    const created = await asRecruiter(() => service.createSMSCampaign(DEMO_CARRIER_DOT, { name: 'shape', messageTemplate: TEMPLATE, audienceFilter: filter }));
    if (!estimate.success || !created.success) throw new Error('failed');
    expect(Object.keys(created).sort()).toEqual(['audienceCount', 'campaignId', 'costEstimate', 'success']);
    expect(created.audienceCount).toBe(estimate.audienceCount);
    expect(created.costEstimate).toBeCloseTo(estimate.costEstimate, 6);
    expect(estimate.audienceCount).toBeGreaterThan(0);
    expect(estimate.pricePerSegment).toBe(demoCarrier().sms_price_per_segment);
    expect(estimate.costEstimate).toBeCloseTo(estimate.audienceCount * estimate.segments * estimate.pricePerSegment, 4);
  });

  it('refuses a recruiter of another carrier (FORBIDDEN) and anonymous visitors (NOT_SIGNED_IN) on every method', async () => {
    const id = await create('tenancy');
    // A message of this carrier exists for the message-based methods.
    await world.rt.asJob(() => elevatedCollection(SMSMessages).insert(sampleMessage(id, `${id}.probe`)));
    const phone = '+12145550123';
    const calls: [string, () => Promise<{ success: boolean; code?: string }>][] = [
      ['createSMSCampaign', () => service.createSMSCampaign(DEMO_CARRIER_DOT, { name: 'x', messageTemplate: 'Hi', audienceFilter: {} })],
      ['getSMSCampaigns', () => service.getSMSCampaigns(DEMO_CARRIER_DOT)],
      ['updateSMSCampaign', () => service.updateSMSCampaign(id, { name: 'stolen' })],
      ['deleteSMSCampaign', () => service.deleteSMSCampaign(id)],
      ['sendSMSCampaign', () => service.sendSMSCampaign(id)],
      ['scheduleSMSCampaign', () => service.scheduleSMSCampaign(id, new Date(NOON + DAY))],
      ['pauseSMSCampaign', () => service.pauseSMSCampaign(id)],
      ['resumeSMSCampaign', () => service.resumeSMSCampaign(id)],
      ['getSMSCampaignAnalytics', () => service.getSMSCampaignAnalytics(id)],
      ['checkOptOutStatus', () => service.checkOptOutStatus(phone, DEMO_CARRIER_DOT)],
      ['optOutDriver', () => service.optOutDriver(phone, DEMO_CARRIER_DOT)],
      ['estimateSMSAudience', () => service.estimateSMSAudience(DEMO_CARRIER_DOT, {}, 'Hi')],
      ['getSMSReplies', () => service.getSMSReplies(DEMO_CARRIER_DOT)],
      ['replyToDriver', () => service.replyToDriver(`${id}.probe`, 'hello')],
      ['setReplyState', () => service.setReplyState(`${id}.probe`, 'handled')],
      ['sendTestSMS', () => service.sendTestSMS(DEMO_CARRIER_DOT, 'Hi')],
    ];
    expect(calls.map(([name]) => name).sort()).toEqual(Object.keys(service).sort());
    const sentBefore = world.standIn.messages.length;
    for (const [name, call] of calls) {
      expect([name, await world.rt.as(outsider, call)]).toEqual([name, expect.objectContaining({ success: false, code: 'FORBIDDEN' })]);
      expect([name, await world.rt.as(null, call)]).toEqual([name, expect.objectContaining({ success: false, code: 'NOT_SIGNED_IN' })]);
    }
    expect(world.standIn.messages.length).toBe(sentBefore);
    expect(await campaign(id)).toMatchObject({ campaign_name: 'tenancy', status: 'draft' });
    expect(await world.rt.as(outsider, () => service.getSMSCampaigns(OTHER_DOT))).toMatchObject({ success: true, campaigns: [] });
  });

  it('validates input: carrierDot, unknown template variables (named), empty message, past schedule, audience filter', async () => {
    const bad = (r: { success: boolean }) => expect(r).toMatchObject({ success: false, code: 'INVALID_INPUT' });
    bad(await asRecruiter(() => service.createSMSCampaign('DOT-12', { name: 'x', messageTemplate: 'Hi', audienceFilter: {} })));
    bad(await asRecruiter(() => service.getSMSCampaigns('')));
    const unknown = await asRecruiter(() => service.createSMSCampaign(DEMO_CARRIER_DOT, { name: 'x', messageTemplate: 'Hi {{favoriteColor}}', audienceFilter: {} }));
    expect(unknown).toMatchObject({ success: false, code: 'INVALID_INPUT', error: expect.stringContaining('favoriteColor') });
    bad(await asRecruiter(() => service.createSMSCampaign(DEMO_CARRIER_DOT, { name: 'x', messageTemplate: '', audienceFilter: {} })));
    bad(await asRecruiter(() => service.createSMSCampaign(DEMO_CARRIER_DOT, { name: 'x', messageTemplate: 'Hi', audienceFilter: { cdl_classes: ['Z'] } })));
    bad(await asRecruiter(() => service.estimateSMSAudience(DEMO_CARRIER_DOT, { min_years_experience: -2 }, 'Hi')));
    const id = await create('validation');
    const variant = await asRecruiter(() => service.updateSMSCampaign(id, { variants: [{ variant_id: 'b', name: 'B', message_template: 'Yo {{nickname}}', weight: 50 }] }));
    expect(variant).toMatchObject({ success: false, code: 'INVALID_INPUT', error: expect.stringContaining('nickname') });
    const past = await asRecruiter(() => service.scheduleSMSCampaign(id, new Date(NOON - 60_000)));
    expect(past).toMatchObject({ success: false, code: 'INVALID_INPUT', error: expect.stringContaining('future') });
    bad(await asRecruiter(() => service.scheduleSMSCampaign(id, 'not a date')));
    bad(await asRecruiter(() => service.replyToDriver('x', '   ')));
    bad(await asRecruiter(() => service.checkOptOutStatus('2145550123', DEMO_CARRIER_DOT)));
    expect(await campaign(id)).toMatchObject({ status: 'draft', message_variants: [] });
  });

  it('applies the state rules: edit, schedule, pause, resume, send, and refuses edits while active or completed', async () => {
    const id = await create('states');
    expect(await asRecruiter(() => service.updateSMSCampaign(id, { name: 'states 2' }))).toMatchObject({ success: true, campaign: { name: 'states 2', status: 'draft' } });
    expect(await asRecruiter(() => service.pauseSMSCampaign(id))).toMatchObject({ success: false, code: 'CONFLICT' });
    expect(await asRecruiter(() => service.scheduleSMSCampaign(id, new Date(NOON + DAY)))).toMatchObject({ success: true });
    expect(await campaign(id)).toMatchObject({ status: 'scheduled', next_run_at: new Date(NOON + DAY) });
    expect(await asRecruiter(() => service.updateSMSCampaign(id, { rateLimit: 50_000 }))).toMatchObject({ success: true, campaign: { status: 'scheduled' } });
    expect(await asRecruiter(() => service.pauseSMSCampaign(id))).toMatchObject({ success: true, messagesSent: 0 });
    expect(await asRecruiter(() => service.resumeSMSCampaign(id))).toMatchObject({ success: true });
    // Never started and its time is ahead: back to scheduled.
    expect(await campaign(id)).toMatchObject({ status: 'scheduled', paused_at: null });
    const sent = await asRecruiter(() => service.sendSMSCampaign(id));
    if (!sent.success) throw new Error(sent.error);
    expect(sent.messagesQueued).toBeGreaterThan(0);
    expect(world.standIn.messages.length).toBeGreaterThan(0);
    const afterSend = await campaign(id);
    expect(['active', 'completed']).toContain(afterSend?.status);
    expect(await asRecruiter(() => service.sendSMSCampaign(id))).toMatchObject({ success: false, code: 'CONFLICT' });
    await force(id, { status: 'active' });
    expect(await asRecruiter(() => service.updateSMSCampaign(id, { name: 'while active' }))).toMatchObject({ success: false, code: 'CONFLICT' });
    expect(await asRecruiter(() => service.resumeSMSCampaign(id))).toMatchObject({ success: false, code: 'CONFLICT' });
    expect(await asRecruiter(() => service.pauseSMSCampaign(id))).toMatchObject({ success: true });
    expect(await campaign(id)).toMatchObject({ status: 'paused' });
    expect(await asRecruiter(() => service.updateSMSCampaign(id, { name: 'while paused' }))).toMatchObject({ success: true, campaign: { name: 'while paused', status: 'paused' } });
    expect(await asRecruiter(() => service.resumeSMSCampaign(id))).toMatchObject({ success: true });
    expect(await campaign(id)).toMatchObject({ status: 'active', paused_at: null });
    await force(id, { status: 'completed' });
    expect(await asRecruiter(() => service.updateSMSCampaign(id, { name: 'after' }))).toMatchObject({ success: false, code: 'CONFLICT' });
    expect(await asRecruiter(() => service.scheduleSMSCampaign(id, new Date(NOON + DAY)))).toMatchObject({ success: false, code: 'CONFLICT' });
  });

  it('deleteSMSCampaign removes a campaign that never sent and archives one that did', async () => {
    const draft = await create('never sent');
    expect(await asRecruiter(() => service.deleteSMSCampaign(draft))).toMatchObject({ success: true, archived: false });
    expect(await campaign(draft)).toBeNull();
    const id = await create('sent then deleted');
    const sent = await asRecruiter(() => service.sendSMSCampaign(id));
    expect(sent).toMatchObject({ success: true });
    expect((await records(id)).length).toBeGreaterThan(0);
    expect(await asRecruiter(() => service.deleteSMSCampaign(id))).toMatchObject({ success: true, archived: true });
    const archived = await campaign(id);
    expect(archived?.archived_at).toBeInstanceOf(Date);
    expect(archived?.next_run_at).toBeNull();
    expect(['paused', 'completed']).toContain(archived?.status);
    const list = await asRecruiter(() => service.getSMSCampaigns(DEMO_CARRIER_DOT));
    const all = await asRecruiter(() => service.getSMSCampaigns(DEMO_CARRIER_DOT, { includeArchived: true }));
    if (!list.success || !all.success) throw new Error('list failed');
    expect(list.campaigns.map((c) => c.campaignId)).not.toContain(id);
    expect(all.campaigns.map((c) => c.campaignId)).toContain(id);
    expect(await asRecruiter(() => service.resumeSMSCampaign(id))).toMatchObject({ success: false, code: 'CONFLICT' });
  });

  it('checkOptOutStatus / optOutDriver round trip; an opted-out driver gets nothing afterwards', async () => {
    world.rt.clock.set(NOON + 2 * DAY);
    const first = await create('before opt-out');
    await asRecruiter(() => service.sendSMSCampaign(first));
    const got = (await records(first)).find((m) => m.twilio_sid);
    if (!got) throw new Error('nobody was sent to');
    expect(await asRecruiter(() => service.checkOptOutStatus(got.phone_number, DEMO_CARRIER_DOT))).toMatchObject({ success: true, optedOut: false, optedOutAt: null });
    world.rt.clock.set(NOON + 3 * DAY);
    expect(await asRecruiter(() => service.optOutDriver(got.phone_number, DEMO_CARRIER_DOT))).toMatchObject({ success: true });
    const status = await asRecruiter(() => service.checkOptOutStatus(got.phone_number, DEMO_CARRIER_DOT));
    expect(status).toMatchObject({ success: true, optedOut: true, optedOutAt: new Date(NOON + 3 * DAY) });
    // Another carrier's view of the same phone is unaffected.
    expect(await world.rt.as(outsider, () => service.checkOptOutStatus(got.phone_number, OTHER_DOT))).toMatchObject({ success: true, optedOut: false });
    const before = world.standIn.messages.length;
    const second = await create('after opt-out');
    await asRecruiter(() => service.sendSMSCampaign(second));
    const newMessages = world.standIn.messages.slice(before);
    expect(newMessages.length).toBeGreaterThan(0);
    expect(newMessages.filter((m) => m.to === got.phone_number)).toEqual([]);
    const record = (await records(second)).find((m) => m.phone_number === got.phone_number);
    expect(record).toMatchObject({ status: 'blocked', twilio_sid: null });
  });

  it('reply inbox: getSMSReplies (driver and campaign names, opt-out state), replyToDriver, setReplyState', async () => {
    world.rt.clock.set(NOON + 5 * DAY);
    const id = await create('replies');
    await asRecruiter(() => service.sendSMSCampaign(id));
    const [m] = (await records(id)).filter((r) => r.twilio_sid);
    if (!m?.driver_id) throw new Error('nothing sent');
    await world.rt.asJob(() => handleIncomingSms({ MessageSid: 'SMreply1', From: m.phone_number, To: fromNumber, Body: 'Yes, interested' }));
    const driver = await world.rt.asJob(() => elevatedCollection(collections.DriverProfiles).get(m.driver_id ?? ''));
    const listed = await asRecruiter(() => service.getSMSReplies(DEMO_CARRIER_DOT, { campaignId: id }));
    if (!listed.success) throw new Error(listed.error);
    expect(listed.total).toBe(1);
    expect(listed.replies[0]).toMatchObject({ messageId: m._id, campaignId: id, campaignName: 'replies', driverId: m.driver_id, driverName: `${driver?.first_name} ${driver?.last_name}`, reply: 'Yes, interested', state: 'new', optedOut: false });
    expect(listed.replies[0]?.phone).toMatch(/^•+\d{4}$/);
    const before = world.standIn.messages.length;
    const replied = await asRecruiter(() => service.replyToDriver(m._id, 'Great, calling you at 3pm.'));
    expect(replied).toMatchObject({ success: true, sid: expect.stringMatching(/^SM/) });
    expect(world.standIn.messages.slice(before)).toEqual([expect.objectContaining({ to: m.phone_number, body: 'Great, calling you at 3pm.' })]);
    expect(await asRecruiter(() => service.getSMSReplies(DEMO_CARRIER_DOT, { state: 'handled', campaignId: id }))).toMatchObject({ success: true, total: 1 });
    expect(await asRecruiter(() => service.setReplyState(m._id, 'needs_follow_up'))).toMatchObject({ success: true });
    expect(await asRecruiter(() => service.getSMSReplies(DEMO_CARRIER_DOT, { state: 'needs_follow_up' }))).toMatchObject({ success: true, replies: [expect.objectContaining({ messageId: m._id })] });
    const other = (await records(id)).find((r) => r.twilio_sid && r._id !== m._id && !r.reply_received);
    if (other) expect(await asRecruiter(() => service.setReplyState(other._id, 'handled'))).toMatchObject({ success: false, code: 'CONFLICT' });
    expect(await asRecruiter(() => service.setReplyState('no-such-message', 'handled'))).toMatchObject({ success: false, code: 'NOT_FOUND' });
    // Then the driver texts STOP: the inbox shows it, and no reply can be sent any more.
    await world.rt.asJob(() => handleIncomingSms({ MessageSid: 'SMreply2', From: m.phone_number, To: fromNumber, Body: 'STOP' }));
    expect(await asRecruiter(() => service.getSMSReplies(DEMO_CARRIER_DOT, { campaignId: id }))).toMatchObject({ success: true, replies: [expect.objectContaining({ messageId: m._id, optedOut: true })] });
    expect(await asRecruiter(() => service.replyToDriver(m._id, 'One more thing'))).toMatchObject({ success: false, code: 'CONFLICT' });
  });

  it('sendTestSMS goes to the signed-in recruiter’s own phone, rendered with sample values', async () => {
    const before = world.standIn.messages.length;
    const result = await asRecruiter(() => service.sendTestSMS(DEMO_CARRIER_DOT, 'Hi {{firstName}}, test from {{recruiterName}}'));
    if (!result.success) throw new Error(result.error);
    const sent = world.standIn.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe(demoStaffProfiles().find((p) => p.member_id === world.recruiter._id)?.phone);
    expect(sent[0]?.body).toBe(`[TEST] ${result.body}`);
    expect(result.body).not.toContain('{{');
    expect(await asRecruiter(() => service.sendTestSMS(DEMO_CARRIER_DOT, 'Hi {{favoriteColor}}'))).toMatchObject({ success: false, code: 'INVALID_INPUT', error: expect.stringContaining('favoriteColor') });
  });
});

function sampleMessage(campaignId: string, id: string): SMSMessage {
  return {
    _id: id,
    campaign_id: campaignId,
    carrier_dot: DEMO_CARRIER_DOT,
    driver_id: null,
    phone_number: '+12145550199',
    message_body: 'Hi',
    variant_id: null,
    status: 'delivered',
    twilio_sid: null,
    error_code: null,
    error_message: null,
    sent_at: new Date(NOON),
    delivered_at: new Date(NOON),
    cost: null,
    reply_received: true,
    reply_content: 'hello?',
    reply_at: new Date(NOON),
    opted_out: false,
    attempts: 1,
    reply_state: 'new',
    status_updated_at: new Date(NOON),
    attempted_at: new Date(NOON),
    run_number: 0,
    compliance_rule: null,
    compliance_reason: null,
    send_after: null,
  };
}
