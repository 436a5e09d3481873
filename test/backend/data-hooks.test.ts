import { installTestRuntime, type TestRuntime } from '../support/runtime';
import { generateDriver } from '../../local/seed/generate';

describe('DriverProfiles data hooks (backend/data.ts)', () => {
  let rt: TestRuntime;
  beforeEach(() => {
    rt = installTestRuntime();
  });
  afterEach(() => rt.close());

  const base = () => ({ ...generateDriver(1, { seed: 3, carrierDot: '2233445' }) });

  it('stores a phone typed in any US format as E.164 and lower-cases the email, on insert and update', async () => {
    const items = rt.emulator.items;
    await rt.asJob(async () => {
      const saved = await items.insert('DriverProfiles', { ...base(), _id: 'd1', phone: '(512) 555-0142', email: '  Jo.Driver@Example.COM ' });
      expect(saved).toMatchObject({ phone: '+15125550142', email: 'jo.driver@example.com' });
      const updated = await items.update('DriverProfiles', { ...saved, phone: '214.555.0111' });
      expect(updated['phone']).toBe('+12145550111');
      expect((await items.get('DriverProfiles', 'd1'))?.['phone']).toBe('+12145550111');
    });
  });

  it('flags a number that is not a real phone number instead of pretending it is valid', async () => {
    await rt.asJob(async () => {
      const saved = await rt.emulator.items.insert('DriverProfiles', { ...base(), _id: 'd2', phone: '555-12', phone_valid: true });
      expect(saved).toMatchObject({ phone: '555-12', phone_valid: false });
    });
  });

  it('an existing _id is a duplicate (WDE0074) even in a collection with a unique index', async () => {
    await rt.asJob(async () => {
      const carrier = { _id: 'carrier-1', carrier_dot: '1234567', name: 'A', main_phone: '+12145550100', time_zone: 'America/Chicago', physical_address: { street: 'x', city: 'Dallas', state: 'TX', zip: '75241', country: 'US' }, sms_price_per_segment: 0.0079, sms_daily_cap_per_driver: 1, active: true };
      await rt.emulator.items.insert('Carriers', carrier);
      await expect(rt.emulator.items.insert('Carriers', carrier)).rejects.toMatchObject({ code: 'WDE0074' });
      const bulk = await rt.emulator.items.bulkInsert('Carriers', [carrier]);
      expect(bulk).toMatchObject({ inserted: 0, skipped: 1 });
      await expect(rt.emulator.items.insert('Carriers', { ...carrier, _id: 'carrier-2' })).rejects.toMatchObject({ code: 'WDE0123' });
    });
  });
});
