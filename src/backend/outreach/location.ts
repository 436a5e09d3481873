/**
 * Where a driver may be: candidate time zones and states from the phone's area code and the home
 * ZIP/state. Synchronous (tables generated from libphonenumber's mapping data), so a batch of
 * decisions needs no I/O.
 *
 * INTERFACE STUB — being implemented; signatures are the contract other modules code against.
 */
import type { DriverProfile } from '../collections/people';
import type { RecipientLocation } from './contactWindow';

export type LocatableDriver = Pick<DriverProfile, 'phone' | 'home_state' | 'home_time_zone'>;

export function recipientLocation(_driver: LocatableDriver): RecipientLocation {
  throw new Error('recipientLocation: not implemented yet');
}
