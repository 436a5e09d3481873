/**
 * Campaign rules the web methods apply: input shape, template validation, which states allow which
 * transition, the cost estimate, and how delivery statuses will be tracked.
 */
import * as z from 'zod';
import { audienceFilter, DEFAULT_SEND_WINDOW, sendWindow, type AudienceFilter } from '../collections/common';
import type { Carrier } from '../collections/people';
import { recurringSchedule, smsVariant, type SMSCampaign } from '../collections/sms';
import { SMS_CAMPAIGN_TYPES, SMS_SCHEDULE_TYPES, type CampaignStatus } from '../collections/vocabulary';
import { driverSourceAdapter } from '../adapters/driverSource';
import { countSmsSegments, estimateAudience, validateTemplate } from '../outreach';
import { optOutConfirmation } from '../outreach/compliance';
import { now as clockNow } from '../platform';
import { UserFacingError } from '../service';

export const CampaignInput = z.object({
  name: z.string().trim().min(1).max(200),
  messageTemplate: z.string().min(1).max(1600),
  variants: z.array(smsVariant).max(5).optional(),
  audienceFilter: audienceFilter,
  campaignType: z.enum(SMS_CAMPAIGN_TYPES).optional(),
  scheduleType: z.enum(SMS_SCHEDULE_TYPES).optional(),
  scheduledTime: z.coerce.date().nullable().optional(),
  recurringSchedule: recurringSchedule.nullable().optional(),
  sendWindow: sendWindow.optional(),
  /** Messages per minute. */
  rateLimit: z.number().int().min(1).max(600_000).optional(),
  optOutHandling: z.string().max(320).optional(),
  trackingEnabled: z.boolean().optional(),
});
export type CampaignInput = z.infer<typeof CampaignInput>;
export const CampaignUpdate = CampaignInput.partial();
export type CampaignUpdate = z.infer<typeof CampaignUpdate>;

