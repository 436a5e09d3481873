/** Declared indexes serve filtered queries: SQLite searches the index instead of scanning the table. */
import { createDataEmulator, type LocalDataEmulator } from '../../local/data';
import { emulatedCollectionConfigs } from '../../src/backend/collections/registry';
import { runAsAdmin } from '../../local/runtime';

describe('declared indexes', () => {
  let em: LocalDataEmulator;
  beforeAll(async () => {
    em = createDataEmulator({ dataDir: null, collections: emulatedCollectionConfigs(), strictCollections: true });
    await runAsAdmin(() => em.items.bulkInsert('DriverProfiles', [
      { _id: 'a', carrier_dot: '1', status: 'job_seeking', cdl_class: 'A', phone: '+15125550101', endorsements: ['H'], years_experience: 3 },
      { _id: 'b', carrier_dot: '1', status: 'employed', cdl_class: 'B', phone: '+15125550102', endorsements: [], years_experience: 9 },
    ]));
  });
  afterAll(() => em.close());

  const plan = (build: (q: ReturnType<LocalDataEmulator['items']['query']>) => ReturnType<LocalDataEmulator['items']['query']>): string =>
    build(em.items.query('DriverProfiles')).explainPlan().join(' | ');

  it('uses the registry index for tenant + status filters and for phone look-ups', () => {
    expect(plan((q) => q.eq('carrier_dot', '1').eq('status', 'job_seeking'))).toMatch(/SEARCH .*USING INDEX .*carrier_dot,status/);
    expect(plan((q) => q.eq('carrier_dot', '1').eq('phone', '+15125550101'))).toMatch(/SEARCH .*USING INDEX .*carrier_dot,phone/);
  });

  it('scans when no declared index covers the filter', () => {
    expect(plan((q) => q.ge('years_experience', 5))).toMatch(/SCAN/);
    expect(plan((q) => q.ge('years_experience', 5))).not.toMatch(/USING INDEX/);
  });

  it('returns the same items either way', async () => {
    const viaIndex = await runAsAdmin(() => em.items.query('DriverProfiles').eq('carrier_dot', '1').eq('status', 'job_seeking').find());
    expect(viaIndex.items.map((i) => i['_id'])).toEqual(['a']);
  });
});
