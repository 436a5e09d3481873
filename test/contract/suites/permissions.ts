/** Local only: permissions against the current call, for any emulator variant that serves `EmulatedItems`. */
import type { EmulatedCollectionConfig, EmulatedItems } from '../../../local/data';
import { auth } from '../../../local/wix/essentials';
import { runInCall, type CallContext } from '../../../local/runtime';
import { codeOf } from './fixtures';

export const member = (memberId: string | null, admin = false): CallContext => ({
  identity: { memberId, roles: admin ? ['Admin'] : memberId ? ['SiteMember'] : [] },
  elevated: false,
  kind: 'test',
  deadline: null,
});

export const PERMISSION_COLLECTIONS: readonly EmulatedCollectionConfig[] = [
  { id: 'Open', indexes: [], permissions: { read: 'Anyone', insert: 'Anyone', update: 'Anyone', remove: 'Anyone' } },
  { id: 'Members', indexes: [], permissions: { read: 'SiteMember', insert: 'SiteMember', update: 'SiteMember', remove: 'SiteMember' } },
  { id: 'Own', indexes: [], permissions: { read: 'Author', insert: 'SiteMember', update: 'Author', remove: 'Author' } },
  { id: 'AdminOnly', indexes: [], permissions: { read: 'Admin', insert: 'Admin', update: 'Admin', remove: 'Admin' } },
];

export interface PermissionTarget {
  readonly items: EmulatedItems;
  close(): unknown;
}

/** `open` makes a fresh emulator with the given collections for each test. */
export function definePermissionSuite(title: string, open: (collections: readonly EmulatedCollectionConfig[]) => Promise<PermissionTarget>): void {
  describe(title, () => {
    let em: PermissionTarget;
    beforeEach(async () => {
      em = await open(PERMISSION_COLLECTIONS);
    });
    afterEach(async () => {
      await em.close();
    });
    const as = <T>(call: CallContext, fn: () => Promise<T>): Promise<T> => runInCall(call, fn);

    test('Anyone passes for anonymous visitors', async () => {
      await expect(as(member(null), () => em.items.insert('Open', { a: 1 }))).resolves.toBeDefined();
    });
    test('SiteMember needs a signed-in member', async () => {
      expect(await codeOf(as(member(null), () => em.items.insert('Members', { a: 1 })))).toBe('WDE0027');
      expect(await codeOf(as(member(null), () => em.items.query('Members').find()))).toBe('WDE0027');
      await expect(as(member('m1'), () => em.items.insert('Members', { a: 1 }))).resolves.toBeDefined();
    });
    test('Author: _owner is the inserting member; only the owner updates/removes; reads see own items', async () => {
      const mine = await as(member('m1'), () => em.items.insert('Own', { a: 1 }));
      expect(mine['_owner']).toBe('m1');
      await as(member('m2'), () => em.items.insert('Own', { a: 2 }));
      expect(await codeOf(as(member('m2'), () => em.items.update('Own', { ...mine, a: 9 })))).toBe('WDE0027');
      expect(await codeOf(as(member('m2'), () => em.items.remove('Own', String(mine['_id']))))).toBe('WDE0027');
      await expect(as(member('m1'), () => em.items.update('Own', { ...mine, a: 3 }))).resolves.toBeDefined();
      const seen = await as(member('m2'), () => em.items.query('Own').find());
      expect(seen.items.map((i) => i['a'])).toEqual([2]);
      expect(await as(member('m2'), () => em.items.get('Own', String(mine['_id'])))).toBeNull();
    });
    test('Admin level: members are refused; the Admin role and elevated calls pass', async () => {
      expect(await codeOf(as(member('m1'), () => em.items.insert('AdminOnly', { a: 1 })))).toBe('WDE0027');
      await expect(as(member('owner', true), () => em.items.insert('AdminOnly', { a: 1 }))).resolves.toBeDefined();
      await expect(as(member(null), () => auth.elevate(em.items.insert)('AdminOnly', { a: 2 }))).resolves.toBeDefined();
    });
    test('auth.elevate(items.query)(C) returns a builder whose later find() runs elevated', async () => {
      await as(member('owner', true), () => em.items.insert('AdminOnly', { a: 1 }));
      const r = await as(member(null), async () => {
        const query = auth.elevate(em.items.query)('AdminOnly');
        return query.eq('a', 1).find();
      });
      expect(r.length).toBe(1);
      expect(await codeOf(as(member(null), () => em.items.query('AdminOnly').find()))).toBe('WDE0027');
    });
  });
}
