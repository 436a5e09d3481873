/**
 * Email Campaign Service (spec §4.2). Every method: SiteMember, one zod tuple of arguments, the
 * member checked against the carrier it acts on (`requireRecruiter`, or the campaign's carrier for
 * campaign ids), one domain call. Sending, unsubscribes and analytics: src/backend/email/.
 */
import * as z from 'zod';
import { audienceFilter, emailAddress } from './collections/common';
import type { EmailCampaign } from './collections/email';
import { EMAIL_MESSAGE_STATUSES } from './collections/vocabulary';
import { sendGridFromSecrets } from './adapters/emailSendGrid';
import { emailCampaignAnalytics, listStats } from './email/analytics';
import { campaignRecipients, engagementTimeline } from './email/recipients';
import { applyUpdate, assertContent, assertEditable, assertStatus, campaignFields, EDITABLE_STATUSES, editableFields, EmailCampaignInput, EmailCampaignUpdate, estimateEmailFor } from './email/campaigns';
import { statsOf, emailStatusCounts } from './email/lifecycle';
import { emailCampaigns, emailMessages, findJob, patchEmailCampaign } from './email/records';
import { runEmailScheduler } from './email/scheduler';
import { suppressEmailAddresses } from './email/suppress';
import { sendTestEmailTo, TestEmailInput } from './email/testEmail';
import { createLogger, now as clockNow, Permissions } from './platform';
import { CampaignListFilters, campaignListQuery, DEFAULT_LIST_LIMIT } from './campaigns/listing';
import { pauseCampaign, resumeCampaign } from './campaigns/transitions';
import { defineWebMethod, UserFacingError } from './service';
import { waitForSendGates } from './sms/gate';
import { requireRecruiter } from './tenancy';

const log = createLogger('emailCampaignService');
const CarrierDot = z.string().regex(/^\d{1,8}$/, 'expected a USDOT number (digits only)');
const CampaignId = z.string().min(1).max(200);

/** The campaign, after checking the member belongs to its carrier. */
async function ownedCampaign(campaignId: string) {
  const campaign = await emailCampaigns().get(campaignId);
  if (!campaign) throw new UserFacingError('No such campaign.', 'NOT_FOUND');
  const ctx = await requireRecruiter(campaign.carrier_dot);
  return { campaign, ctx };
}

function summary(c: EmailCampaign, stats: { sent: number; opened: number; clicked: number } | null = null) {
  return {
    campaignId: c._id,
    name: c.campaign_name,
    status: c.status,
    campaignType: c.campaign_type,
    scheduleType: c.schedule_type,
    scheduledTime: c.scheduled_time ?? null,
    nextRunAt: c.next_run_at ?? null,
    subjectLine: c.subject_line,
    audienceCount: c.audience_count,
    costEstimate: c.cost_estimate ?? 0,
    stats: stats ?? { sent: c.stats?.sent ?? 0, opened: 0, clicked: 0 },
    createdAt: c._createdDate ?? null,
    startedAt: c.started_at ?? null,
    completedAt: c.completed_at ?? null,
    archivedAt: c.archived_at ?? null,
    campaign: c,
  };
}

async function assertJob(carrierDot: string, jobId: string | null | undefined): Promise<void> {
  if (jobId && !(await findJob(carrierDot, jobId))) throw new UserFacingError('No such job posting for this carrier.', 'INVALID_INPUT');
}

export const createEmailCampaign = defineWebMethod({
  name: 'createEmailCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, EmailCampaignInput]),
  handler: async (carrierDot, data) => {
    const ctx = await requireRecruiter(carrierDot);
    const fields = campaignFields(data, ctx.carrier, ctx.memberId);
    assertContent(fields, ctx.carrier);
    await assertJob(carrierDot, fields.job_posting_id);
    const estimate = await estimateEmailFor(ctx.carrier, fields.audience_filter);
    const created = await emailCampaigns().insert({ ...fields, audience_count: estimate.audienceCount, cost_estimate: estimate.costEstimate });
    return { campaignId: created._id, audienceCount: estimate.audienceCount };
  },
});


