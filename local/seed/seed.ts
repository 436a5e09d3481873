/**
 * Writes the demo tenant and its drivers through a `@wix/data`-like `items` object, in bulk calls of
 * at most 1000 items. Every item has a deterministic `_id`, so running it again skips what exists
 * instead of duplicating it. The local host calls this on first start (5,000 drivers).
 */
import { collections } from '../../src/backend/collections/registry';
import { DEMO_AS_OF, generateDrivers } from './drivers';
import { DEMO_CARRIER_DOT, demoCarrier, demoSavedSearches, demoStaffProfiles } from './demo-entities';
import { createDriverSummarizer, type DriverSummary } from './summary';

export const MAX_BULK_ITEMS = 1000;

export interface BulkInsertResult {
  readonly inserted: number;
  readonly skipped: number;
  readonly errors?: readonly unknown[];
}

/** The part of `@wix/data` `items` the seeder needs. */
export interface BulkInsertTarget {
  bulkInsert(collectionId: string, items: Record<string, unknown>[]): Promise<BulkInsertResult>;
}

export interface SeedOptions {
  readonly items: BulkInsertTarget;
  readonly drivers: number;
  readonly seed: number;
  readonly carrierDot?: string;
  readonly asOf?: Date;
  /** Called after each driver page with the number of drivers written so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SeedReport {
  readonly inserted: Readonly<Record<string, number>>;
  readonly skipped: Readonly<Record<string, number>>;
  readonly bulkCalls: number;
  readonly drivers: DriverSummary;
}

export function isBulkInsertTarget(value: unknown): value is BulkInsertTarget {
  return typeof value === 'object' && value !== null && typeof (value as { bulkInsert?: unknown }).bulkInsert === 'function';
}

export async function seedDemoData(options: SeedOptions): Promise<SeedReport> {
  if (!isBulkInsertTarget(options.items)) throw new Error('seedDemoData: items must provide bulkInsert(collectionId, items)');
  const carrierDot = options.carrierDot ?? DEMO_CARRIER_DOT;
  const inserted: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  let bulkCalls = 0;

  const write = async (collectionId: string, items: Record<string, unknown>[]): Promise<void> => {
    for (let from = 0; from < items.length; from += MAX_BULK_ITEMS) {
      const chunk = items.slice(from, from + MAX_BULK_ITEMS);
      const result = await options.items.bulkInsert(collectionId, chunk);
      bulkCalls++;
      if (result.errors && result.errors.length > 0) {
        const first = result.errors[0];
        throw new Error(`bulkInsert into ${collectionId} failed for ${result.errors.length} item(s): ${first instanceof Error ? first.message : JSON.stringify(first)}`);
      }
      inserted[collectionId] = (inserted[collectionId] ?? 0) + result.inserted;
      skipped[collectionId] = (skipped[collectionId] ?? 0) + result.skipped;
    }
  };

  await write(collections.Carriers.id, [demoCarrier(carrierDot)]);
  await write(collections.RecruiterProfiles.id, demoStaffProfiles(carrierDot));
  await write(collections.SavedSearches.id, demoSavedSearches(carrierDot));

  const summary = createDriverSummarizer();
  let done = 0;
  const pages = generateDrivers({ count: options.drivers, seed: options.seed, carrierDot, asOf: options.asOf ?? DEMO_AS_OF, pageSize: MAX_BULK_ITEMS });
  for (const page of pages) {
    await write(collections.DriverProfiles.id, page);
    for (const d of page) summary.add(d);
    done += page.length;
    options.onProgress?.(done, options.drivers);
  }
  return { inserted, skipped, bulkCalls, drivers: summary.result() };
}
