/**
 * Drip-sequence web methods (spec §4.2, re-exported by emailCampaignService.web.ts). Every method:
 * SiteMember (processSequenceSteps: Admin), one zod tuple of arguments, the member checked against
 * the sequence's carrier, one domain call; `{ success: false, error, code }` otherwise.
 */
import * as z from 'zod';
import { audienceFilter } from '../collections/common';
import type { EmailSequence } from '../collections/email';
import { ENROLLMENT_STATUSES, SEQUENCE_STATUSES } from '../collections/vocabulary';
import { driverSourceAdapter } from '../adapters/driverSource';
import { AudienceFilterError, streamAudience } from '../outreach/audience';
import { getCurrentMember, now as clockNow, nowMs, Permissions, type WixDataQuery } from '../platform';
import { defineWebMethod, UserFacingError } from '../service';
import { AccessDeniedError, NotSignedInError, requireRecruiter } from '../tenancy';
import { sequenceAnalytics } from './analytics';
import { sequenceChannelsFromSecrets } from './channels';
import { syncSequenceCounters } from './counters';
import { applyUpdate, changesVersion, SequenceInput, SequenceUpdate, sequenceFields } from './definition';
import { enrollDrivers, MAX_ENROLL_PER_CALL } from './enroll';
import { runSequenceSteps } from './job';
import { driversByIds, enrollments, sequences } from './records';
import { removeEnrollment } from './removal';
import { SEQUENCE_TEMPLATES } from './templates';
import { firstMessageChannel, forgetTriggerCache } from './triggers';
import { freezeCurrentVersion, versionOf } from './versions';

const CarrierDot = z.string().regex(/^\d{1,8}$/, 'expected a USDOT number (digits only)');
const Id = z.string().min(1).max(200);

async function ownedSequence(sequenceId: string) {
  const sequence = await sequences().get(sequenceId);
  if (!sequence) throw new UserFacingError('No such sequence.', 'NOT_FOUND');
  const ctx = await requireRecruiter(sequence.carrier_dot);
  return { sequence, ctx };
}

function summary(s: EmailSequence) {
  return {
    sequenceId: s._id,
    name: s.sequence_name,
    description: s.description ?? null,
    status: s.status,
    triggerType: s.trigger_type,
    version: versionOf(s),
    stepCount: s.steps.length,
    enrolled: s.enrollment_count,
    active: s.active_count,
    completed: s.completed_count,
    conversions: s.conversion_count,
    conversionRate: s.enrollment_count === 0 ? 0 : Math.round((s.conversion_count / s.enrollment_count) * 10_000) / 10_000,
    createdAt: s._createdDate ?? null,
    updatedAt: s._updatedDate ?? null,
    sequence: s,
  };
}

function assertActive(sequence: EmailSequence): void {
  if (sequence.status !== 'active') throw new UserFacingError(`This sequence is ${sequence.status}; activate or resume it before enrolling drivers.`, 'CONFLICT');
}

export const createEmailSequence = defineWebMethod({
  name: 'createEmailSequence',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, SequenceInput]),
  handler: async (carrierDot, data) => {
    const ctx = await requireRecruiter(carrierDot);
    const created = await sequences().insert(sequenceFields(data, carrierDot, ctx.memberId, clockNow()));
    forgetTriggerCache(carrierDot);
    return { sequenceId: created._id };
  },
});

export const getEmailSequences = defineWebMethod({
  name: 'getEmailSequences',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, z.object({ status: z.enum(SEQUENCE_STATUSES).optional(), limit: z.number().int().min(1).max(200).optional() }).optional()]),
  handler: async (carrierDot, filters) => {
    await requireRecruiter(carrierDot);
    const list = await sequences().find((q) => (filters?.status ? q.eq('carrier_dot', carrierDot).eq('status', filters.status) : q.eq('carrier_dot', carrierDot)).descending('_createdDate'), { limit: filters?.limit ?? 100 });
    return { sequences: list.map(summary) };
  },
});

export const getSequenceTemplates = defineWebMethod({
  name: 'getSequenceTemplates',
  permission: Permissions.SiteMember,
  args: z.tuple([]),
  handler: async () => {
    if (!(await getCurrentMember())) throw new NotSignedInError();
    return { templates: SEQUENCE_TEMPLATES.map((t) => ({ ...t, steps: [...t.steps], exitConditions: [...t.exitConditions] })) };
  },
});

