/**
 * SMS Campaign Service (spec §4.1). Every method: SiteMember, one zod tuple of arguments, the
 * member checked against the campaign's carrier, one domain call.
 */
import * as z from 'zod';
import { audienceFilter, e164 } from './collections/common';
import { SMSCampaigns, SMSOptOuts, type SMSCampaign } from './collections/sms';
import { REPLY_STATES } from './collections/vocabulary';
import { twilioFromSecrets } from './adapters/smsTwilio';
import { optOutRecordFor, optOutStateOf } from './outreach/compliance';
import { renderTemplate, sampleTemplateValuesForSms } from './sms/preview';
import { createLogger, elevatedCollection, now as clockNow, Permissions } from './platform';
import { CampaignListFilters, campaignListQuery, DEFAULT_LIST_LIMIT } from './campaigns/listing';
import { pauseCampaign, resumeCampaign } from './campaigns/transitions';
import { defineWebMethod, UserFacingError } from './service';
import { requireRecruiter } from './tenancy';
import { campaignAnalytics, listReplies } from './sms/analytics';
import { applyUpdate, assertStatus, assertTemplates, campaignFields, CampaignInput, CampaignUpdate, EDITABLE_STATUSES, editableFields, estimateFor, statusTrackingFor, templatesOf } from './sms/campaigns';
import { campaignStats } from './sms/lifecycle';
import { waitForSendGates } from './sms/gate';
import { messages, patchCampaign } from './sms/records';
import { runSmsScheduler } from './sms/scheduler';
import { cancelPendingTo } from './sms/webhooks';

const log = createLogger('smsCampaignService');
const CarrierDot = z.string().regex(/^\d{1,8}$/, 'expected a USDOT number (digits only)');
const CampaignId = z.string().min(1).max(200);
const campaignsDb = () => elevatedCollection(SMSCampaigns);

/** The campaign, after checking the member belongs to its carrier. */
async function ownedCampaign(campaignId: string) {
  const campaign = await campaignsDb().get(campaignId);
  if (!campaign) throw new UserFacingError('No such campaign.', 'NOT_FOUND');
  const ctx = await requireRecruiter(campaign.carrier_dot);
  return { campaign, ctx };
}

function summary(c: SMSCampaign) {
  return {
    campaignId: c._id,
    name: c.campaign_name,
    status: c.status,
    campaignType: c.campaign_type,
    scheduleType: c.schedule_type,
    scheduledTime: c.scheduled_time ?? null,
    nextRunAt: c.next_run_at ?? null,
    audienceCount: c.audience_count,
    costEstimate: c.cost_estimate,
    actualCost: c.actual_cost ?? 0,
    stats: c.stats ?? null,
    createdAt: c._createdDate ?? null,
    startedAt: c.started_at ?? null,
    completedAt: c.completed_at ?? null,
    campaign: c,
  };
}

export const createSMSCampaign = defineWebMethod({
  name: 'createSMSCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, CampaignInput]),
  handler: async (carrierDot, data) => {
    const ctx = await requireRecruiter(carrierDot);
    assertTemplates([data.messageTemplate, ...(data.variants ?? []).map((v) => v.message_template)]);
    const fields = campaignFields(data, ctx.carrier);
    const estimate = await estimateFor(ctx.carrier, fields.audience_filter, templatesOf(fields));
    const created = await campaignsDb().insert({ ...fields, audience_count: estimate.audienceCount, cost_estimate: estimate.costEstimate });
    return { campaignId: created._id, audienceCount: estimate.audienceCount, costEstimate: estimate.costEstimate };
  },
});


export const getSMSCampaigns = defineWebMethod({
  name: 'getSMSCampaigns',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, CampaignListFilters]),
  handler: async (carrierDot, filters) => {
    await requireRecruiter(carrierDot);
    const list = await campaignsDb().find(campaignListQuery(carrierDot, filters), { limit: filters?.limit ?? DEFAULT_LIST_LIMIT });
    return { campaigns: list.map(summary) };
  },
});

