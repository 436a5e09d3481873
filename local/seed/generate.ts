/**
 * Pure, deterministic demo-data generators (same seed → identical output). See `drivers.ts` for the
 * driver population and `demo-entities.ts` for the carrier, recruiters, members and saved searches.
 */
export { DEMO_AS_OF, DRIVER_MIX, driverId, generateDriver, generateDrivers, rootOf, type DriverGenerationOptions } from './drivers';
export {
  DEMO_ADMIN_MEMBER_ID,
  DEMO_CARRIER_DOT,
  DEMO_CARRIER_ID,
  demoCarrier,
  demoMembers,
  demoRecruiters,
  demoSavedSearches,
  demoStaffProfiles,
} from './demo-entities';
export { AREA_CODES_BY_STATE, DRIVER_WEIGHTS, STATE_BY_AREA_CODE, US_TIME_ZONES, coveragePlaces } from './geo';
