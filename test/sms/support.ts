/** Shared setup of the SMS tests: runtime, seeded tenant, the stand-in, the real SDK, fault injection. */
import { mulberry32 } from '../../local/prng';
import { DEFAULT_CREDENTIALS } from '../../local/simulators/harness';
import { seedDemoData } from '../../local/seed/seed';
import { demoMembers, DEMO_CARRIER_DOT } from '../../local/seed/demo-entities';
import type { LocalMember } from '../../local/runtime';
import { createTwilioSmsProvider } from '../../src/backend/adapters/smsTwilio';
import { createTwilioClient } from '../../src/backend/providers';
import { SmsProviderError, type SmsProvider } from '../../src/backend/sms/provider';
import { installTestRuntime, type TestRuntime } from '../support/runtime';
import { createSmsStandIn, type StandIn } from './twilioStandIn';

export const PUBLIC_BASE_URL = 'https://recruiting.example.com';
/** Monday 2026-11-02 18:00Z: midday in the continental zones, inside the 9–20 contact window. */
export const NOON = Date.parse('2026-11-02T18:00:00Z');

export interface SmsWorld {
  rt: TestRuntime;
  standIn: StandIn;
  provider: SmsProvider;
  recruiter: LocalMember;
  close(): Promise<void>;
}

export async function createSmsWorld(options: { drivers: number; seed?: number; extraMembers?: LocalMember[] }): Promise<SmsWorld> {
  const members = [...demoMembers(), ...(options.extraMembers ?? [])];
  const { accountSid, authToken, fromNumber } = DEFAULT_CREDENTIALS.twilio;
  const clockRef = { now: (): number => NOON };
  const standIn = createSmsStandIn({ seed: options.seed ?? 7, now: () => clockRef.now() });
  await standIn.sim.start(0);
  const rt = installTestRuntime({
    members,
    now: NOON,
    secrets: { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM_NUMBER: fromNumber, PUBLIC_BASE_URL, TWILIO_API_BASE_OVERRIDE: standIn.sim.baseUrl },
  });
  clockRef.now = () => rt.clock.now();
  await rt.asJob(() => seedDemoData({ items: rt.emulator.items, drivers: options.drivers, seed: options.seed ?? 11 }));
  rt.emulator.resetStats();
  const client = createTwilioClient({ accountSid, authToken, apiBaseOverride: standIn.sim.baseUrl });
  const provider = createTwilioSmsProvider({ client, sender: { from: fromNumber } });
  const recruiter = members.find((m) => m._id === 'member-recruiter-1');
  if (!recruiter) throw new Error('no demo recruiter');
  return {
    rt,
    standIn,
    provider,
    recruiter,
    close: async () => {
      await standIn.sim.stop();
      rt.close();
    },
  };
}

export { DEMO_CARRIER_DOT };

/** A process kill, as far as the run can tell: not a provider failure, so the run aborts. */
export class KilledError extends Error {
  constructor() {
    super('killed');
    this.name = 'KilledError';
  }
}

/** Seeded PRNG (mulberry32). */
export const rngOf = mulberry32;

/**
 * Wraps the port: after `killAfter` calls every call throws KilledError (the process is gone);
 * `timeoutRate` of sends time out — half before reaching the provider, half after it created the message.
 */
export function faultyProvider(inner: SmsProvider, options: { killAfter?: number; timeoutRate?: number; rng: () => number; onSend?: (n: number) => Promise<void> }): SmsProvider & { calls: number } {
  const state = { calls: 0 };
  const gate = (): void => {
    state.calls += 1;
    if (options.killAfter !== undefined && state.calls > options.killAfter) throw new KilledError();
  };
  const wrapped: SmsProvider & { calls: number } = {
    get calls() {
      return state.calls;
    },
    async send(request) {
      gate();
      if (options.onSend) await options.onSend(state.calls);
      const roll = options.timeoutRate ? options.rng() : 1;
      if (roll < (options.timeoutRate ?? 0) / 2) throw new SmsProviderError('unavailable', null, null, 'network: ETIMEDOUT');
      const sent = await inner.send(request);
      if (roll < (options.timeoutRate ?? 0)) throw new SmsProviderError('unavailable', null, null, 'network: ETIMEDOUT');
      return sent;
    },
    fetch: (sid) => (gate(), inner.fetch(sid)),
    listTo: (to, limit) => (gate(), inner.listTo(to, limit)),
    listSent: (window) => inner.listSent(window),
    reply: (request) => (gate(), inner.reply(request)),
  };
  return wrapped;
}