export const updateSMSCampaign = defineWebMethod({
  name: 'updateSMSCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId, CampaignUpdate]),
  handler: async (campaignId, updates) => {
    const { campaign, ctx } = await ownedCampaign(campaignId);
    assertStatus(campaign, EDITABLE_STATUSES, 'be edited; pause it first');
    const next = applyUpdate(campaign, updates);
    assertTemplates(templatesOf(next));
    const estimate = await estimateFor(ctx.carrier, next.audience_filter, templatesOf(next));
    // Field-level write, only while still editable: a concurrent pause/sender write is kept, a campaign sent meanwhile is not edited.
    const saved = await patchCampaign(campaignId, { ...editableFields(next), audience_count: estimate.audienceCount, cost_estimate: estimate.costEstimate }, (f) => f.hasSome('status', [...EDITABLE_STATUSES]).isEmpty('archived_at'));
    if (!saved) throw new UserFacingError('This campaign changed state while you were editing; reload it and try again.', 'CONFLICT');
    return { campaign: summary(saved) };
  },
});

export const deleteSMSCampaign = defineWebMethod({
  name: 'deleteSMSCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId]),
  handler: async (campaignId) => {
    const { campaign } = await ownedCampaign(campaignId);
    const anyMessage = await messages().count((q) => q.eq('campaign_id', campaignId));
    if (anyMessage === 0 && campaign.status !== 'active') {
      await campaignsDb().remove(campaignId);
      return { archived: false };
    }
    const at = clockNow();
    // Archiving stops sending (status paused unless it already finished); only these fields are written.
    const stopped = campaign.status === 'active' || campaign.status === 'scheduled' || campaign.status === 'paused';
    await patchCampaign(campaignId, { archived_at: at, next_run_at: null, ...(stopped ? { status: 'paused' as const, paused_at: campaign.paused_at ?? at } : {}) });
    if (campaign.status === 'active') await waitForSendGates();
    return { archived: true };
  },
});

async function kickSender(campaignId: string): Promise<void> {
  try {
    const { provider, config } = await twilioFromSecrets();
    await runSmsScheduler({ provider, publicBaseUrl: config.publicBaseUrl, holder: `web:${campaignId}:${clockNow().getTime()}`, budgetMs: 8_000, onlyCampaignId: campaignId, reconcile: false });
  } catch (error) {
    // The 5-minute job picks the campaign up; the recruiter's send already succeeded.
    log.warn('inline send kick failed; the scheduler will send', { campaignId, error });
  }
}

export const sendSMSCampaign = defineWebMethod({
  name: 'sendSMSCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId]),
  handler: async (campaignId) => {
    const { campaign, ctx } = await ownedCampaign(campaignId);
    assertStatus(campaign, ['draft', 'scheduled'], 'be sent now');
    assertTemplates(templatesOf(campaign));
    const estimate = await estimateFor(ctx.carrier, campaign.audience_filter, templatesOf(campaign));
    if (estimate.audienceCount === 0) throw new UserFacingError('No driver in this audience can be reached by SMS.', 'INVALID_INPUT');
    const at = clockNow();
    const started = await patchCampaign(
      campaignId,
      {
        status: 'active',
        started_at: at,
        next_run_at: at,
        run_number: campaign.run_number ?? 0,
        audience_done: false,
        audience_count: estimate.audienceCount,
        cost_estimate: estimate.costEstimate,
        status_tracking: statusTrackingFor(estimate.audienceCount, campaign.rate_limit),
      },
      (f) => f.hasSome('status', ['draft', 'scheduled']).isEmpty('archived_at'),
    );
    if (!started) throw new UserFacingError('This campaign changed state meanwhile; reload it and try again.', 'CONFLICT');
    await kickSender(campaignId);
    return { messagesQueued: estimate.audienceCount, estimatedCost: estimate.costEstimate };
  },
});

