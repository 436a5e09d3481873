/**
 * Contacts actually made, one item per SMS / email / voicemail drop / call, written in bulk by the
 * channels when they send. The compliance engine reads them back per batch for its frequency caps.
 */
import * as z from 'zod';
import { carrierDot, optionalRef, ref } from './common';
import { defineCollection, index, type ItemOf } from './define';
import { CONTACT_CHANNELS } from './vocabulary';

export const ContactEvents = defineCollection({
  id: 'ContactEvents',
  description:
    'One contact actually made to a driver (sms, email, voicemail or call), recorded in bulk by the sending channel; frequency caps (per day, FL/OK/MD 3 per 24 h, campaign caps) count these. `_id` = `<channel>:<message_id>`, so recording twice is harmless. Append-only.',
  fields: {
    carrier_dot: carrierDot,
    driver_id: ref('DriverProfiles'),
    channel: z.enum(CONTACT_CHANNELS),
    /** When the contact was made (provider accepted the message / call placed). */
    at: z.date(),
    campaign_id: z.string().nullable().optional(),
    sequence_id: z.string().nullable().optional(),
    /** SMSMessages / EmailMessages id, voicemail drop id or call-log id. */
    message_id: z.string().min(1),
    /** The recruiter who placed a manual call. */
    actor: optionalRef('RecruiterProfiles'),
  },
  indexes: [
    // The compliance batch query: tenant, the batch's drivers, since an instant.
    index('carrier_dot', 'driver_id', 'at'),
    // Campaign caps and per-campaign reporting.
    index('campaign_id', 'driver_id', 'at'),
  ],
});
export type ContactEvent = ItemOf<typeof ContactEvents>;