export const getEmailCampaigns = defineWebMethod({
  name: 'getEmailCampaigns',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, CampaignListFilters]),
  handler: async (carrierDot, filters) => {
    await requireRecruiter(carrierDot);
    const list = await emailCampaigns().find(campaignListQuery(carrierDot, filters), { limit: filters?.limit ?? DEFAULT_LIST_LIMIT });
    const stats = await listStats(list.map((c) => c._id));
    return { campaigns: list.map((c) => summary(c, stats.get(c._id) ?? { sent: 0, opened: 0, clicked: 0 })) };
  },
});

export const updateEmailCampaign = defineWebMethod({
  name: 'updateEmailCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId, EmailCampaignUpdate]),
  handler: async (campaignId, updates) => {
    const { campaign, ctx } = await ownedCampaign(campaignId);
    assertEditable(campaign);
    const next = applyUpdate(campaign, updates);
    assertContent(next, ctx.carrier);
    await assertJob(campaign.carrier_dot, next.job_posting_id);
    const estimate = await estimateEmailFor(ctx.carrier, next.audience_filter);
    // Field-level write, only while still editable and unsent: a campaign sent meanwhile is not edited.
    const saved = await patchEmailCampaign(campaignId, { ...editableFields(next), audience_count: estimate.audienceCount, cost_estimate: estimate.costEstimate }, (f) =>
      f.hasSome('status', [...EDITABLE_STATUSES]).isEmpty('archived_at').isEmpty('started_at'),
    );
    if (!saved) throw new UserFacingError('This campaign changed state while you were editing; reload it and try again.', 'CONFLICT');
    return { campaign: summary(saved) };
  },
});

async function kickSender(campaignId: string): Promise<void> {
  try {
    const { provider, config } = await sendGridFromSecrets();
    await runEmailScheduler({ provider, publicBaseUrl: config.publicBaseUrl, unsubscribeSecret: config.unsubscribeSecret, holder: `web:${campaignId}:${clockNow().getTime()}`, budgetMs: 8_000, onlyCampaignId: campaignId });
  } catch (error) {
    // The 5-minute job picks the campaign up; the recruiter's send already succeeded.
    log.warn('inline send kick failed; the scheduler will send', { campaignId, error });
  }
}

export const sendEmailCampaign = defineWebMethod({
  name: 'sendEmailCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId]),
  handler: async (campaignId) => {
    const { campaign, ctx } = await ownedCampaign(campaignId);
    assertStatus(campaign, ['draft', 'scheduled'], 'be sent');
    assertContent(campaign, ctx.carrier);
    const estimate = await estimateEmailFor(ctx.carrier, campaign.audience_filter);
    if (estimate.audienceCount === 0) throw new UserFacingError('No driver in this audience can be reached by email.', 'INVALID_INPUT');
    const at = clockNow();
    // A scheduled campaign waits for its time (the job starts it); otherwise it starts now.
    const later = campaign.schedule_type === 'scheduled' && campaign.scheduled_time && campaign.scheduled_time.getTime() > at.getTime() ? campaign.scheduled_time : null;
    const started = await patchEmailCampaign(
      campaignId,
      {
        status: later ? 'scheduled' : 'active',
        ...(later ? {} : { started_at: at }),
        next_run_at: later ?? at,
        run_number: campaign.run_number ?? 0,
        audience_done: false,
        audience_count: estimate.audienceCount,
        cost_estimate: estimate.costEstimate,
      },
      (f) => f.hasSome('status', ['draft', 'scheduled']).isEmpty('archived_at'),
    );
    if (!started) throw new UserFacingError('This campaign changed state meanwhile; reload it and try again.', 'CONFLICT');
    if (!later) await kickSender(campaignId);
    return { emailsQueued: estimate.audienceCount };
  },
});

export const pauseEmailCampaign = defineWebMethod({
  name: 'pauseEmailCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId]),
  handler: async (campaignId) => {
    const { campaign } = await ownedCampaign(campaignId);
    assertStatus(campaign, ['active', 'scheduled', 'paused'], 'be paused');
    // Nothing is sent once this returns (campaigns/transitions.ts, sms/gate.ts).
    await pauseCampaign(campaign, patchEmailCampaign);
    const stats = statsOf(await emailStatusCounts(campaignId));
    return { emailsSent: stats.sent, emailsPending: Math.max(0, campaign.audience_count - stats.sent - stats.failed - stats.blocked - stats.canceled) };
  },
});

