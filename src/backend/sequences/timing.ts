/**
 * When a sequence step is due (pure): its delay after the step before it, then moved to the next
 * instant its channel may reach the driver.
 * - SMS (and voicemail): the legal windows (federal 8–21, state rules) and the sequence's send
 *   window, or 9–20 recipient-local when it has none (spec §8.2), in every zone the driver may be in;
 * - email: the sequence's send window when it has one, otherwise no shift;
 * - wait and condition steps: no shift.
 * The compliance check at execution time still decides (caps, opt-outs, a window that moved).
 */
import { DEFAULT_SEND_WINDOW, type SendWindow } from '../collections/common';
import type { SequenceStep } from '../collections/sequence-steps';
import { checkContactWindow, NoContactWindowError, type RecipientLocation } from '../outreach';

const HOUR_MS = 60 * 60 * 1000;

/** `delay_days` and `delay_hours` of a step, in ms. */
export function delayOf(step: Pick<SequenceStep, 'delay_days' | 'delay_hours'>): number {
  return (step.delay_days * 24 + step.delay_hours) * HOUR_MS;
}

/** The earliest instant at or after `at` that the step's channel allows (`at` when no window applies). */
export function intoChannelWindow(input: { step: Pick<SequenceStep, 'step_type'>; at: Date; location: RecipientLocation; sendWindow: SendWindow | null }): Date {
  const { step, at, location, sendWindow } = input;
  switch (step.step_type) {
    case 'sms':
    case 'voicemail':
      return openAt({ at, channel: 'sms', location, sendWindow: sendWindow ?? DEFAULT_SEND_WINDOW });
    case 'email':
      return sendWindow ? openAt({ at, channel: 'email', location, sendWindow }) : at;
    case 'wait':
    case 'condition':
      return at;
    default: {
      const unreachable: never = step.step_type;
      return unreachable;
    }
  }
}

function openAt(input: { at: Date; channel: 'sms' | 'email'; location: RecipientLocation; sendWindow: SendWindow }): Date {
  try {
    const check = checkContactWindow({ now: input.at, channel: input.channel, location: input.location, sendWindow: input.sendWindow });
    return check.allowed ? input.at : check.nextAllowedAt;
  } catch (error) {
    // A window that never opens: due now, and the compliance check blocks it with its reason.
    if (error instanceof NoContactWindowError) return input.at;
    throw error;
  }
}

/** When `step` is due when the step before it ran at `after`. */
export function dueAfter(input: { step: SequenceStep; after: Date; location: RecipientLocation; sendWindow: SendWindow | null }): Date {
  const base = new Date(input.after.getTime() + delayOf(input.step));
  return intoChannelWindow({ step: input.step, at: base, location: input.location, sendWindow: input.sendWindow });
}