export const scheduleSMSCampaign = defineWebMethod({
  name: 'scheduleSMSCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId, z.coerce.date()]),
  handler: async (campaignId, scheduledTime) => {
    const { campaign, ctx } = await ownedCampaign(campaignId);
    assertStatus(campaign, ['draft', 'scheduled'], 'be scheduled');
    if (scheduledTime.getTime() <= clockNow().getTime()) throw new UserFacingError('Choose a time in the future.', 'INVALID_INPUT');
    assertTemplates(templatesOf(campaign));
    const estimate = await estimateFor(ctx.carrier, campaign.audience_filter, templatesOf(campaign));
    const scheduled = await patchCampaign(
      campaignId,
      {
        status: 'scheduled',
        scheduled_time: scheduledTime,
        schedule_type: campaign.schedule_type === 'recurring' ? 'recurring' : 'scheduled',
        next_run_at: scheduledTime,
        audience_count: estimate.audienceCount,
        cost_estimate: estimate.costEstimate,
        status_tracking: statusTrackingFor(estimate.audienceCount, campaign.rate_limit),
      },
      (f) => f.hasSome('status', ['draft', 'scheduled']).isEmpty('archived_at'),
    );
    if (!scheduled) throw new UserFacingError('This campaign changed state meanwhile; reload it and try again.', 'CONFLICT');
    return { scheduledFor: scheduledTime };
  },
});

export const pauseSMSCampaign = defineWebMethod({
  name: 'pauseSMSCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId]),
  handler: async (campaignId) => {
    const { campaign } = await ownedCampaign(campaignId);
    assertStatus(campaign, ['active', 'scheduled', 'paused'], 'be paused');
    // Nothing is sent once this returns (campaigns/transitions.ts, sms/gate.ts).
    await pauseCampaign(campaign, patchCampaign);
    const stats = await campaignStats(campaignId);
    return { messagesSent: stats.sent, messagesPending: Math.max(0, campaign.audience_count - stats.sent - stats.failed - stats.blocked - stats.canceled) };
  },
});

export const resumeSMSCampaign = defineWebMethod({
  name: 'resumeSMSCampaign',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId]),
  handler: async (campaignId) => {
    const { campaign } = await ownedCampaign(campaignId);
    assertStatus(campaign, ['paused'], 'be resumed');
    await resumeCampaign(campaign, patchCampaign);
    return {};
  },
});

export const getSMSCampaignAnalytics = defineWebMethod({
  name: 'getSMSCampaignAnalytics',
  permission: Permissions.SiteMember,
  args: z.tuple([CampaignId]),
  handler: async (campaignId) => {
    const { campaign } = await ownedCampaign(campaignId);
    return { analytics: await campaignAnalytics(campaign) };
  },
});

export const checkOptOutStatus = defineWebMethod({
  name: 'checkOptOutStatus',
  permission: Permissions.SiteMember,
  args: z.tuple([e164, CarrierDot]),
  handler: async (phoneNumber, carrierDot) => {
    await requireRecruiter(carrierDot);
    const records = await elevatedCollection(SMSOptOuts).find((q) => q.eq('phone_number', phoneNumber).hasSome('carrier_dot', [carrierDot, 'all']));
    const state = optOutStateOf(records, phoneNumber, carrierDot);
    const active = records.filter((r) => !r.resubscribed).sort((a, b) => a.opted_out_at.getTime() - b.opted_out_at.getTime())[0];
    return { optedOut: state.optedOut, optedOutAt: state.optedOut ? (active?.opted_out_at ?? null) : null };
  },
});

export const optOutDriver = defineWebMethod({
  name: 'optOutDriver',
  permission: Permissions.SiteMember,
  args: z.tuple([e164, CarrierDot]),
  handler: async (phoneNumber, carrierDot) => {
    await requireRecruiter(carrierDot);
    const optOuts = elevatedCollection(SMSOptOuts);
    const at = clockNow();
    const [existing] = await optOuts.find((q) => q.eq('phone_number', phoneNumber).eq('carrier_dot', carrierDot), { limit: 1 });
    await optOuts.save(optOutRecordFor({ phone: phoneNumber, carrierDot, driverId: existing?.driver_id ?? null, now: at, source: 'manual', message: 'Opted out by a recruiter', ...(existing ? { existing } : {}) }));
    await cancelPendingTo(phoneNumber, carrierDot, at);
    return {};
  },
});

