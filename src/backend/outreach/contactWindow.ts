/**
 * Contact windows in recipient-local time (federal, state, campaign), evaluated in the intersection
 * of every candidate time zone of the recipient.
 *
 * INTERFACE STUB — being implemented; signatures are the contract other modules code against.
 */
import type { SendWindow } from '../collections/common';
import type { ContactChannel, UsJurisdiction } from '../collections/vocabulary';

/** Where a recipient may be: candidate IANA zones and US states (home state, phone's area-code state). */
export interface RecipientLocation {
  /** Candidate IANA zones; empty when nothing is known (then every US zone is assumed). */
  readonly zones: readonly string[];
  /** Candidate states whose rules apply (strictest wins); empty when unknown (then every state's rules). */
  readonly states: readonly UsJurisdiction[];
}

export type WindowCheck =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** The next instant at which every applicable rule allows contact. */
      readonly nextAllowedAt: Date;
      /** Machine-readable rule id that closed the window, e.g. `state:FL:hours`, `federal:hours`, `campaign:send_window`, `state:MS:sunday`. */
      readonly rule: string;
      /** Human-readable reason for the recruiter, e.g. "8:30 pm in Florida is after the 8 pm state limit". */
      readonly reason: string;
    };

export interface WindowCheckInput {
  readonly now: Date;
  readonly channel: ContactChannel;
  readonly location: RecipientLocation;
  /** The campaign's window; narrows the legal window, never widens it. */
  readonly sendWindow?: SendWindow | null;
}

export function checkContactWindow(_input: WindowCheckInput): WindowCheck {
  throw new Error('checkContactWindow: not implemented yet');
}
