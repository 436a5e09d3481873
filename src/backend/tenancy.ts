/**
 * Every web method acts on one carrier; the member must be a recruiter of that carrier (or a site
 * admin). Recruiter profiles are read elevated: members never read the collection directly.
 */
import { Carriers, RecruiterProfiles, type Carrier, type RecruiterProfile } from './collections';
import { elevatedCollection, getCurrentMember } from './platform';

export class NotSignedInError extends Error {
  constructor() {
    super('Please sign in as a recruiter to use this page.');
    this.name = 'NotSignedInError';
  }
}

export class AccessDeniedError extends Error {
  constructor(message = 'You do not have access to this carrier.') {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

export interface RecruiterContext {
  readonly memberId: string;
  readonly carrierDot: string;
  readonly carrier: Carrier;
  /** `null` for a site admin acting without a recruiter profile. */
  readonly recruiter: RecruiterProfile | null;
  readonly isAdmin: boolean;
}

async function findCarrier(carrierDot: string): Promise<Carrier | null> {
  const [carrier] = await elevatedCollection(Carriers).find((q) => q.eq('carrier_dot', carrierDot), { limit: 1 });
  return carrier ?? null;
}

/**
 * Resolves the signed-in member's recruiter context. With `carrierDot`, the member must belong to
 * that carrier (admins may act on any existing carrier).
 */
export async function requireRecruiter(carrierDot?: string): Promise<RecruiterContext> {
  const member = await getCurrentMember();
  if (!member) throw new NotSignedInError();
  const [recruiter] = await elevatedCollection(RecruiterProfiles).find((q) => q.eq('member_id', member.memberId), { limit: 1 });
  if (recruiter) {
    if (carrierDot !== undefined && recruiter.carrier_dot !== carrierDot && !member.isAdmin) throw new AccessDeniedError();
    const target = carrierDot ?? recruiter.carrier_dot;
    const carrier = await findCarrier(target);
    if (!carrier) throw new AccessDeniedError(`Carrier ${target} is not set up on this site.`);
    return { memberId: member.memberId, carrierDot: target, carrier, recruiter: recruiter.carrier_dot === target ? recruiter : null, isAdmin: member.isAdmin };
  }
  if (!member.isAdmin) throw new AccessDeniedError('Your account is not linked to a carrier. Ask your carrier admin to add you as a recruiter.');
  if (carrierDot === undefined) throw new AccessDeniedError('Choose a carrier to act on.');
  const carrier = await findCarrier(carrierDot);
  if (!carrier) throw new AccessDeniedError(`Carrier ${carrierDot} is not set up on this site.`);
  return { memberId: member.memberId, carrierDot, carrier, recruiter: null, isAdmin: true };
}
