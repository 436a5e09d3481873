/**
 * Template values from the spec collections' items. Formatting keeps to GSM-7 characters (ASCII
 * hyphens, no smart quotes or en dashes) so a value never flips an SMS to UCS-2 by itself.
 */
import type { Carrier, DriverProfile, RecruiterProfile } from '../../collections/people';
import type { JobPosting } from '../../collections/jobs';
import type { PayType, RouteType } from '../../collections/vocabulary';
import type { TemplateValues } from '../variables';
import { assertNever } from './parse';

/** The driver fields template values are made of. */
export const TEMPLATE_DRIVER_FIELDS = ['first_name', 'last_name', 'cdl_class', 'years_experience', 'home_city', 'home_state'] as const satisfies readonly (keyof DriverProfile)[];
export type TemplateDriver = Pick<DriverProfile, (typeof TEMPLATE_DRIVER_FIELDS)[number]>;
export type TemplateRecruiter = Pick<RecruiterProfile, 'first_name' | 'last_name' | 'phone' | 'email'>;
export type TemplateCarrier = Pick<Carrier, 'name' | 'main_phone' | 'website_url'>;
export type TemplateJob = Pick<JobPosting, 'job_title' | 'route_type' | 'home_time' | 'compensation' | 'location'>;

export interface TemplateValuesInput {
  readonly driver: TemplateDriver;
  readonly recruiter?: TemplateRecruiter | null;
  readonly carrier: TemplateCarrier;
  readonly job?: TemplateJob | null;
  /** Per-recipient links made by the sender (tracked apply link, one-click unsubscribe). */
  readonly links?: { readonly applyUrl?: string | null; readonly unsubscribeUrl?: string | null };
}

export function templateValuesFor(input: TemplateValuesInput): TemplateValues {
  const { driver, recruiter, carrier, job, links } = input;
  const values: TemplateValues = {
    firstName: driver.first_name,
    lastName: driver.last_name,
    fullName: `${driver.first_name} ${driver.last_name}`,
    cdlClass: `Class ${driver.cdl_class}`,
    yearsExperience: String(Math.floor(driver.years_experience)),
    homeCity: driver.home_city,
    homeState: driver.home_state,
    carrierName: carrier.name,
    carrierPhone: formatPhone(carrier.main_phone),
    applyUrl: links?.applyUrl ?? carrier.website_url ?? null,
    unsubscribeUrl: links?.unsubscribeUrl ?? null,
  };
  if (recruiter) {
    values.recruiterName = `${recruiter.first_name} ${recruiter.last_name}`;
    values.recruiterFirstName = recruiter.first_name;
    values.recruiterPhone = formatPhone(recruiter.phone);
    values.recruiterEmail = recruiter.email;
  }
  if (job) {
    const pay = job.compensation;
    values.jobTitle = job.job_title;
    values.payRange = formatPayRange(pay.pay_type, pay.pay_min, pay.pay_max);
    values.homeTime = job.home_time;
    values.routeType = ROUTE_TYPE_LABEL[job.route_type];
    values.signOnBonus = pay.sign_on_bonus && pay.sign_on_bonus > 0 ? formatMoney(pay.sign_on_bonus) : null;
    values.jobLocation = `${job.location.city}, ${job.location.state}`;
  }
  return values;
}

export const ROUTE_TYPE_LABEL: Readonly<Record<RouteType, string>> = {
  otr: 'OTR',
  regional: 'Regional',
  local: 'Local',
  dedicated: 'Dedicated',
};

/** `+12145550111` → `(214) 555-0111`; other countries stay in E.164. */
export function formatPhone(e164: string): string {
  const us = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return us ? `(${us[1]}) ${us[2]}-${us[3]}` : e164;
}

/** `$1,500`, `$0.55`, `$25.50`: cents only when the amount has them. */
export function formatMoney(amount: number): string {
  const cents = Math.round(amount * 100) % 100 !== 0;
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: 2 })}`;
}

/** "$0.55-$0.65/mile", "$1,500/week", "25%-30% of load"; one figure when min = max (or max is 0). */
export function formatPayRange(payType: PayType, min: number, max: number): string {
  const high = max > min ? max : min;
  const range = (format: (n: number) => string): string => (high === min ? format(min) : `${format(min)}-${format(high)}`);
  switch (payType) {
    case 'cpm':
      return `${range(formatMoney)}/mile`;
    case 'hourly':
      return `${range(formatMoney)}/hour`;
    case 'weekly':
      return `${range(formatMoney)}/week`;
    case 'salary':
      return `${range(formatMoney)}/year`;
    case 'percentage':
      return `${range((n) => `${n}%`)} of load`;
    case 'per_load':
      return `${range(formatMoney)}/load`;
    default:
      return assertNever(payType);
  }
}