export const estimateSMSAudience = defineWebMethod({
  name: 'estimateSMSAudience',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, audienceFilter, z.string().max(1600)]),
  handler: async (carrierDot, filter, messageTemplate) => {
    const ctx = await requireRecruiter(carrierDot);
    const estimate = await estimateFor(ctx.carrier, filter, [messageTemplate || ' ']);
    return { audienceCount: estimate.audienceCount, segments: estimate.segments, costEstimate: estimate.costEstimate, pricePerSegment: ctx.carrier.sms_price_per_segment };
  },
});

const ReplyFiltersSchema = z.object({ state: z.enum(REPLY_STATES).optional(), campaignId: CampaignId.optional(), limit: z.number().int().min(1).max(200).optional(), skip: z.number().int().min(0).optional() }).optional();

export const getSMSReplies = defineWebMethod({
  name: 'getSMSReplies',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, ReplyFiltersSchema]),
  handler: async (carrierDot, filters) => {
    await requireRecruiter(carrierDot);
    return listReplies(carrierDot, filters ?? {});
  },
});

async function ownedMessage(messageId: string) {
  const message = await messages().get(messageId);
  if (!message) throw new UserFacingError('No such message.', 'NOT_FOUND');
  const ctx = await requireRecruiter(message.carrier_dot);
  return { message, ctx };
}

export const replyToDriver = defineWebMethod({
  name: 'replyToDriver',
  permission: Permissions.SiteMember,
  args: z.tuple([z.string().min(1), z.string().trim().min(1).max(1600)]),
  handler: async (messageId, body) => {
    const { message, ctx } = await ownedMessage(messageId);
    const records = await elevatedCollection(SMSOptOuts).find((q) => q.eq('phone_number', message.phone_number).hasSome('carrier_dot', [ctx.carrierDot, 'all']));
    if (optOutStateOf(records, message.phone_number, ctx.carrierDot).optedOut) throw new UserFacingError('This driver opted out of SMS; no reply can be sent.', 'CONFLICT');
    const { provider } = await twilioFromSecrets();
    const sent = await provider.reply({ to: message.phone_number, body });
    await messages().update({ ...message, reply_state: 'handled' });
    return { sid: sent.sid };
  },
});

export const setReplyState = defineWebMethod({
  name: 'setReplyState',
  permission: Permissions.SiteMember,
  args: z.tuple([z.string().min(1), z.enum(['handled', 'needs_follow_up'])]),
  handler: async (messageId, state) => {
    const { message } = await ownedMessage(messageId);
    if (!message.reply_received) throw new UserFacingError('This message has no reply.', 'CONFLICT');
    await messages().update({ ...message, reply_state: state });
    return {};
  },
});

export const sendTestSMS = defineWebMethod({
  name: 'sendTestSMS',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot, z.string().min(1).max(1600)]),
  handler: async (carrierDot, body) => {
    const ctx = await requireRecruiter(carrierDot);
    if (!ctx.recruiter) throw new UserFacingError('Only a recruiter with a profile phone can receive a test message.', 'CONFLICT');
    assertTemplates([body]);
    const rendered = renderTemplate({ template: body, channel: 'sms', values: sampleTemplateValuesForSms(ctx.carrier, ctx.recruiter) });
    if (!rendered.ok) throw new UserFacingError(rendered.reason, 'INVALID_INPUT');
    const { provider } = await twilioFromSecrets();
    const sent = await provider.reply({ to: ctx.recruiter.phone, body: `[TEST] ${rendered.text}` });
    return { sid: sent.sid, body: rendered.text };
  },
});