/** Unknown or misplaced variables, empty templates… → INVALID_INPUT naming them. */
export function assertTemplates(templates: readonly string[]): void {
  for (const template of templates) {
    const errors = validateTemplate(template, 'sms').filter((p) => p.severity === 'error');
    if (errors.length === 0) continue;
    const unknown = errors.filter((e) => e.code === 'unknown_variable').map((e) => e.variable ?? '?');
    if (unknown.length > 0) throw new UserFacingError(`Unknown template variable${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, 'INVALID_INPUT');
    throw new UserFacingError(`Template problem: ${errors.map((e) => e.message).join(' ')}`, 'INVALID_INPUT');
  }
}

/** Updates are refused while a campaign sends or after it completed (pause it first). */
export const EDITABLE_STATUSES: readonly CampaignStatus[] = ['draft', 'scheduled', 'paused'];

export function assertStatus(campaign: Pick<SMSCampaign, 'status' | 'archived_at'>, allowed: readonly CampaignStatus[], action: string): void {
  if (campaign.archived_at) throw new UserFacingError(`This campaign is archived; it can't ${action}.`, 'CONFLICT');
  if (!allowed.includes(campaign.status)) throw new UserFacingError(`A ${campaign.status} campaign can't ${action} (allowed when ${allowed.join(' or ')}).`, 'CONFLICT');
}

/**
 * Per-message StatusCallbacks cost about two writes per message (sent, then delivered/failed).
 * A campaign whose callbacks all fit in a small write budget (≤ CALLBACK_ALWAYS_RECIPIENTS
 * messages, ≈ 400 writes in all) always uses them; up to CALLBACK_MAX_RECIPIENTS it uses them when
 * its send rate keeps the callback writes ≤ ~400/min. Beyond that statuses are reconciled in bulk
 * from Twilio's message list (docs/sms-campaigns.md), keeping Wix's 1500 writes/min for sending.
 */
export const CALLBACK_ALWAYS_RECIPIENTS = 200;
export const CALLBACK_MAX_RECIPIENTS = 1000;
export const CALLBACK_MAX_RATE_PER_MINUTE = 200;

export function statusTrackingFor(audience: number, rateLimit: number): 'callbacks' | 'reconcile' {
  if (audience <= CALLBACK_ALWAYS_RECIPIENTS) return 'callbacks';
  return audience <= CALLBACK_MAX_RECIPIENTS && rateLimit <= CALLBACK_MAX_RATE_PER_MINUTE ? 'callbacks' : 'reconcile';
}

export async function estimateFor(carrier: Carrier, filter: AudienceFilter, templates: readonly string[]): Promise<{ audienceCount: number; segments: number; costEstimate: number }> {
  const segments = Math.max(1, ...templates.map((t) => countSmsSegments(`${t} - ${carrier.name}`).segments));
  const estimate = await estimateAudience(driverSourceAdapter(), {
    carrierDot: carrier.carrier_dot,
    filter,
    now: clockNow(),
    pricing: { smsSegments: segments, smsPricePerSegment: carrier.sms_price_per_segment },
  });
  return { audienceCount: estimate.reachable.sms, segments, costEstimate: estimate.costEstimate.sms };
}

export function campaignFields(input: CampaignInput, carrier: Carrier): Omit<SMSCampaign, '_id' | 'audience_count' | 'cost_estimate' | '_createdDate' | '_updatedDate' | '_owner'> {
  return {
    carrier_dot: carrier.carrier_dot,
    campaign_name: input.name,
    campaign_type: input.campaignType ?? 'blast',
    status: 'draft',
    message_template: input.messageTemplate,
    message_variants: input.variants ?? [],
    audience_filter: input.audienceFilter,
    schedule_type: input.scheduleType ?? 'immediate',
    scheduled_time: input.scheduledTime ?? null,
    recurring_schedule: input.recurringSchedule ?? null,
    send_window: input.sendWindow ?? DEFAULT_SEND_WINDOW,
    rate_limit: input.rateLimit ?? 600,
    opt_out_handling: input.optOutHandling ?? optOutConfirmation(carrier.name, 'carrier'),
    tracking_enabled: input.trackingEnabled ?? true,
    next_run_at: null,
    started_at: null,
    paused_at: null,
    completed_at: null,
    send_cursor: null,
    run_number: 0,
    audience_done: false,
    archived_at: null,
  };
}

/** The campaign with `updates` applied (only the fields given). */
export function applyUpdate(campaign: SMSCampaign, u: CampaignUpdate): SMSCampaign {
  return {
    ...campaign,
    ...(u.name !== undefined ? { campaign_name: u.name } : {}),
    ...(u.messageTemplate !== undefined ? { message_template: u.messageTemplate } : {}),
    ...(u.variants !== undefined ? { message_variants: u.variants } : {}),
    ...(u.audienceFilter !== undefined ? { audience_filter: u.audienceFilter } : {}),
    ...(u.campaignType !== undefined ? { campaign_type: u.campaignType } : {}),
    ...(u.scheduleType !== undefined ? { schedule_type: u.scheduleType } : {}),
    ...(u.scheduledTime !== undefined ? { scheduled_time: u.scheduledTime } : {}),
    ...(u.recurringSchedule !== undefined ? { recurring_schedule: u.recurringSchedule } : {}),
    ...(u.sendWindow !== undefined ? { send_window: u.sendWindow } : {}),
    ...(u.rateLimit !== undefined ? { rate_limit: u.rateLimit } : {}),
    ...(u.optOutHandling !== undefined ? { opt_out_handling: u.optOutHandling } : {}),
    ...(u.trackingEnabled !== undefined ? { tracking_enabled: u.trackingEnabled } : {}),
  };
}

/** The fields `updateSMSCampaign` may write (what `applyUpdate` can change). */
export function editableFields(c: SMSCampaign): Pick<SMSCampaign, 'campaign_name' | 'message_template' | 'message_variants' | 'audience_filter' | 'campaign_type' | 'schedule_type' | 'scheduled_time' | 'recurring_schedule' | 'send_window' | 'rate_limit' | 'opt_out_handling' | 'tracking_enabled'> {
  return {
    campaign_name: c.campaign_name,
    message_template: c.message_template,
    message_variants: c.message_variants,
    audience_filter: c.audience_filter,
    campaign_type: c.campaign_type,
    schedule_type: c.schedule_type,
    scheduled_time: c.scheduled_time ?? null,
    recurring_schedule: c.recurring_schedule ?? null,
    send_window: c.send_window,
    rate_limit: c.rate_limit,
    opt_out_handling: c.opt_out_handling,
    tracking_enabled: c.tracking_enabled,
  };
}

export function templatesOf(c: Pick<SMSCampaign, 'message_template' | 'message_variants'>): string[] {
  return [c.message_template, ...c.message_variants.map((v) => v.message_template)];
}
