/**
 * Frequency caps over rolling windows. A capped contact is held until the oldest counted contact
 * leaves its window (so that one more contact fits under the cap again).
 *
 * - `cap.sms_daily`: SMS per driver per rolling 24 h, `Carriers.sms_daily_cap_per_driver` (default 1).
 * - `cap.state_24h.<ST>`: 3 contacts per rolling 24 h across sms, voicemail and call when any candidate
 *   state is FL, OK or MD — or when no state is known (every state's rules then apply).
 * - `cap.campaign`: `maxPerDriver` contacts of the campaign (any channel) per rolling `perDays` days.
 */
import type { UsJurisdiction } from '../../collections/vocabulary';
import {
  DAY_MS,
  STATE_CAP_CHANNELS,
  THREE_PER_DAY_STATES,
  type CapRule,
  type ContactEvent,
  type DecideContactInput,
  type ThreePerDayState,
} from './types';

export const STATE_CAP_PER_24H = 3;
export const DEFAULT_SMS_DAILY_CAP = 1;

export interface CapHold {
  readonly rule: CapRule;
  readonly until: Date;
  readonly reason: string;
  readonly counted: number;
}

type CountedEvent = Pick<ContactEvent, 'channel' | 'at' | 'campaign_id'>;

/** The driver's events plus the DriverProfiles mirrors (`last_sms_at`, `last_voicemail_at`) when no event has that instant. */
export function eventsWithMirrors(input: Pick<DecideContactInput, 'driver' | 'history'>): readonly CountedEvent[] {
  const events = input.history?.events ?? [];
  const mirrors: CountedEvent[] = [];
  const { last_sms_at: lastSms, last_voicemail_at: lastVoicemail } = input.driver;
  if (lastSms && !events.some((e) => e.channel === 'sms' && e.at.getTime() === lastSms.getTime())) mirrors.push({ channel: 'sms', at: lastSms, campaign_id: null });
  if (lastVoicemail && !events.some((e) => e.channel === 'voicemail' && e.at.getTime() === lastVoicemail.getTime())) {
    mirrors.push({ channel: 'voicemail', at: lastVoicemail, campaign_id: null });
  }
  return mirrors.length === 0 ? events : [...events, ...mirrors];
}

/** The instant at which fewer than `limit` of `times` lie in (t − window, t], given `times.length >= limit`. */
function releaseTime(times: number[], limit: number, windowMs: number): Date {
  times.sort((a, b) => a - b);
  const pivot = times[times.length - limit] ?? 0;
  return new Date(pivot + windowMs);
}

function capCheck(
  events: readonly CountedEvent[],
  counts: (e: CountedEvent) => boolean,
  limit: number,
  windowMs: number,
  now: number,
): { until: Date; counted: number } | null {
  const since = now - windowMs;
  const times: number[] = [];
  for (const e of events) {
    const t = e.at.getTime();
    if (t > since && counts(e)) times.push(t);
  }
  if (times.length < limit) return null;
  return { until: releaseTime(times, limit, windowMs), counted: times.length };
}

/** Which state's 3-per-24 h cap applies: the first capped candidate state, `unknown_state` when none is known, else null. */
export function stateCapOf(states: readonly UsJurisdiction[]): ThreePerDayState | 'unknown_state' | null {
  if (states.length === 0) return 'unknown_state';
  for (const s of states) if ((THREE_PER_DAY_STATES as readonly string[]).includes(s)) return s as ThreePerDayState;
  return null;
}

const STATE_NAMES: Readonly<Record<ThreePerDayState | 'unknown_state', string>> = {
  FL: 'Florida',
  OK: 'Oklahoma',
  MD: 'Maryland',
  unknown_state: 'an unknown state (Florida, Oklahoma and Maryland rules assumed)',
};

const isStateCapChannel = (e: CountedEvent): boolean => (STATE_CAP_CHANNELS as readonly string[]).includes(e.channel);

/** Every cap that is full right now, latest release first; null when none is. */
export function capHold(input: DecideContactInput, states: readonly UsJurisdiction[]): CapHold | null {
  const now = input.now.getTime();
  const events = eventsWithMirrors(input);
  const holds: CapHold[] = [];
  const channel = input.channel;

  if (channel === 'sms') {
    const limit = input.carrier.sms_daily_cap_per_driver ?? DEFAULT_SMS_DAILY_CAP;
    const hit = capCheck(events, (e) => e.channel === 'sms', limit, DAY_MS, now);
    if (hit) holds.push({ rule: 'cap.sms_daily', ...hit, reason: `Already ${hit.counted} SMS in the last 24 hours (cap ${limit} per driver per day)` });
  }
  if (channel === 'sms' || channel === 'voicemail' || channel === 'call') {
    const state = stateCapOf(states);
    if (state !== null) {
      const hit = capCheck(events, isStateCapChannel, STATE_CAP_PER_24H, DAY_MS, now);
      if (hit) {
        holds.push({
          rule: `cap.state_24h.${state}`,
          ...hit,
          reason: `Already ${hit.counted} calls/texts/voicemails in the last 24 hours; ${STATE_NAMES[state]} allows at most ${STATE_CAP_PER_24H}`,
        });
      }
    }
  }
  const caps = input.campaignCaps;
  const campaignId = input.campaignId;
  if (caps && campaignId) {
    const hit = capCheck(events, (e) => e.campaign_id === campaignId, caps.maxPerDriver, caps.perDays * DAY_MS, now);
    if (hit) {
      holds.push({ rule: 'cap.campaign', ...hit, reason: `Already ${hit.counted} contacts from this campaign in ${caps.perDays} day(s) (cap ${caps.maxPerDriver})` });
    }
  }
  let latest: CapHold | null = null;
  for (const h of holds) if (latest === null || h.until.getTime() > latest.until.getTime()) latest = h;
  return latest;
}
