import { collections } from '../../src/backend/collections';
import { getOutreachOverview, getRecruiterContext } from '../../src/backend/recruiterService.web';
import { elevatedCollection } from '../../src/backend/platform';
import { webMethodAnnotation } from '../../local/wix/web-module';
import { seedDemoData } from '../../local/seed/seed';
import { demoCarrier, demoMembers, demoStaffProfiles, DEMO_CARRIER_DOT } from '../../local/seed/demo-entities';
import type { LocalMember } from '../../local/runtime';
import { installTestRuntime, type TestRuntime } from '../support/runtime';

const members = demoMembers();
const member = (id: string): LocalMember => {
  const m = members.find((x) => x._id === id);
  if (!m) throw new Error(`no demo member ${id}`);
  return m;
};
const OTHER_DOT = '9988776';
const outsider: LocalMember = { _id: 'member-other', loginEmail: 'o@other.example', firstName: 'Otto', lastName: 'Other', roles: ['SiteMember'] };
const stranger: LocalMember = { _id: 'member-stranger', loginEmail: 's@x.example', firstName: 'S', lastName: 'X', roles: ['SiteMember'] };

describe('recruiterService web methods', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = installTestRuntime({ members: [...members, outsider, stranger] });
    await rt.asJob(async () => {
      await seedDemoData({ items: rt.emulator.items, drivers: 300, seed: 11 });
      const other = { ...demoCarrier(OTHER_DOT), name: 'Other Carrier Inc' };
      await elevatedCollection(collections.Carriers).insert(other);
      const [profile] = demoStaffProfiles(OTHER_DOT);
      if (!profile) throw new Error('no profile');
      await elevatedCollection(collections.RecruiterProfiles).insert({ ...profile, _id: 'recruiter-other', member_id: outsider._id });
    });
  });
  afterAll(() => rt.close());

  it('are declared as SiteMember web methods', () => {
    expect(webMethodAnnotation(getRecruiterContext)?.permission).toBe('SiteMember');
    expect(webMethodAnnotation(getOutreachOverview)?.permission).toBe('SiteMember');
  });

  it('returns the signed-in recruiter and their carrier', async () => {
    const result = await rt.as(member('member-recruiter-2'), () => getRecruiterContext());
    expect(result).toMatchObject({ success: true, carrier: { carrier_dot: DEMO_CARRIER_DOT, name: 'Lone Star Freight Lines' }, recruiter: { first_name: 'Marcus', role: 'recruiter' } });
  });

  it('counts exactly what the store holds for the carrier', async () => {
    const result = await rt.as(member('member-recruiter-1'), () => getOutreachOverview(DEMO_CARRIER_DOT));
    if (!result.success) throw new Error(result.error);
    const truth = await rt.asJob(async () => {
      const all = [];
      for await (const page of elevatedCollection(collections.DriverProfiles).pages((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT))) all.push(...page);
      return all;
    });
    expect(result.overview.drivers).toBe(300);
    expect(result.overview.drivers).toBe(truth.length);
    expect(result.overview.sms_consent).toBe(truth.filter((d) => d.sms_consent?.granted === true).length);
    expect(result.overview.invalid_phones).toBe(truth.filter((d) => !d.phone_valid).length);
    const statusTotal = Object.values(result.overview.by_status).reduce((a, b) => a + b, 0);
    expect(statusTotal).toBe(300);
  });

  it("refuses another carrier's data", async () => {
    const result = await rt.as(outsider, () => getOutreachOverview(DEMO_CARRIER_DOT));
    expect(result).toMatchObject({ success: false, code: 'FORBIDDEN' });
    const own = await rt.as(outsider, () => getOutreachOverview(OTHER_DOT));
    expect(own).toMatchObject({ success: true, overview: { carrier_name: 'Other Carrier Inc', drivers: 0 } });
  });

  it('lets the site admin act on a named carrier only', async () => {
    const admin = member('member-admin');
    expect(await rt.as(admin, () => getOutreachOverview(OTHER_DOT))).toMatchObject({ success: true });
    expect(await rt.as(admin, () => getOutreachOverview('1111111'))).toMatchObject({ success: false, code: 'FORBIDDEN' });
  });

  it('answers anonymous visitors and unlinked members with a clear error', async () => {
    expect(await rt.as(null, () => getRecruiterContext())).toMatchObject({ success: false, code: 'NOT_SIGNED_IN' });
    expect(await rt.as(stranger, () => getRecruiterContext())).toMatchObject({ success: false, code: 'FORBIDDEN', error: expect.stringContaining('not linked to a carrier') });
  });

  it('rejects bad input before reading anything', async () => {
    rt.emulator.resetStats();
    const result = await rt.as(member('member-recruiter-1'), () => (getOutreachOverview as (...a: unknown[]) => Promise<unknown>)('DOT-12'));
    expect(result).toMatchObject({ success: false, code: 'INVALID_INPUT', error: expect.stringContaining('USDOT') });
    expect(rt.emulator.stats().reads).toBe(0);
  });
});
