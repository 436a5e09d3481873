/** Drivers, carriers and instants shared by the compliance tests. */
import type { ConsentRecord } from '../../src/backend/collections/common';
import type { Carrier, DriverProfile } from '../../src/backend/collections/people';
import type { SMSOptOut } from '../../src/backend/collections/sms';
import type { ContactChannel } from '../../src/backend/collections/vocabulary';
import type { NewContactEvent } from '../../src/backend/outreach/compliance';
import { generateDrivers } from '../../local/seed/generate';
import { mulberry32 } from '../../local/prng';

export const DOT = '2233445';
export const OTHER_DOT = '9988776';

export const carrier: Carrier = {
  _id: `carrier-${DOT}`,
  carrier_dot: DOT,
  name: 'Lone Star Freight Lines',
  physical_address: { street: '4100 Logistics Pkwy', city: 'Dallas', state: 'TX', zip: '75241', country: 'US' },
  main_phone: '+12145550100',
  time_zone: 'America/Chicago',
  website_url: 'https://lonestarfreight.example',
  sms_price_per_segment: 0.0079,
  sms_daily_cap_per_driver: 1,
  active: true,
};

export const granted = (text_version = 'sms-2025-04'): ConsentRecord => ({
  granted: true,
  source: 'job_application_form',
  captured_at: new Date('2025-06-01T14:00:00Z'),
  text_version,
});

/** A Texas driver (Austin, 512) with every consent granted and no history. */
export function driver(overrides: Partial<DriverProfile> = {}): DriverProfile {
  return {
    _id: 'drv-tx',
    carrier_dot: DOT,
    first_name: 'John',
    last_name: 'Smith',
    phone: '+15125550123',
    phone_valid: true,
    phone_line_type: 'mobile',
    email: 'john.smith@example.com',
    email_valid: true,
    home_city: 'Austin',
    home_state: 'TX',
    home_zip: '78701',
    home_lat: 30.27,
    home_lng: -97.74,
    home_time_zone: 'America/Chicago',
    cdl_class: 'A',
    endorsements: [],
    years_experience: 6,
    status: 'job_seeking',
    sms_consent: granted(),
    email_consent: granted('email-2025-01'),
    voice_consent: granted('voice-2025-02'),
    sms_opted_out_at: null,
    email_suppressed_reason: null,
    email_suppressed_at: null,
    last_sms_at: null,
    last_email_at: null,
    last_voicemail_at: null,
    last_reply_at: null,
    tags: [],
    source: 'job_board',
    ...overrides,
  };
}

export const floridaDriver = (o: Partial<DriverProfile> = {}): DriverProfile =>
  driver({ _id: 'drv-fl', phone: '+13055550123', home_city: 'Miami', home_state: 'FL', home_zip: '33101', home_time_zone: 'America/New_York', ...o });
export const marylandDriver = (o: Partial<DriverProfile> = {}): DriverProfile =>
  driver({ _id: 'drv-md', phone: '+14105550123', home_city: 'Baltimore', home_state: 'MD', home_zip: '21201', home_time_zone: 'America/New_York', ...o });
export const oklahomaDriver = (o: Partial<DriverProfile> = {}): DriverProfile =>
  driver({ _id: 'drv-ok', phone: '+14055550123', home_city: 'Oklahoma City', home_state: 'OK', home_zip: '73102', home_time_zone: 'America/Chicago', ...o });
export const mississippiDriver = (o: Partial<DriverProfile> = {}): DriverProfile =>
  driver({ _id: 'drv-ms', phone: '+16015550123', home_city: 'Jackson', home_state: 'MS', home_zip: '39201', home_time_zone: 'America/Chicago', ...o });

/** Thursday 2026-01-15, 10:00 am Central / 11:00 am Eastern: inside every legal window. */
export const MIDDAY = new Date('2026-01-15T16:00:00Z');

export function optOut(o: Partial<SMSOptOut> = {}): SMSOptOut {
  return {
    _id: `+15125550123|${DOT}`,
    phone_number: '+15125550123',
    driver_id: 'drv-tx',
    carrier_dot: DOT,
    opted_out_at: new Date('2026-01-10T12:00:00Z'),
    opt_out_source: 'STOP_keyword',
    resubscribed: false,
    resubscribed_at: null,
    ...o,
  };
}

export const hours = (n: number): number => n * 60 * 60 * 1000;
export const ago = (now: Date, ms: number): Date => new Date(now.getTime() - ms);

/** Generated drivers of the fixture carrier, as of `asOf`. */
export function generatedDrivers(count: number, seed: number, asOf: Date): DriverProfile[] {
  const out: DriverProfile[] = [];
  for (const page of generateDrivers({ count, seed, carrierDot: DOT, asOf })) out.push(...page);
  return out;
}

/** Deterministic contact history and opt-outs for a population. */
export function contactHistoryFor(
  drivers: readonly DriverProfile[],
  options: { seed: number; now: Date; campaignId: string },
): { events: NewContactEvent[]; optOuts: SMSOptOut[] } {
  const { seed, now: NOW, campaignId: CAMPAIGN } = options;
  const r = mulberry32(seed);
  const channels: ContactChannel[] = ['sms', 'email', 'voicemail', 'call'];
  const events: NewContactEvent[] = [];
  const optOuts: SMSOptOut[] = [];
  drivers.forEach((d, i) => {
    const n = Math.floor(r() * 4);
    for (let k = 0; k < n; k += 1) {
      const channel = channels[Math.floor(r() * channels.length)] ?? 'sms';
      const at = new Date(NOW.getTime() - Math.floor(r() * hours(24 * 8)));
      events.push({ carrier_dot: DOT, driver_id: d._id, channel, at, campaign_id: r() < 0.5 ? CAMPAIGN : null, message_id: `m-${seed}-${i}-${k}` });
    }
    if (d.phone && r() < 0.08) {
      const scope = r() < 0.3 ? 'all' : DOT;
      if (!optOuts.some((o) => o.phone_number === d.phone && o.carrier_dot === scope)) {
        optOuts.push({ _id: `${d.phone}|${scope}`, phone_number: d.phone, driver_id: d._id, carrier_dot: scope, opted_out_at: new Date('2026-01-01T00:00:00Z'), opt_out_source: 'STOP_keyword', resubscribed: r() < 0.25, resubscribed_at: new Date('2026-01-05T00:00:00Z') });
      }
    }
  });
  return { events, optOuts };
}
