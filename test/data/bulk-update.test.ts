/**
 * `items.bulkUpdate` / `bulkSave` over existing items: what is kept of the stored item (`_createdDate`,
 * `_owner`), with and without update hooks (without them only the stored system fields are read).
 */
import { createDataEmulator, type LocalDataEmulator } from '../../local/data';
import { runAsAdmin, runInCall } from '../../local/runtime';

const MEMBER = { identity: { memberId: 'member-1', roles: [] }, elevated: false, kind: 'webMethod', deadline: null } as const;
/** A scheduled job: no member, so what it inserts has no `_owner`. */
const JOB = { identity: { memberId: null, roles: ['Admin'] }, elevated: true, kind: 'job', deadline: null } as const;

describe.each([
  ['without update hooks', false],
  ['with update hooks', true],
] as const)('emulator bulkUpdate and bulkSave %s', (_name, withHooks) => {
  let em: LocalDataEmulator;
  const seen: Record<string, unknown>[] = [];
  beforeEach(async () => {
    seen.length = 0;
    const hooks = withHooks
      ? {
          T_beforeUpdate: (item: Record<string, unknown>, context: { currentItem?: Record<string, unknown> | null }) => ({ ...item, before: context.currentItem?.['n'] ?? null }),
          T_afterUpdate: (item: Record<string, unknown>) => {
            seen.push(item);
            return item;
          },
        }
      : {};
    em = createDataEmulator({ dataDir: null, collections: [{ id: 'T', indexes: [] }], hooks });
    // Owned by the member who inserted them; one without an owner (inserted by the site).
    await runInCall(MEMBER, () => em.items.bulkInsert('T', [{ _id: 'a', n: 1, gone: true }, { _id: 'b', n: 2, when: new Date('2026-01-02T03:04:05.678Z') }]));
    await runInCall(JOB, () => em.items.insert('T', { _id: 'c', n: 3 }));
  });
  afterEach(() => em.close());

  it('replaces the items, keeping each stored _createdDate and _owner, and reports missing ids', async () => {
    const before = await runAsAdmin(() => em.items.query('T').ascending('_id').find());
    const result = await runAsAdmin(() => em.items.bulkUpdate('T', [{ _id: 'a', n: 10 }, { _id: 'ghost', n: 0 }, { _id: 'b', n: 20 }, { _id: 'c', n: 30, _owner: 'someone-else' }]));
    expect(result).toMatchObject({ updated: 3, updatedItemIds: ['a', 'b', 'c'] });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ code: 'WDE0073', originalIndex: 1 });
    const after = await runAsAdmin(() => em.items.query('T').ascending('_id').find());
    expect(after.items.map((i) => [i['_id'], i['n'], i['_owner'], (i['_createdDate'] as Date).getTime()])).toEqual(
      before.items.map((i, k) => [i['_id'], [10, 20, 30][k], i['_owner'], (i['_createdDate'] as Date).getTime()]),
    );
    expect(after.items[0]).not.toHaveProperty('gone');
    expect(after.items[1]).not.toHaveProperty('when');
    expect(after.items.map((i) => i['_owner'])).toEqual(['member-1', 'member-1', undefined]);
    if (withHooks) {
      expect(after.items.map((i) => i['before'])).toEqual([1, 2, 3]);
      expect(seen.map((i) => i['_id'])).toEqual(['a', 'b', 'c']);
    }
  });

  it('bulkSave replaces existing items the same way and inserts new ones', async () => {
    const stored = await runAsAdmin(() => em.items.get('T', 'a'));
    const result = await runAsAdmin(() => em.items.bulkSave('T', [{ _id: 'a', n: 11 }, { _id: 'd', n: 4 }]));
    expect(result).toMatchObject({ inserted: 1, updated: 1, insertedItemIds: ['d'], updatedItemIds: ['a'] });
    const a = await runAsAdmin(() => em.items.get('T', 'a'));
    expect(a).toMatchObject({ n: 11, _owner: 'member-1', _createdDate: stored?.['_createdDate'] });
  });
});