export const resumeEmailCampaign = defineWebMethod({
  name: 'resumeEmailCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId]),
  handler: async (campaignId) => {
    const { campaign } = await ownedCampaign(campaignId);
    assertStatus(campaign, ['paused'], 'be resumed');
    await resumeCampaign(campaign, patchEmailCampaign);
    return {};
  },
});

export const deleteEmailCampaign = defineWebMethod({
  name: 'deleteEmailCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId]),
  handler: async (campaignId) => {
    const { campaign } = await ownedCampaign(campaignId);
    const anyEmail = await emailMessages().count((q) => q.eq('campaign_id', campaignId));
    if (anyEmail === 0 && campaign.status !== 'active') {
      await emailCampaigns().remove(campaignId);
      return { archived: false };
    }
    const at = clockNow();
    // Archiving stops sending (paused unless it already finished); kept for analytics and audit.
    const stopped = campaign.status === 'active' || campaign.status === 'scheduled' || campaign.status === 'paused';
    await patchEmailCampaign(campaignId, { archived_at: at, next_run_at: null, ...(stopped ? { status: 'paused' as const, paused_at: campaign.paused_at ?? at } : {}) });
    if (campaign.status === 'active') await waitForSendGates();
    return { archived: true };
  },
});

export const getEmailCampaignAnalytics = defineWebMethod({
  name: 'getEmailCampaignAnalytics',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId]),
  handler: async (campaignId) => {
    const { campaign } = await ownedCampaign(campaignId);
    const [analytics, timeline] = await Promise.all([emailCampaignAnalytics(campaign), engagementTimeline(campaign._id)]);
    return { analytics, timeline };
  },
});

const RecipientsQuery = z.object({ status: z.enum(EMAIL_MESSAGE_STATUSES).optional(), limit: z.number().int().min(1).max(100), offset: z.number().int().min(0).max(100_000) });

/** One page of the campaign's recipients with their status and engagement (addresses masked). */
export const getEmailCampaignRecipients = defineWebMethod({
  name: 'getEmailCampaignRecipients',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId, RecipientsQuery]),
  handler: async (campaignId, query) => {
    const { campaign } = await ownedCampaign(campaignId);
    return campaignRecipients(campaign._id, query);
  },
});

export const estimateEmailAudience = defineWebMethod({
  name: 'estimateEmailAudience',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, audienceFilter]),
  handler: async (carrierDot, filter) => {
    const ctx = await requireRecruiter(carrierDot);
    return estimateEmailFor(ctx.carrier, filter);
  },
});

export const sendTestEmail = defineWebMethod({
  name: 'sendTestEmail',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, TestEmailInput]),
  handler: async (carrierDot, input) => {
    const ctx = await requireRecruiter(carrierDot);
    if (!ctx.recruiter) throw new UserFacingError('Only a recruiter with a profile email can receive a test email.', 'CONFLICT');
    let campaign: EmailCampaign | null = null;
    if ('campaignId' in input) {
      campaign = (await ownedCampaign(input.campaignId)).campaign;
      if (campaign.carrier_dot !== carrierDot) throw new UserFacingError('That campaign belongs to another carrier.', 'INVALID_INPUT');
    }
    return sendTestEmailTo({ ctx: { carrier: ctx.carrier, recruiter: ctx.recruiter, memberId: ctx.memberId }, input, campaign });
  },
});

export const suppressEmailAddress = defineWebMethod({
  name: 'suppressEmailAddress',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, emailAddress]),
  handler: async (carrierDot, address) => {
    const ctx = await requireRecruiter(carrierDot);
    const report = await suppressEmailAddresses([{ carrierDot, emailAddress: address, reason: 'manual', source: 'recruiter', at: clockNow(), evidence: `member:${ctx.memberId}` }]);
    return { suppressed: report.suppressed + report.alreadySuppressed > 0, emailsCanceled: report.emailsCanceled };
  },
});

// ── Sequence web methods (src/backend/sequences/service.ts): re-exported below this line. ──
export {
  createEmailSequence,
  getEmailSequences,
  updateEmailSequence,
  enrollInSequence,
  enrollDriversInSequence,
  removeFromSequence,
  pauseEmailSequence,
  resumeEmailSequence,
  getSequenceAnalytics,
  getSequenceEnrollments,
  getSequenceTemplates,
  processSequenceSteps,
} from './sequences/service';
