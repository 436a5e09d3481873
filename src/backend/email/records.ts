/**
 * EmailCampaigns / EmailMessages reads and writes the sender, the lifecycle and the web methods
 * share: each one data request per ≤ 1000 items. Campaign writes are field-level patches, so a
 * pause or an edit written meanwhile is never overwritten.
 */
import { EmailCampaigns, EmailMessages, type EmailCampaign, type EmailMessage } from '../collections/email';
import { JobPostings, type JobPosting } from '../collections/jobs';
import { Carriers, DriverProfiles, RecruiterProfiles, type Carrier, type DriverProfile, type RecruiterProfile } from '../collections/people';
import { elevatedCollection, MAX_BULK_ITEMS, type WixDataFilter } from '../platform/data';

export const emailCampaigns = () => elevatedCollection(EmailCampaigns);
export const emailMessages = () => elevatedCollection(EmailMessages);
export const driverProfiles = () => elevatedCollection(DriverProfiles);

export async function findCarrier(carrierDot: string): Promise<Carrier | null> {
  const [carrier] = await elevatedCollection(Carriers).find((q) => q.eq('carrier_dot', carrierDot), { limit: 1 });
  return carrier ?? null;
}

/** The recruiter whose `{{recruiter…}}` values a campaign uses (its creator), or null. */
export async function findRecruiter(carrierDot: string, memberId: string | null | undefined): Promise<RecruiterProfile | null> {
  if (!memberId) return null;
  const [recruiter] = await elevatedCollection(RecruiterProfiles).find((q) => q.eq('member_id', memberId).eq('carrier_dot', carrierDot), { limit: 1 });
  return recruiter ?? null;
}

export async function findJob(carrierDot: string, jobId: string | null | undefined): Promise<JobPosting | null> {
  if (!jobId) return null;
  const job = await elevatedCollection(JobPostings).get(jobId);
  return job && job.carrier_dot === carrierDot ? job : null;
}

/** Items by id (≤ 1000: one read). */
export async function emailMessagesByIds(ids: readonly string[]): Promise<EmailMessage[]> {
  if (ids.length === 0) return [];
  return emailMessages().find((q) => q.hasSome('_id', [...ids]), { limit: MAX_BULK_ITEMS });
}

export async function driversByIds(ids: readonly string[]): Promise<DriverProfile[]> {
  if (ids.length === 0) return [];
  return driverProfiles().find((q) => q.hasSome('_id', [...ids]), { limit: MAX_BULK_ITEMS });
}

export type EmailCampaignFields = Partial<Omit<EmailCampaign, '_id' | '_createdDate' | '_updatedDate' | '_owner'>>;

/**
 * Writes the given campaign fields only (Wix `patch`). With `when`, only if the stored campaign
 * still matches it; `null` when it didn't (nothing written).
 */
export async function patchEmailCampaign(campaignId: string, fields: EmailCampaignFields, when?: (f: WixDataFilter) => WixDataFilter): Promise<EmailCampaign | null> {
  const db = emailCampaigns();
  return db.patch(campaignId, fields, when ? { condition: when(db.filter()) } : {});
}

export type EmailMessageFields = Partial<Omit<EmailMessage, '_id' | '_createdDate' | '_updatedDate' | '_owner'>>;

/** The same fields on many messages, without reading them (one request per ≤ 1000 ids). */
export async function patchEmailMessages(ids: readonly string[], fields: EmailMessageFields): Promise<void> {
  if (ids.length === 0) return;
  await emailMessages().bulkPatch(ids, fields);
}
