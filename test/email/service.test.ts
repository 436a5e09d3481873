/**
 * The email campaign web methods against the in-process runtime and the SendGrid simulator: tenant
 * checks on every method, validation (nothing written on bad input), state rules, return shapes,
 * analytics from events, the test email and manual suppression.
 */
import { collections } from '../../src/backend/collections';
import { EmailCampaigns, EmailMessages, EmailSuppressions } from '../../src/backend/collections/email';
import { elevatedCollection } from '../../src/backend/platform';
import * as service from '../../src/backend/emailCampaignService.web';
import { suppressionId } from '../../src/backend/email/suppress';
import { demoCarrier, demoStaffProfiles } from '../../local/seed/demo-entities';
import type { LocalMember } from '../../local/runtime';
import { allEmails, createEmailWorld, createEventApplier, DEMO_CARRIER_DOT, HTML, NOON, type EmailWorld } from './campaign-support';

const OTHER_DOT = '9988776';
const outsider: LocalMember = { _id: 'member-other', loginEmail: 'o@other.example', firstName: 'Otto', lastName: 'Other', roles: ['SiteMember'] };
const DAY = 24 * 60 * 60_000;
const BASE = { subjectLine: 'CDL-A lanes for {{firstName}}', htmlContent: HTML };

describe('emailCampaignService web methods', () => {
  let world: EmailWorld;
  let driverIds: string[] = [];
  jest.setTimeout(120_000);

  beforeAll(async () => {
    world = await createEmailWorld({ drivers: 300, seed: 81, extraMembers: [outsider] });
    await world.rt.asJob(async () => {
      await elevatedCollection(collections.Carriers).insert({ ...demoCarrier(OTHER_DOT), name: 'Other Carrier Inc', email_unsubscribe_group_id: undefined, email_from_address: 'jobs@othercarrier.example' });
      const [profile] = demoStaffProfiles(OTHER_DOT);
      if (!profile) throw new Error('no profile');
      await elevatedCollection(collections.RecruiterProfiles).insert({ ...profile, _id: 'recruiter-other', member_id: outsider._id, email: 'otto@othercarrier.example' });
      const drivers = await elevatedCollection(collections.DriverProfiles).find((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT).eq('email_reachable', 1).eq('email_consent.granted', true).ascending('_id'), { limit: 40 });
      driverIds = drivers.map((d) => d._id);
    });
  });
  afterAll(() => world.close());

  const asRecruiter = <T>(fn: () => Promise<T>): Promise<T> => world.rt.as(world.recruiter, fn);
  const campaign = (id: string) => world.rt.asJob(() => elevatedCollection(EmailCampaigns).get(id));
  const campaignCount = () => world.rt.asJob(() => elevatedCollection(EmailCampaigns).count());

  async function create(name: string, extra: Partial<Parameters<typeof service.createEmailCampaign>[1] & object> = {}): Promise<string> {
    const created = await asRecruiter(() => service.createEmailCampaign(DEMO_CARRIER_DOT, { name, ...BASE, audienceFilter: { include_driver_ids: driverIds }, ...extra }));
    if (!created.success) throw new Error(created.error);
    return created.campaignId;
  }

  it('createEmailCampaign returns {campaignId, audienceCount} matching estimateEmailAudience', async () => {
    const filter = { cdl_classes: ['A' as const] };
    const estimate = await asRecruiter(() => service.estimateEmailAudience(DEMO_CARRIER_DOT, filter));
    const created = await asRecruiter(() => service.createEmailCampaign(DEMO_CARRIER_DOT, { name: 'shape', ...BASE, audienceFilter: filter }));
    if (!estimate.success || !created.success) throw new Error('failed');
    expect(Object.keys(created).sort()).toEqual(['audienceCount', 'campaignId', 'success']);
    expect(Object.keys(estimate).sort()).toEqual(['audienceCount', 'costEstimate', 'success']);
    expect(created.audienceCount).toBe(estimate.audienceCount);
    expect(estimate.audienceCount).toBeGreaterThan(0);
    expect(estimate.costEstimate).toBeCloseTo(estimate.audienceCount * 0.001, 6);
    expect(await campaign(created.campaignId)).toMatchObject({ status: 'draft', from_email: demoCarrier().email_from_address, created_by_member_id: world.recruiter._id, tracking: { opens: true, clicks: true } });
  });

  it('refuses a recruiter of another carrier (FORBIDDEN) and anonymous visitors (NOT_SIGNED_IN) on every method', async () => {
    const id = await create('tenancy');
    const calls: [string, () => Promise<{ success: boolean; code?: string }>][] = [
      ['createEmailCampaign', () => service.createEmailCampaign(DEMO_CARRIER_DOT, { name: 'x', ...BASE, audienceFilter: {} })],
      ['getEmailCampaigns', () => service.getEmailCampaigns(DEMO_CARRIER_DOT)],
      ['updateEmailCampaign', () => service.updateEmailCampaign(id, { name: 'stolen' })],
      ['sendEmailCampaign', () => service.sendEmailCampaign(id)],
      ['pauseEmailCampaign', () => service.pauseEmailCampaign(id)],
      ['resumeEmailCampaign', () => service.resumeEmailCampaign(id)],
      ['deleteEmailCampaign', () => service.deleteEmailCampaign(id)],
      ['getEmailCampaignAnalytics', () => service.getEmailCampaignAnalytics(id)],
      ['estimateEmailAudience', () => service.estimateEmailAudience(DEMO_CARRIER_DOT, {})],
      ['sendTestEmail', () => service.sendTestEmail(DEMO_CARRIER_DOT, { subjectLine: 'Hi', htmlContent: '<p>Hi</p>' })],
      ['suppressEmailAddress', () => service.suppressEmailAddress(DEMO_CARRIER_DOT, 'victim@example.com')],
    ];
    for (const [name, call] of calls) {
      const asOutsider = await world.rt.as(outsider, call);
      expect({ name, result: asOutsider }).toMatchObject({ name, result: { success: false, code: 'FORBIDDEN' } });
      const anonymous = await world.rt.as(null, call);
      expect({ name, result: anonymous }).toMatchObject({ name, result: { success: false, code: 'NOT_SIGNED_IN' } });
    }
    expect(await campaign(id)).toMatchObject({ campaign_name: 'tenancy', status: 'draft', archived_at: null });
    expect(world.sim.messages()).toHaveLength(0);
    expect(await world.rt.asJob(() => elevatedCollection(EmailSuppressions).count((q) => q.eq('email_address', 'victim@example.com')))).toBe(0);
  });

  it('answers INVALID_INPUT for bad input and writes nothing', async () => {
    const before = await campaignCount();
    const bad: [string, unknown[]][] = [
      ['carrier', ['abc', { name: 'x', ...BASE, audienceFilter: {} }]],
      ['no content', [DEMO_CARRIER_DOT, { name: 'x', subjectLine: 'Hi', audienceFilter: {} }]],
      ['both contents', [DEMO_CARRIER_DOT, { name: 'x', ...BASE, templateId: 'd-5a1e0000000000000000000000000001', audienceFilter: {} }]],
      ['unknown variable', [DEMO_CARRIER_DOT, { name: 'x', subjectLine: 'Hi {{frstName}}', htmlContent: HTML, audienceFilter: {} }]],
      ['bad template id', [DEMO_CARRIER_DOT, { name: 'x', subjectLine: 'Hi', templateId: 'welcome', audienceFilter: {} }]],
      ['from on another domain', [DEMO_CARRIER_DOT, { name: 'x', ...BASE, fromEmail: 'ceo@gmail.example', audienceFilter: {} }]],
      ['bad audience', [DEMO_CARRIER_DOT, { name: 'x', ...BASE, audienceFilter: { cdl_classes: ['Z'] } }]],
      ['too many variants', [DEMO_CARRIER_DOT, { name: 'x', ...BASE, subjectVariants: ['a', 'b', 'c', 'd', 'e', 'f'], audienceFilter: {} }]],
    ];
    for (const [label, args] of bad) {
      const result = await asRecruiter(() => (service.createEmailCampaign as (...a: unknown[]) => Promise<{ success: boolean; code?: string; error?: string }>)(...args));
      expect({ label, result }).toMatchObject({ label, result: { success: false, code: 'INVALID_INPUT' } });
    }
    const unknown = await asRecruiter(() => service.createEmailCampaign(DEMO_CARRIER_DOT, { name: 'x', subjectLine: 'Hi {{frstName}}', htmlContent: HTML, audienceFilter: {} }));
    expect(unknown).toMatchObject({ success: false, error: expect.stringContaining('frstName') });
    // A template campaign needs an unsubscribe group; the other carrier has none.
    const noGroup = await world.rt.as(outsider, () => service.createEmailCampaign(OTHER_DOT, { name: 'x', subjectLine: 'Hi', templateId: 'd-5a1e0000000000000000000000000001', audienceFilter: {} }));
    expect(noGroup).toMatchObject({ success: false, code: 'INVALID_INPUT', error: expect.stringContaining('unsubscribe group') });
    expect(await campaignCount()).toBe(before);
  });

  it('edits only until the campaign starts sending; pause, resume and send follow the state rules', async () => {
    const id = await create('states');
    const edited = await asRecruiter(() => service.updateEmailCampaign(id, { name: 'states v2', subjectVariants: ['Home weekly, {{firstName}}?'] }));
    expect(edited).toMatchObject({ success: true, campaign: { campaignId: id, name: 'states v2', status: 'draft' } });
    expect(await asRecruiter(() => service.updateEmailCampaign(id, { htmlContent: '<p>{{nope}}</p>' }))).toMatchObject({ success: false, code: 'INVALID_INPUT' });
    expect(await asRecruiter(() => service.resumeEmailCampaign(id))).toMatchObject({ success: false, code: 'CONFLICT' });
    const sent = await asRecruiter(() => service.sendEmailCampaign(id));
    if (!sent.success) throw new Error(sent.error);
    expect(Object.keys(sent).sort()).toEqual(['emailsQueued', 'success']);
    expect(sent.emailsQueued).toBe(driverIds.length);
    // The inline kick sent the campaign through the simulator.
    expect(world.sim.messages().length).toBeGreaterThan(0);
    const after = await campaign(id);
    expect(after?.started_at).toBeInstanceOf(Date);
    expect(await asRecruiter(() => service.updateEmailCampaign(id, { name: 'too late' }))).toMatchObject({ success: false, code: 'CONFLICT' });
    expect(await asRecruiter(() => service.sendEmailCampaign(id))).toMatchObject({ success: false, code: 'CONFLICT' });
    expect(after?.status).toBe('completed');
    expect(await asRecruiter(() => service.pauseEmailCampaign(id))).toMatchObject({ success: false, code: 'CONFLICT' });
    const second = await create('pause me');
    await world.rt.asJob(() => elevatedCollection(EmailCampaigns).patch(second, { status: 'active', started_at: new Date(NOON), next_run_at: new Date(NOON) }));
    const paused = await asRecruiter(() => service.pauseEmailCampaign(second));
    expect(paused).toMatchObject({ success: true, emailsSent: 0 });
    expect(Object.keys(paused).sort()).toEqual(['emailsPending', 'emailsSent', 'success']);
    expect(await asRecruiter(() => service.updateEmailCampaign(second, { name: 'edited after start' }))).toMatchObject({ success: false, code: 'CONFLICT' });
    expect(await asRecruiter(() => service.resumeEmailCampaign(second))).toEqual({ success: true });
    expect(await campaign(second)).toMatchObject({ status: 'active', paused_at: null });
  });

  it('a scheduled campaign waits for its time; nothing is sent on sendEmailCampaign', async () => {
    const before = world.sim.messages().length;
    const id = await create('later', { scheduleType: 'scheduled', scheduledTime: new Date(NOON + DAY) });
    expect(await asRecruiter(() => service.sendEmailCampaign(id))).toMatchObject({ success: true, emailsQueued: driverIds.length });
    expect(await campaign(id)).toMatchObject({ status: 'scheduled', next_run_at: new Date(NOON + DAY), started_at: null });
    expect(world.sim.messages()).toHaveLength(before);
  });

  it('deletes a campaign that never sent; archives one that did (hidden from the list unless asked)', async () => {
    const draft = await create('draft to delete');
    expect(await asRecruiter(() => service.deleteEmailCampaign(draft))).toEqual({ success: true, archived: false });
    expect(await campaign(draft)).toBeNull();
    const sentId = await create('sent to archive');
    expect(await asRecruiter(() => service.sendEmailCampaign(sentId))).toMatchObject({ success: true });
    expect(await asRecruiter(() => service.deleteEmailCampaign(sentId))).toEqual({ success: true, archived: true });
    const listed = await asRecruiter(() => service.getEmailCampaigns(DEMO_CARRIER_DOT, {}));
    const withArchived = await asRecruiter(() => service.getEmailCampaigns(DEMO_CARRIER_DOT, { includeArchived: true }));
    if (!listed.success || !withArchived.success) throw new Error('list failed');
    expect(listed.campaigns.map((c) => c.campaignId)).not.toContain(sentId);
    const archived = withArchived.campaigns.find((c) => c.campaignId === sentId);
    expect(archived).toMatchObject({ name: 'sent to archive', archivedAt: expect.any(Date) });
    expect(archived?.stats.sent).toBe((await allEmails(world, sentId)).filter((r) => r.sent_at).length);
  });

  it('getEmailCampaignAnalytics counts sends, deliveries, bounces, opens, clicks and unsubscribes from one aggregate', async () => {
    const id = await create('analytics');
    const records0 = await world.rt.asJob(() => elevatedCollection(collections.DriverProfiles).find((q) => q.hasSome('_id', driverIds.slice(0, 2))));
    const restore = records0.map((d) => world.sim.mailboxes.override({ match: d.email ?? '', outcome: 'hard-bounce' }));
    await asRecruiter(() => service.sendEmailCampaign(id));
    world.rt.clock.advance(6 * 60 * 60_000);
    await createEventApplier(world)();
    for (const r of restore) r();
    const result = await asRecruiter(() => service.getEmailCampaignAnalytics(id));
    if (!result.success) throw new Error(result.error);
    const records = await allEmails(world, id);
    const a = result.analytics;
    expect(a.sent).toBe(records.filter((r) => r.sent_at).length);
    expect(a.bounces).toBe(2);
    expect(a.delivered).toBe(records.filter((r) => r.status === 'delivered').length);
    expect(a.delivered).toBe(a.sent - 2);
    expect(a.opens).toBe(records.filter((r) => r.opened).length);
    expect(a.clicks).toBe(records.filter((r) => r.clicked).length);
    expect(a.totalOpens).toBe(records.reduce((n, r) => n + r.open_count, 0));
    expect(a.opens).toBeGreaterThan(0);
    expect(a.unsubscribes).toBe(0);
    expect(a.deliveryRate).toBeCloseTo(a.delivered / a.sent, 3);
    expect(a.variants).toBeNull();
    // The timeline: first human opens and first clicks per UTC hour, as the event webhook stored them.
    const hour = (d: Date | null | undefined): string | null => (d ? `${d.toISOString().slice(0, 13)}:00:00.000Z` : null);
    const expected = new Map<string, { opens: number; clicks: number }>();
    for (const r of records) {
      for (const [key, field] of [[hour(r.opened_at), 'opens'], [hour(r.clicked_at), 'clicks']] as const) {
        if (!key) continue;
        const point = expected.get(key) ?? { opens: 0, clicks: 0 };
        point[field] += 1;
        expected.set(key, point);
      }
    }
    expect(result.timeline).toEqual([...expected.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([at, p]) => ({ at, ...p })));
    expect(result.timeline.reduce((n, p) => n + p.opens, 0)).toBe(a.opens);

    // The per-recipient table: a page at a time, a status filter, masked addresses, driver names.
    const first = await asRecruiter(() => service.getEmailCampaignRecipients(id, { limit: 10, offset: 0 }));
    const bounced = await asRecruiter(() => service.getEmailCampaignRecipients(id, { status: 'bounced', limit: 10, offset: 0 }));
    const second = await asRecruiter(() => service.getEmailCampaignRecipients(id, { limit: 10, offset: 10 }));
    if (!first.success || !bounced.success || !second.success) throw new Error('recipients failed');
    expect(first.total).toBe(records.length);
    expect(first.recipients).toHaveLength(10);
    expect(new Set([...first.recipients, ...second.recipients].map((r) => r.messageId)).size).toBe(first.recipients.length + second.recipients.length);
    expect(bounced.total).toBe(2);
    expect(bounced.recipients.every((r) => r.status === 'bounced' && r.bounceReason !== null)).toBe(true);
    const row = first.recipients[0];
    const stored = records.find((r) => r._id === row?.messageId);
    expect(row?.email).toMatch(/^.\*\*\*@/);
    expect(row?.email).not.toBe(stored?.email_address);
    expect(row?.driverName).toMatch(/\S+ \S+/);
    expect(row).toMatchObject({ status: stored?.status, openCount: stored?.open_count, clickCount: stored?.click_count });
    expect(await world.rt.as(outsider, () => service.getEmailCampaignRecipients(id, { limit: 10, offset: 0 }))).toMatchObject({ success: false, code: 'FORBIDDEN' });
    expect(await asRecruiter(() => service.getEmailCampaignRecipients(id, { limit: 1000, offset: 0 }))).toMatchObject({ success: false });
  });

  it('sendTestEmail sends the content to the signed-in recruiter’s own address, marked [TEST]', async () => {
    const result = await asRecruiter(() => service.sendTestEmail(DEMO_CARRIER_DOT, { subjectLine: 'Lanes for {{firstName}}', htmlContent: '<p>Hi {{firstName}}</p>' }));
    if (!result.success) throw new Error(result.error);
    const profile = demoStaffProfiles().find((p) => p.member_id === world.recruiter._id);
    expect(result).toMatchObject({ to: profile?.email, subject: `[TEST] Lanes for ${profile?.first_name ?? ''}` });
    const [mail] = world.sim.messages({ to: profile?.email ?? '' });
    expect(mail?.subject).toBe(result.subject);
    expect(mail?.html).toContain(`Hi ${profile?.first_name ?? ''}`);
    expect(mail?.html).toContain('4100 Logistics Pkwy');
    expect(mail?.sgMessageId.startsWith(`${result.sendgridId}.`)).toBe(true);
    const fromCampaign = await asRecruiter(async () => service.sendTestEmail(DEMO_CARRIER_DOT, { campaignId: await create('test me') }));
    expect(fromCampaign).toMatchObject({ success: true, subject: `[TEST] CDL-A lanes for ${profile?.first_name ?? ''}` });
    expect(await world.rt.asJob(() => elevatedCollection(EmailMessages).count((q) => q.eq('email_address', profile?.email ?? '')))).toBe(0);
  });

  it('suppressEmailAddress suppresses an address for the carrier (a mailto unsubscribe, a phone call)', async () => {
    expect(await asRecruiter(() => service.suppressEmailAddress(DEMO_CARRIER_DOT, 'Caller@Example.com'))).toEqual({ success: true, suppressed: true, emailsCanceled: 0 });
    expect(await world.rt.asJob(() => elevatedCollection(EmailSuppressions).get(suppressionId(DEMO_CARRIER_DOT, 'caller@example.com', 'manual')))).toMatchObject({ reason: 'manual', source: 'recruiter', effects_due_at: null });
  });
});
