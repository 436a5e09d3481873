/**
 * The sequence web methods: tenant checks on every method, input validation, return shapes,
 * templates, versioning rules, idempotent and bulk enrollment, removal, pause / resume, analytics
 * and the admin-only step run.
 */
import { collections } from '../../src/backend/collections';
import { EmailSequenceEnrollments, EmailSequences } from '../../src/backend/collections/email';
import type { SequenceStep } from '../../src/backend/collections/sequence-steps';
import { EmailSequenceVersions } from '../../src/backend/collections/sequences';
import * as web from '../../src/backend/emailCampaignService.web';
import { elevatedCollection } from '../../src/backend/platform';
import * as service from '../../src/backend/sequences/service';
import { createSequenceWorld, DEMO_CARRIER_DOT, OTHER_DOT, outsider, type SequenceWorld } from './support';

const SMS_ONLY: SequenceStep[] = [
  { step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'Hi {{firstName}}, CDL-A lanes open. {{optOutText}}' },
  { step_number: 2, step_type: 'wait', delay_days: 1, delay_hours: 0 },
  { step_number: 3, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'Lanes for {{firstName}}', html_content: '<p>Hi {{firstName}}</p>' },
];

describe('sequence web methods', () => {
  let world: SequenceWorld;
  let driverIds: string[] = [];
  jest.setTimeout(120_000);

  beforeAll(async () => {
    world = await createSequenceWorld({ drivers: 300, seed: 51, withOtherCarrier: true });
    driverIds = (await world.reachableDrivers(40)).map((d) => d._id);
  });
  afterAll(() => world.close());

  const asRecruiter = <T>(fn: () => Promise<T>): Promise<T> => world.rt.as(world.recruiter, fn);
  const asOutsider = <T>(fn: () => Promise<T>): Promise<T> => world.rt.as(outsider, fn);
  const sequence = (id: string) => world.rt.asJob(() => elevatedCollection(EmailSequences).get(id));

  async function create(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name, steps: SMS_ONLY, status: 'active', ...extra }));
    if (!created.success) throw new Error(created.error);
    return created.sequenceId;
  }

  it('every web method is re-exported by emailCampaignService.web with its permission', () => {
    const names = ['createEmailSequence', 'getEmailSequences', 'updateEmailSequence', 'enrollInSequence', 'enrollDriversInSequence', 'removeFromSequence', 'pauseEmailSequence', 'resumeEmailSequence', 'getSequenceAnalytics', 'getSequenceEnrollments', 'getSequenceTemplates', 'processSequenceSteps'] as const;
    for (const name of names) expect(web[name]).toBe(service[name]);
  });

  it('createEmailSequence returns {sequenceId}; the sequence is version 1 with zero counters', async () => {
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'shape', steps: SMS_ONLY }));
    if (!created.success) throw new Error(created.error);
    expect(Object.keys(created).sort()).toEqual(['sequenceId', 'success']);
    const stored = await sequence(created.sequenceId);
    expect(stored).toMatchObject({ status: 'draft', version: 1, trigger_type: 'manual', enrollment_count: 0, active_count: 0, owner_member_id: world.recruiter._id });
  });

  it('validates input: steps, templates, email content, triggers; nothing is written on bad input', async () => {
    const before = await world.rt.asJob(() => elevatedCollection(EmailSequences).count());
    const bad: unknown[] = [
      { name: '', steps: SMS_ONLY },
      { name: 'x', steps: [] },
      { name: 'x', steps: [{ step_number: 1, step_type: 'fax', delay_days: 0, delay_hours: 0 }] },
      { name: 'x', steps: [{ step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'Hi {{nickname}}' }] },
      { name: 'x', steps: [{ step_number: 1, step_type: 'email', delay_days: 0, delay_hours: 0, subject: 'Hi' }] },
      { name: 'x', steps: [SMS_ONLY[0], SMS_ONLY[0]] },
      { name: 'x', steps: SMS_ONLY, triggerType: 'tag_added' },
      { name: 'x', steps: SMS_ONLY, triggerType: 'audience_match' },
      { name: 'x', templateId: 'nope' },
      { name: 'x' },
    ];
    for (const data of bad) {
      const result = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, data));
      expect(result).toMatchObject({ success: false, code: 'INVALID_INPUT' });
    }
    const unknownVariable = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, bad[3]));
    expect(unknownVariable.success === false && unknownVariable.error).toMatch(/nickname/);
    expect(await world.rt.asJob(() => elevatedCollection(EmailSequences).count())).toBe(before);
  });

  it('tenant checks: another carrier\'s member gets FORBIDDEN on every method, anonymous NOT_SIGNED_IN', async () => {
    const id = await create('tenancy');
    const enrolled = await asRecruiter(() => service.enrollInSequence(id, driverIds[0]));
    if (!enrolled.success) throw new Error(enrolled.error);
    const calls: [string, () => Promise<{ success: boolean; code?: string }>][] = [
      ['create', () => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'x', steps: SMS_ONLY })],
      ['list', () => service.getEmailSequences(DEMO_CARRIER_DOT)],
      ['update', () => service.updateEmailSequence(id, { name: 'hijack' })],
      ['enroll', () => service.enrollInSequence(id, driverIds[1])],
      ['bulk', () => service.enrollDriversInSequence(id, { driverIds: [driverIds[2]] })],
      ['remove', () => service.removeFromSequence(enrolled.enrollmentId, 'x')],
      ['pause', () => service.pauseEmailSequence(id)],
      ['resume', () => service.resumeEmailSequence(id)],
      ['analytics', () => service.getSequenceAnalytics(id)],
      ['enrollments', () => service.getSequenceEnrollments(id, { limit: 10, offset: 0 })],
    ];
    for (const [name, call] of calls) {
      expect({ name, result: await asOutsider(call) }).toMatchObject({ name, result: { success: false, code: 'FORBIDDEN' } });
      expect({ name, result: await world.rt.as(null, call) }).toMatchObject({ name, result: { success: false, code: 'NOT_SIGNED_IN' } });
    }
    expect(await world.rt.as(null, () => service.getSequenceTemplates())).toMatchObject({ success: false, code: 'NOT_SIGNED_IN' });
    expect(await asRecruiter(() => service.processSequenceSteps())).toMatchObject({ success: false, code: 'FORBIDDEN' });
    expect((await sequence(id))?.sequence_name).toBe('tenancy');
    // The outsider's own carrier works for them.
    expect(await asOutsider(() => service.getEmailSequences(OTHER_DOT))).toMatchObject({ success: true, sequences: [] });
  });

  it('getSequenceTemplates returns the §2.3 flow; createEmailSequence accepts templateId', async () => {
    const templates = await asRecruiter(() => service.getSequenceTemplates());
    if (!templates.success) throw new Error(templates.error);
    const [flow] = templates.templates;
    expect(flow?.templateId).toBe('sms-email-4-step');
    expect(flow?.steps.map((s) => [s.step_type, s.delay_days])).toEqual([['sms', 0], ['email', 1], ['sms', 2], ['email', 2]]);
    expect(flow?.completionTag).toBe('cold');
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'from template', templateId: 'sms-email-4-step' }));
    if (!created.success) throw new Error(created.error);
    const stored = await sequence(created.sequenceId);
    expect(stored?.steps).toEqual(flow?.steps);
    expect(stored).toMatchObject({ template_id: 'sms-email-4-step', completion_tag: 'cold' });
    expect(stored?.exit_conditions.filter((c) => c.enabled).map((c) => c.type).sort()).toEqual(['applied', 'hired', 'opted_out', 'replied', 'unsubscribed']);
  });

  it('getEmailSequences lists the carrier\'s sequences with counters and rates', async () => {
    const id = await create('listed');
    const list = await asRecruiter(() => service.getEmailSequences(DEMO_CARRIER_DOT, { status: 'active' }));
    if (!list.success) throw new Error(list.error);
    const item = list.sequences.find((s) => s.sequenceId === id);
    expect(item).toMatchObject({ name: 'listed', status: 'active', version: 1, stepCount: 3, enrolled: 0, conversionRate: 0 });
    expect(list.sequences.every((s) => s.status === 'active')).toBe(true);
  });

  it('enrollInSequence is idempotent: one enrollment per driver, counters exact', async () => {
    const id = await create('idempotent');
    const first = await asRecruiter(() => service.enrollInSequence(id, driverIds[3]));
    const again = await asRecruiter(() => service.enrollInSequence(id, driverIds[3]));
    if (!first.success || !again.success) throw new Error('enroll failed');
    expect(first).toEqual({ success: true, enrollmentId: `${id}.${driverIds[3]}`, alreadyEnrolled: false });
    expect(again).toEqual({ success: true, enrollmentId: first.enrollmentId, alreadyEnrolled: true });
    const stored = await world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).get(first.enrollmentId));
    expect(stored).toMatchObject({ status: 'active', current_step: 1, sequence_version: 1, enrolled_via: 'manual', step_history: [] });
    expect(await sequence(id)).toMatchObject({ enrollment_count: 1, active_count: 1 });
    expect(await asRecruiter(() => service.enrollInSequence(id, 'no-such-driver'))).toMatchObject({ success: false, code: 'NOT_FOUND' });
  });

  it('enrolling needs an active sequence (draft and paused refuse with CONFLICT)', async () => {
    const draft = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'draft', steps: SMS_ONLY }));
    if (!draft.success) throw new Error(draft.error);
    expect(await asRecruiter(() => service.enrollInSequence(draft.sequenceId, driverIds[4]))).toMatchObject({ success: false, code: 'CONFLICT' });
    const id = await create('paused');
    expect(await asRecruiter(() => service.pauseEmailSequence(id))).toEqual({ success: true, status: 'paused' });
    expect(await asRecruiter(() => service.enrollDriversInSequence(id, [driverIds[4]]))).toMatchObject({ success: false, code: 'CONFLICT' });
    expect(await asRecruiter(() => service.resumeEmailSequence(id))).toEqual({ success: true, status: 'active' });
    expect(await asRecruiter(() => service.enrollInSequence(id, driverIds[4]))).toMatchObject({ success: true, alreadyEnrolled: false });
  });

  it('enrollDriversInSequence: bulk by ids with skip reasons, ≤1000 per call', async () => {
    const id = await create('bulk');
    const hired = driverIds[5] ?? '';
    await world.rt.asJob(() => elevatedCollection(collections.DriverProfiles).patch(hired, { status: 'hired' }));
    // A driver of another carrier is not found (nor enrolled), whoever asks.
    const foreign = await world.rt.asJob(async () => {
      const source = await elevatedCollection(collections.DriverProfiles).get(driverIds[8] ?? '');
      if (!source) throw new Error('driver');
      const { _createdDate, _updatedDate, _owner, ...rest } = source;
      void _createdDate; void _updatedDate; void _owner;
      return elevatedCollection(collections.DriverProfiles).insert({ ...rest, _id: 'foreign-driver', carrier_dot: OTHER_DOT, phone: '+12145559876', email: 'foreign@example.com' });
    });
    const result = await asRecruiter(() => service.enrollDriversInSequence(id, { driverIds: [driverIds[6] ?? '', driverIds[7] ?? '', driverIds[6] ?? '', 'ghost', hired, foreign._id] }));
    if (!result.success) throw new Error(result.error);
    expect(result.enrolled).toBe(2);
    expect(result.skipped).toEqual(expect.arrayContaining([
      { driverId: driverIds[6], reason: 'duplicate_in_request' },
      { driverId: 'ghost', reason: 'driver_not_found' },
      { driverId: hired, reason: 'hired' },
      { driverId: foreign._id, reason: 'driver_not_found' },
    ]));
    const again = await asRecruiter(() => service.enrollDriversInSequence(id, [driverIds[6] ?? '', driverIds[7] ?? '']));
    expect(again).toMatchObject({ success: true, enrolled: 0, skipped: [{ reason: 'already_enrolled' }, { reason: 'already_enrolled' }] });
    const tooMany = Array.from({ length: 1001 }, (_, i) => `d${i}`);
    expect(await asRecruiter(() => service.enrollDriversInSequence(id, { driverIds: tooMany }))).toMatchObject({ success: false, code: 'INVALID_INPUT' });
    expect(await sequence(id)).toMatchObject({ enrollment_count: 2, active_count: 2 });
  });

  it('enrollDriversInSequence by audience filter enrolls one page and reports no next cursor when it was the last', async () => {
    const id = await create('audience');
    const filter = { include_driver_ids: driverIds.slice(10, 20) };
    const result = await asRecruiter(() => service.enrollDriversInSequence(id, { audienceFilter: filter }));
    if (!result.success) throw new Error(result.error);
    expect(result.enrolled).toBe(10);
    expect(result.nextCursor).toBeNull();
    const bad = await asRecruiter(() => service.enrollDriversInSequence(id, { audienceFilter: { saved_search_id: 'nope' } }));
    expect(bad).toMatchObject({ success: false, code: 'INVALID_INPUT' });
  });

  it('removeFromSequence exits the enrollment with the reason; a second removal is a CONFLICT', async () => {
    const id = await create('remove');
    const enrolled = await asRecruiter(() => service.enrollInSequence(id, driverIds[21]));
    if (!enrolled.success) throw new Error(enrolled.error);
    expect(await asRecruiter(() => service.removeFromSequence(enrolled.enrollmentId, 'Hired elsewhere'))).toEqual({ success: true });
    const stored = await world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).get(enrolled.enrollmentId));
    expect(stored).toMatchObject({ status: 'exited', exit_reason: 'removed: Hired elsewhere', next_step_at: null });
    expect(await asRecruiter(() => service.removeFromSequence(enrolled.enrollmentId, 'again'))).toMatchObject({ success: false, code: 'CONFLICT' });
    expect(await asRecruiter(() => service.removeFromSequence('nope', 'x'))).toMatchObject({ success: false, code: 'NOT_FOUND' });
    expect(await sequence(id)).toMatchObject({ enrollment_count: 1, active_count: 0, completed_count: 0 });
  });

  it('updateEmailSequence: editing steps makes a new version and freezes the old one; enrollments keep theirs', async () => {
    const id = await create('versions');
    const enrolled = await asRecruiter(() => service.enrollInSequence(id, driverIds[22]));
    if (!enrolled.success) throw new Error(enrolled.error);
    const renamed = await asRecruiter(() => service.updateEmailSequence(id, { name: 'versions (renamed)' }));
    expect(renamed).toMatchObject({ success: true, sequence: { name: 'versions (renamed)', version: 1 } });
    const newSteps: SequenceStep[] = [{ step_number: 1, step_type: 'email', delay_days: 0, delay_hours: 2, subject: 'New {{firstName}}', html_content: '<p>new</p>' }];
    const edited = await asRecruiter(() => service.updateEmailSequence(id, { steps: newSteps }));
    expect(edited).toMatchObject({ success: true, sequence: { version: 2, stepCount: 1 } });
    const frozen = await world.rt.asJob(() => elevatedCollection(EmailSequenceVersions).get(`${id}.v1`));
    expect(frozen?.steps).toEqual(SMS_ONLY);
    const enrollment = await world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).get(enrolled.enrollmentId));
    expect(enrollment?.sequence_version).toBe(1);
    const later = await asRecruiter(() => service.enrollInSequence(id, driverIds[23]));
    if (!later.success) throw new Error(later.error);
    expect((await world.rt.asJob(() => elevatedCollection(EmailSequenceEnrollments).get(later.enrollmentId)))?.sequence_version).toBe(2);
    expect(await asRecruiter(() => service.updateEmailSequence(id, { steps: [{ step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: '{{bogus}}' }] }))).toMatchObject({ success: false, code: 'INVALID_INPUT' });
    expect(await asRecruiter(() => service.updateEmailSequence(id, { status: 'draft' }))).toMatchObject({ success: false, code: 'CONFLICT' });
    expect((await sequence(id))?.version).toBe(2);
  });

  it('two concurrent step edits: one makes version 2, the other gets CONFLICT and writes nothing', async () => {
    const id = await create('race');
    const stepsA: SequenceStep[] = [{ step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'A {{firstName}}' }];
    const stepsB: SequenceStep[] = [{ step_number: 1, step_type: 'sms', delay_days: 0, delay_hours: 0, message_template: 'B {{firstName}}' }];
    const [a, b] = await Promise.all([asRecruiter(() => service.updateEmailSequence(id, { steps: stepsA })), asRecruiter(() => service.updateEmailSequence(id, { steps: stepsB }))]);
    const results = [a, b];
    expect(results.filter((r) => r.success)).toHaveLength(1);
    expect(results.filter((r) => !r.success)).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
    const stored = await sequence(id);
    expect(stored?.version).toBe(2);
    const winner = a.success ? stepsA : stepsB;
    expect(stored?.steps).toEqual(winner);
    expect((await world.rt.asJob(() => elevatedCollection(EmailSequenceVersions).get(`${id}.v1`)))?.steps).toEqual(SMS_ONLY);
  });

  it('draft → active via updateEmailSequence; pause and resume answer their status', async () => {
    const created = await asRecruiter(() => service.createEmailSequence(DEMO_CARRIER_DOT, { name: 'activate', steps: SMS_ONLY }));
    if (!created.success) throw new Error(created.error);
    expect(await asRecruiter(() => service.resumeEmailSequence(created.sequenceId))).toMatchObject({ success: false, code: 'CONFLICT' });
    const activated = await asRecruiter(() => service.updateEmailSequence(created.sequenceId, { status: 'active' }));
    expect(activated).toMatchObject({ success: true, sequence: { status: 'active' } });
    expect((await sequence(created.sequenceId))?.activated_at).toBeInstanceOf(Date);
    expect(await asRecruiter(() => service.pauseEmailSequence(created.sequenceId))).toEqual({ success: true, status: 'paused' });
    expect(await asRecruiter(() => service.pauseEmailSequence(created.sequenceId))).toEqual({ success: true, status: 'paused' });
  });

  it('getSequenceAnalytics returns totals and a per-step funnel', async () => {
    const id = await create('analytics');
    await asRecruiter(() => service.enrollDriversInSequence(id, driverIds.slice(24, 28)));
    const answer = await asRecruiter(() => service.getSequenceAnalytics(id));
    if (!answer.success) throw new Error(answer.error);
    expect(answer.analytics).toMatchObject({ enrolled: 4, active: 4, completed: 0, conversions: 0, conversionRate: 0 });
    expect(answer.analytics.steps.map((s) => [s.stepNumber, s.stepType, s.waiting, s.reached])).toEqual([[1, 'sms', 4, 0], [2, 'wait', 0, 0], [3, 'email', 0, 0]]);
  });

  it('getSequenceEnrollments pages the enrollments with driver names and a total', async () => {
    const id = await create('enrollment list');
    await asRecruiter(() => service.enrollDriversInSequence(id, driverIds.slice(30, 35)));
    const page = await asRecruiter(() => service.getSequenceEnrollments(id, { limit: 3, offset: 0 }));
    if (!page.success) throw new Error(page.error);
    expect(page.total).toBe(5);
    expect(page.enrollments).toHaveLength(3);
    expect(page.enrollments[0]).toMatchObject({ enrollment: { sequence_id: id, status: 'active' }, driverName: expect.stringMatching(/\S+ \S+/) });
    const exited = await asRecruiter(() => service.getSequenceEnrollments(id, { status: 'exited', limit: 10, offset: 0 }));
    expect(exited).toMatchObject({ success: true, enrollments: [], total: 0 });
    expect(await asRecruiter(() => service.getSequenceEnrollments(id, { limit: 1000, offset: 0 }))).toMatchObject({ success: false, code: 'INVALID_INPUT' });
  });

  it('processSequenceSteps is admin-only and reports {stepsProcessed, errors}', async () => {
    const result = await world.rt.as(world.admin, () => service.processSequenceSteps());
    if (!result.success) throw new Error(result.error);
    expect(result.ran).toBe(true);
    expect(result.stepsProcessed).toBeGreaterThan(0);
    expect(result.errors).toEqual([]);
  });
});