export const updateEmailSequence = defineWebMethod({
  name: 'updateEmailSequence',
  permission: Permissions.SiteMember,
  args: z.tuple([Id, SequenceUpdate]),
  handler: async (sequenceId, updates) => {
    const { sequence } = await ownedSequence(sequenceId);
    if (updates.status === 'draft' && sequence.status !== 'draft') throw new UserFacingError('A sequence that ran cannot go back to draft; pause it instead.', 'CONFLICT');
    const next = applyUpdate(sequence, updates);
    const at = clockNow();
    const version = versionOf(sequence);
    const bump = changesVersion(updates);
    // Enrollments keep their version: freeze the one being replaced before the sequence moves on.
    if (bump) await freezeCurrentVersion(sequence, at);
    const activating = updates.status === 'active' && sequence.status === 'draft';
    const db = sequences();
    const saved = await db.patch(
      sequenceId,
      {
        sequence_name: next.sequence_name,
        description: next.description ?? '',
        trigger_type: next.trigger_type,
        trigger_conditions: next.trigger_conditions,
        steps: next.steps,
        exit_conditions: next.exit_conditions,
        send_window: next.send_window ?? null,
        job_posting_id: next.job_posting_id ?? null,
        completion_tag: next.completion_tag ?? null,
        ...(next.inactive_after_days !== undefined ? { inactive_after_days: next.inactive_after_days } : {}),
        version: bump ? version + 1 : version,
        ...(activating ? { status: 'active' as const, activated_at: at } : {}),
      },
      // Only if nobody saved another version (or changed its status) since it was read.
      { condition: db.filter().eq('status', sequence.status).eq('version', sequence.version ?? null) },
    );
    if (!saved) throw new UserFacingError('This sequence changed while you were editing it; reload it and try again.', 'CONFLICT');
    forgetTriggerCache(sequence.carrier_dot);
    return { sequence: summary(saved) };
  },
});

export const pauseEmailSequence = defineWebMethod({
  name: 'pauseEmailSequence',
  permission: Permissions.SiteMember,
  args: z.tuple([Id]),
  handler: async (sequenceId) => {
    const { sequence } = await ownedSequence(sequenceId);
    if (sequence.status === 'paused') return { status: 'paused' as const };
    const db = sequences();
    const paused = await db.patch(sequenceId, { status: 'paused', paused_at: clockNow() }, { condition: db.filter().eq('status', 'active') });
    if (!paused) throw new UserFacingError('Only an active sequence can be paused.', 'CONFLICT');
    forgetTriggerCache(sequence.carrier_dot);
    return { status: 'paused' as const };
  },
});

export const resumeEmailSequence = defineWebMethod({
  name: 'resumeEmailSequence',
  permission: Permissions.SiteMember,
  args: z.tuple([Id]),
  handler: async (sequenceId) => {
    const { sequence } = await ownedSequence(sequenceId);
    if (sequence.status === 'active') return { status: 'active' as const };
    const db = sequences();
    const resumed = await db.patch(sequenceId, { status: 'active', paused_at: null }, { condition: db.filter().eq('status', 'paused') });
    if (!resumed) throw new UserFacingError('Only a paused sequence can be resumed.', 'CONFLICT');
    forgetTriggerCache(sequence.carrier_dot);
    return { status: 'active' as const };
  },
});

export const enrollInSequence = defineWebMethod({
  name: 'enrollInSequence',
  permission: Permissions.SiteMember,
  args: z.tuple([Id, Id]),
  handler: async (sequenceId, driverId) => {
    const { sequence, ctx } = await ownedSequence(sequenceId);
    assertActive(sequence);
    const result = await enrollDrivers({ sequence, driverIds: [driverId], via: 'manual', by: ctx.memberId, now: clockNow() });
    const [enrollmentId] = result.enrolled;
    if (enrollmentId) return { enrollmentId, alreadyEnrolled: false };
    const reason = result.skipped[0]?.reason ?? 'driver_not_found';
    switch (reason) {
      case 'already_enrolled':
      case 'duplicate_in_request':
        return { enrollmentId: `${sequenceId}.${driverId}`, alreadyEnrolled: true };
      case 'driver_not_found':
        throw new UserFacingError('No such driver for this carrier.', 'NOT_FOUND');
      case 'duplicate_contact':
        throw new UserFacingError('Another profile with this phone or email is already in this sequence.', 'CONFLICT');
      case 'hired':
      case 'inactive':
      case 'unsubscribed':
      case 'opted_out':
        throw new UserFacingError(`This driver can't be enrolled: the sequence's "${reason}" exit already applies.`, 'CONFLICT');
    }
  },
});

const EnrollTarget = z.union([
  z.object({ driverIds: z.array(Id).min(1).max(MAX_ENROLL_PER_CALL) }).strict(),
  z.object({ audienceFilter, cursor: z.string().min(1).max(200).nullable().optional() }).strict(),
]);

