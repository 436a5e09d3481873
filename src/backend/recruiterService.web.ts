/**
 * The recruiter's home: who am I, which carrier, and the reachable-driver overview the dashboard
 * shows. Every method checks the member belongs to the carrier it reads.
 */
import * as z from 'zod';
import { DRIVER_STATUSES, DriverProfiles, type DriverStatus } from './collections';
import { elevatedCollection, Permissions } from './platform';
import { defineWebMethod } from './service';
import { requireRecruiter } from './tenancy';

const CarrierDot = z.string().regex(/^\d{1,8}$/, 'expected a USDOT number (digits only)');

export const getRecruiterContext = defineWebMethod({
  name: 'getRecruiterContext',
  permission: Permissions.SiteMember,
  args: z.tuple([]),
  handler: async () => {
    const ctx = await requireRecruiter();
    return {
      carrier: { carrier_dot: ctx.carrier.carrier_dot, name: ctx.carrier.name },
      recruiter: ctx.recruiter
        ? { first_name: ctx.recruiter.first_name, last_name: ctx.recruiter.last_name, role: ctx.recruiter.role }
        : null,
      isAdmin: ctx.isAdmin,
    };
  },
});

export const getOutreachOverview = defineWebMethod({
  name: 'getOutreachOverview',
  permission: Permissions.SiteMember,
  args: z.tuple([CarrierDot]),
  handler: async (carrierDot) => {
    const ctx = await requireRecruiter(carrierDot);
    const drivers = elevatedCollection(DriverProfiles);
    const ofCarrier = (q: ReturnType<typeof drivers.query>) => q.eq('carrier_dot', ctx.carrierDot);
    const [total, smsConsent, emailConsent, invalidPhones, ...byStatus] = await Promise.all([
      drivers.count(ofCarrier),
      drivers.count((q) => ofCarrier(q).eq('sms_consent.granted', true)),
      drivers.count((q) => ofCarrier(q).eq('email_consent.granted', true)),
      drivers.count((q) => ofCarrier(q).eq('phone_valid', false)),
      ...DRIVER_STATUSES.map((status) => drivers.count((q) => ofCarrier(q).eq('status', status))),
    ]);
    const statusCounts = Object.fromEntries(DRIVER_STATUSES.map((status, i) => [status, byStatus[i] ?? 0])) as Record<DriverStatus, number>;
    return {
      overview: {
        carrier_name: ctx.carrier.name,
        drivers: total,
        sms_consent: smsConsent,
        email_consent: emailConsent,
        invalid_phones: invalidPhones,
        by_status: statusCounts,
      },
    };
  },
});
