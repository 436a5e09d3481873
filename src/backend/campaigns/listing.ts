/**
 * The campaign list every channel's page asks for: one filter shape (status, creation-date range,
 * archived or not, page size) and the query it means on a campaigns collection — newest first.
 */
import * as z from 'zod';
import { CAMPAIGN_STATUSES } from '../collections/vocabulary';
import type { WixDataQuery } from '../platform/data';

export const CampaignListFilters = z
  .object({
    status: z.enum(CAMPAIGN_STATUSES).optional(),
    dateRange: z.object({ from: z.coerce.date().optional(), to: z.coerce.date().optional() }).optional(),
    includeArchived: z.boolean().optional(),
    limit: z.number().int().min(1).max(200).optional(),
  })
  .optional();
export type CampaignListFilters = z.infer<typeof CampaignListFilters>;

export const DEFAULT_LIST_LIMIT = 100;

/** The carrier's campaigns matching `filters`, newest first (one read). */
export function campaignListQuery(carrierDot: string, filters: CampaignListFilters): (q: WixDataQuery) => WixDataQuery {
  return (q) => {
    let out = q.eq('carrier_dot', carrierDot);
    if (filters?.status) out = out.eq('status', filters.status);
    if (filters?.dateRange?.from) out = out.ge('_createdDate', filters.dateRange.from);
    if (filters?.dateRange?.to) out = out.lt('_createdDate', filters.dateRange.to);
    if (!filters?.includeArchived) out = out.isEmpty('archived_at');
    return out.descending('_createdDate');
  };
}