export const enrollDriversInSequence = defineWebMethod({
  name: 'enrollDriversInSequence',
  permission: Permissions.SiteMember,
  args: z.tuple([Id, z.union([z.array(Id).min(1).max(MAX_ENROLL_PER_CALL), EnrollTarget])]),
  handler: async (sequenceId, target) => {
    const { sequence, ctx } = await ownedSequence(sequenceId);
    assertActive(sequence);
    const now = clockNow();
    let driverIds: readonly string[];
    let nextCursor: string | null = null;
    if (Array.isArray(target)) driverIds = target;
    else if ('driverIds' in target) driverIds = target.driverIds;
    else {
      // One page of the audience per call (≤ 1000 drivers the first message step can reach); `nextCursor` continues it.
      try {
        const pages = streamAudience(driverSourceAdapter(), { carrierDot: sequence.carrier_dot, filter: target.audienceFilter, now, channel: firstMessageChannel(sequence.steps), pageSize: MAX_ENROLL_PER_CALL, fields: [], ...(target.cursor ? { after: target.cursor } : {}) });
        const first = await pages.next();
        const page = first.done ? null : first.value;
        driverIds = page ? page.drivers.map((d) => d._id) : [];
        nextCursor = page && page.drivers.length === MAX_ENROLL_PER_CALL ? page.cursor : null;
      } catch (error) {
        if (error instanceof AudienceFilterError) throw new UserFacingError(`${error.field}: ${error.message}`, 'INVALID_INPUT');
        throw error;
      }
    }
    const result = await enrollDrivers({ sequence, driverIds, via: 'manual', by: ctx.memberId, now });
    return { enrolled: result.enrolled.length, enrollmentIds: result.enrolled, skipped: result.skipped, nextCursor };
  },
});

export const removeFromSequence = defineWebMethod({
  name: 'removeFromSequence',
  permission: Permissions.SiteMember,
  args: z.tuple([Id, z.string().trim().max(200).optional()]),
  handler: async (enrollmentId, reason) => {
    const enrollment = await enrollments().get(enrollmentId);
    if (!enrollment) throw new UserFacingError('No such enrollment.', 'NOT_FOUND');
    const ctx = await requireRecruiter(enrollment.carrier_dot);
    const removed = await removeEnrollment({ enrollment, reason: reason ?? '', by: ctx.memberId, at: clockNow() });
    if (!removed) throw new UserFacingError(`This enrollment already ended (${enrollment.status}).`, 'CONFLICT');
    await syncSequenceCounters([enrollment.sequence_id]);
    return {};
  },
});

const EnrollmentsQuery = z.object({ status: z.enum(ENROLLMENT_STATUSES).optional(), limit: z.number().int().min(1).max(100), offset: z.number().int().min(0).max(100_000) });

/** A page of the sequence's enrollments (newest first) with the drivers' names: three reads. */
export const getSequenceEnrollments = defineWebMethod({
  name: 'getSequenceEnrollments',
  permission: Permissions.SiteMember,
  args: z.tuple([Id, EnrollmentsQuery]),
  handler: async (sequenceId, query) => {
    await ownedSequence(sequenceId);
    const build = (q: WixDataQuery): WixDataQuery => (query.status ? q.eq('sequence_id', sequenceId).eq('status', query.status) : q.eq('sequence_id', sequenceId));
    const [page, total] = await Promise.all([enrollments().find((q) => build(q).descending('enrolled_at'), { limit: query.limit, skip: query.offset }), enrollments().count(build)]);
    const names = new Map((await driversByIds(page.map((e) => e.driver_id))).map((d) => [d._id, `${d.first_name} ${d.last_name}`]));
    return { enrollments: page.map((e) => ({ enrollment: e, driverName: names.get(e.driver_id) ?? null })), total };
  },
});

export const getSequenceAnalytics = defineWebMethod({
  name: 'getSequenceAnalytics',
  permission: Permissions.SiteMember,
  args: z.tuple([Id]),
  handler: async (sequenceId) => {
    const { sequence } = await ownedSequence(sequenceId);
    return { analytics: await sequenceAnalytics(sequence) };
  },
});

/** Spec §4.2: the scheduler's step run, callable by a site admin (the job runs it every 15 minutes). */
export const processSequenceSteps = defineWebMethod({
  name: 'processSequenceSteps',
  permission: Permissions.Admin,
  args: z.tuple([]),
  handler: async () => {
    const member = await getCurrentMember();
    if (!member) throw new NotSignedInError();
    if (!member.isAdmin) throw new AccessDeniedError('Only a site admin can run the sequence scheduler.');
    const channels = await sequenceChannelsFromSecrets();
    // Inside the 14 s web-method limit; the job takes over where it stops.
    const report = await runSequenceSteps({ channels, holder: `web:${nowMs().toString(36)}`, budgetMs: 8_000 });
    return { ran: report.ran, outcome: report.outcome, stepsProcessed: report.stepsProcessed, errors: report.errors };
  },
});
