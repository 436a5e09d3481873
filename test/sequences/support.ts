/**
 * Shared setup of the sequence tests: the in-process Wix runtime with the demo tenant, the Twilio
 * stand-in reached through the real `twilio` SDK, the SendGrid simulator reached through the real
 * `@sendgrid/mail` (the email channel's adapter), SendGrid's events applied by the real Event Webhook
 * processing, and helpers to pick drivers and run the step job on a fast-forwarded clock.
 */
import { DEFAULT_CREDENTIALS } from '../../local/simulators/harness';
import { createSendGridSimulator, type SendGridSimulator } from '../../local/simulators/sendgrid';
import { demoCarrier, demoMembers, demoStaffProfiles, DEMO_CARRIER_DOT } from '../../local/seed/demo-entities';
import { seedDemoData } from '../../local/seed/seed';
import type { LocalMember } from '../../local/runtime';
import { createSendGridEmailProvider } from '../../src/backend/adapters/emailSendGrid';
import { createTwilioSmsProvider } from '../../src/backend/adapters/smsTwilio';
import { collections } from '../../src/backend/collections';
import type { DriverProfile } from '../../src/backend/collections/people';
import type { EmailProvider } from '../../src/backend/email/provider';
import { parseSendGridEventBatch, processSendGridWebhook } from '../../src/backend/email/events';
import { elevatedCollection } from '../../src/backend/platform';
import { configureSendGrid, createTwilioClient } from '../../src/backend/providers';
import { createSequenceEmailSender } from '../../src/backend/sequences/emailChannel';
import { runSequenceSteps, type StepJobOptions, type StepJobReport } from '../../src/backend/sequences/job';
import type { SequenceChannels } from '../../src/backend/sequences/ports';
import type { SmsProvider } from '../../src/backend/sms/provider';
import { createSmsStandIn, type StandIn } from '../sms/twilioStandIn';
import { installTestRuntime, type TestRuntime } from '../support/runtime';

export { DEMO_CARRIER_DOT };
export const PUBLIC_BASE_URL = 'https://recruiting.example.com';
export const UNSUBSCRIBE_SECRET = 'sequence-tests-unsubscribe-secret-0123456789';
/** Monday 2026-11-02 18:00Z: midday in the continental zones. */
export const NOON = Date.parse('2026-11-02T18:00:00Z');
export const HOUR = 60 * 60_000;
export const DAY = 24 * HOUR;
export const OTHER_DOT = '9988776';
export const outsider: LocalMember = { _id: 'member-other', loginEmail: 'o@other.example', firstName: 'Otto', lastName: 'Other', roles: ['SiteMember'] };

export interface SequenceWorld {
  readonly rt: TestRuntime;
  readonly standIn: StandIn;
  readonly sendgrid: SendGridSimulator;
  readonly sms: SmsProvider;
  readonly emailProvider: EmailProvider;
  readonly recruiter: LocalMember;
  readonly admin: LocalMember;
  channels(overrides?: Partial<SequenceChannels>): SequenceChannels;
  /** One run of the step job at the current clock (fast: no backoff sleeps). */
  runJob(options?: Partial<StepJobOptions>): Promise<StepJobReport>;
  /** Applies the SendGrid events not applied yet through the Event Webhook's processing. */
  applyEmailEvents(): Promise<number>;
  /** Distinct drivers (no shared phone or address) of the demo carrier reachable by SMS and email, with consent for both. */
  reachableDrivers(count: number): Promise<DriverProfile[]>;
  close(): Promise<void>;
}

