/**
 * Contact-window bench: `recipientLocation` + `checkContactWindow` over 100K drivers spread over
 * every area code and state, at instants across a week (open, closed, Sunday, DST day), with and
 * without a campaign send window. Figures → bench/results/contact-window.json.
 * Run: `npx tsx bench/contact-window.bench.ts` or `npm run bench -- contact-window`.
 */
import type { SendWindow } from '../src/backend/collections/common';
import { US_JURISDICTIONS } from '../src/backend/collections/vocabulary';
import { checkContactWindow } from '../src/backend/outreach/contactWindow';
import { US_AREA_CODES } from '../src/backend/outreach/data/usAreaCodes';
import { US_STATE_ZONES } from '../src/backend/outreach/data/usStateZones';
import { recipientLocation, type LocatableDriver } from '../src/backend/outreach/location';
import { mulberry32 } from '../local/prng';
import { medianMs, writeResults } from './lib/results';

const DRIVERS = 100_000;
const SEND_WINDOW: SendWindow = { start_hour: 9, end_hour: 20, timezone: 'recipient', days: [1, 2, 3, 4, 5] };

function drivers(): LocatableDriver[] {
  const r = mulberry32(7);
  const areaCodes = Object.keys(US_AREA_CODES);
  return Array.from({ length: DRIVERS }, () => {
    const roll = r();
    const state = US_JURISDICTIONS[Math.floor(r() * US_JURISDICTIONS.length)] ?? 'TX';
    const zones = US_STATE_ZONES[state];
    const areaCode = areaCodes[Math.floor(r() * areaCodes.length)] ?? '512';
    return {
      // 5% unknown phone and home (the widest window), 15% phone only, the rest phone + home.
      phone: roll < 0.05 ? null : `+1${areaCode}${String(2_000_000 + Math.floor(r() * 7_999_999))}`,
      home_state: roll < 0.2 ? null : state,
      home_time_zone: roll < 0.2 || r() < 0.3 ? null : (zones[Math.floor(r() * zones.length)] ?? null),
    };
  });
}

export async function run(): Promise<Record<string, unknown>> {
  const population = drivers();
  // A week of instants: weekday afternoon/evening/night, Saturday, Sunday, the fall-back Sunday.
  const instants = ['2025-07-01T18:30:00Z', '2025-07-02T00:30:00Z', '2025-07-02T08:00:00Z', '2025-07-05T16:00:00Z', '2025-07-06T17:00:00Z', '2025-11-02T06:30:00Z'].map((s) => new Date(s));
  let allowed = 0;
  let checks = 0;
  const pass = (sendWindow: SendWindow | null): void => {
    for (const now of instants) {
      for (const driver of population) {
        const result = checkContactWindow({ now, channel: 'sms', location: recipientLocation(driver), sendWindow });
        if (result.allowed) allowed += 1;
        checks += 1;
      }
    }
  };
  pass(null); // warm-up: zone tables and compiled plans
  pass(SEND_WINDOW);
  const perPass = DRIVERS * instants.length;
  checks = 0;
  allowed = 0;
  const legal = await medianMs(3, () => pass(null));
  const withWindow = await medianMs(3, () => pass(SEND_WINDOW));
  const figures = {
    drivers: DRIVERS,
    instants: instants.length,
    checksPerPass: perPass,
    legalOnly: { ...legal, checksPerSecond: Math.round(perPass / (legal.median / 1000)) },
    withSendWindow: { ...withWindow, checksPerSecond: Math.round(perPass / (withWindow.median / 1000)) },
    allowedShare: Math.round((allowed / checks) * 1000) / 1000,
    note: 'each check includes recipientLocation(driver) (memoised per area code + home) and checkContactWindow',
  };
  const path = writeResults('contact-window', figures);
  console.log(`contact-window: ${figures.legalOnly.checksPerSecond} checks/s (legal), ${figures.withSendWindow.checksPerSecond} checks/s (with send window) → ${path}`);
  return figures;
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