export async function createSequenceWorld(options: { drivers: number; seed?: number; withOtherCarrier?: boolean }): Promise<SequenceWorld> {
  const members = [...demoMembers(), outsider];
  const clockRef = { now: (): number => NOON };
  const standIn = createSmsStandIn({ seed: options.seed ?? 7, now: () => clockRef.now() });
  await standIn.sim.start(0);
  const sendgrid = createSendGridSimulator({
    clock: { now: () => clockRef.now() },
    seed: options.seed ?? 7,
    webhook: { enabled: false },
    engagement: { openRate: 0, clickRate: 0, machineOpenShare: 0 },
    webhooks: { delayMs: [0, 0], duplicateRate: 0, reorderJitterMs: 0 },
    autoDeliver: false,
  });
  await sendgrid.start(0);
  const { accountSid, authToken, fromNumber } = DEFAULT_CREDENTIALS.twilio;
  const { apiKey } = DEFAULT_CREDENTIALS.sendgrid;
  const rt = installTestRuntime({
    members,
    now: NOON,
    secrets: {
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TWILIO_FROM_NUMBER: fromNumber,
      TWILIO_API_BASE_OVERRIDE: standIn.sim.baseUrl,
      PUBLIC_BASE_URL,
      SENDGRID_API_KEY: apiKey,
      SENDGRID_API_BASE_OVERRIDE: sendgrid.baseUrl,
      EMAIL_UNSUBSCRIBE_SECRET: UNSUBSCRIBE_SECRET,
    },
  });
  clockRef.now = () => rt.clock.now();
  await rt.asJob(() => seedDemoData({ items: rt.emulator.items, drivers: options.drivers, seed: options.seed ?? 11 }));
  if (options.withOtherCarrier) {
    await rt.asJob(async () => {
      await elevatedCollection(collections.Carriers).insert({ ...demoCarrier(OTHER_DOT), name: 'Other Carrier Inc' });
      const [profile] = demoStaffProfiles(OTHER_DOT);
      if (!profile) throw new Error('no profile');
      await elevatedCollection(collections.RecruiterProfiles).insert({ ...profile, _id: 'recruiter-other', member_id: outsider._id });
    });
  }
  rt.emulator.resetStats();
  const sms = createTwilioSmsProvider({ client: createTwilioClient({ accountSid, authToken, apiBaseOverride: standIn.sim.baseUrl }), sender: { from: fromNumber } });
  const emailProvider = createSendGridEmailProvider(configureSendGrid({ apiKey, apiBaseOverride: sendgrid.baseUrl, timeoutMs: 30_000 }));
  const recruiter = members.find((m) => m._id === 'member-recruiter-1');
  const admin = members.find((m) => m.roles.includes('Admin'));
  if (!recruiter || !admin) throw new Error('demo members missing');
  const channels = (overrides: Partial<SequenceChannels> = {}): SequenceChannels => ({
    sms,
    email: createSequenceEmailSender({ provider: emailProvider, publicBaseUrl: PUBLIC_BASE_URL, unsubscribeSecret: UNSUBSCRIBE_SECRET, sleep: async () => undefined }),
    ...overrides,
  });
  const applied = new Set<string>();
  return {
    rt,
    standIn,
    sendgrid,
    sms,
    emailProvider,
    recruiter,
    admin,
    channels,
    runJob: (overrides = {}) =>
      rt.asJob(() => runSequenceSteps({ channels: channels(), holder: `test-${rt.clock.now()}-${Math.random()}`, sms: { sleep: async () => undefined, backoffMs: () => 0 }, ...overrides })),
    applyEmailEvents: async () => {
      const fresh = sendgrid.events().filter((e) => !applied.has(e.sg_event_id));
      for (const e of fresh) applied.add(e.sg_event_id);
      if (fresh.length === 0) return 0;
      const parsed = parseSendGridEventBatch(JSON.parse(JSON.stringify(fresh)) as unknown);
      if (!parsed) throw new Error('unparseable events');
      const report = await rt.asJob(() => processSendGridWebhook(parsed.events));
      return report.applied;
    },
    reachableDrivers: (count) =>
      rt.asJob(async () => {
        const found = await elevatedCollection(collections.DriverProfiles).find((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT).eq('sms_reachable', 1).eq('email_reachable', 1).ascending('_id'), { limit: 1000 });
        const seen = new Set<string>();
        // Distinct people: profiles sharing a phone or an address are one person imported twice.
        const ok = found.filter((d) => {
          const keys = [d.phone ?? '', (d.email ?? '').toLowerCase()];
          if (keys.some((k) => seen.has(k))) return false;
          for (const k of keys) seen.add(k);
          return d.sms_consent?.granted && !d.sms_consent.revoked_at && d.email_consent?.granted && !d.email_consent.revoked_at && d.status !== 'hired' && d.status !== 'inactive';
        });
        if (ok.length < count) throw new Error(`only ${ok.length} reachable drivers`);
        return ok.slice(0, count);
      }),
    close: async () => {
      await sendgrid.stop();
      await standIn.sim.stop();
      rt.close();
    },
  };
}

/** Every item of a collection matching `build` (pages of 1000). */
export async function all<T>(world: SequenceWorld, read: () => AsyncGenerator<T[]>): Promise<T[]> {
  return world.rt.asJob(async () => {
    const out: T[] = [];
    for await (const page of read()) out.push(...page);
    return out;
  });
}
