/** Shared fixture items and helpers for the contract suites. */
import type { EmulatedItems } from '../../../local/data';
import type { ContractTarget, ResultLike } from '../target';

export const PEOPLE: Record<string, unknown>[] = [
  { _id: 'a', name: 'Alice', age: 30, city: 'Austin', tags: ['x', 'y'], score: 5, joined: new Date('2020-01-01T00:00:00Z'), nested: { level: 1 }, flag: true },
  { _id: 'b', name: 'bob', age: 25, city: 'boston', tags: ['y'], score: '5', joined: new Date('2021-06-01T00:00:00Z'), nested: { level: 2 }, flag: false },
  { _id: 'c', name: 'Carol', age: 35, city: 'Chicago', tags: [], nested: { level: 3 }, note: '' },
  { _id: 'd', name: 'dave', age: 40, city: null, tags: ['z', 'x'] },
  { _id: 'e', name: 'Eve' },
  { _id: 'f', name: 'Frank', age: 30, city: 'AUSTIN', tags: ['Y'], score: 7 },
];

export function ids(r: ResultLike): string[] {
  return r.items.map((i) => String(i['_id'])).sort();
}

export function orderedIds(r: ResultLike): string[] {
  return r.items.map((i) => String(i['_id']));
}

export async function seedPeople(t: ContractTarget): Promise<void> {
  await t.clear();
  const res = await t.items.bulkInsert(t.collection, PEOPLE);
  if (res.inserted !== PEOPLE.length) throw new Error(`seeding failed: ${JSON.stringify(res)}`);
}

/** Resolves to the rejection's `code` (or fails the test when the promise resolves). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const code: unknown = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
    const message = e instanceof Error ? e.message : String(e);
    if (typeof code === 'string' && /^WDE\d{4}$/.test(code)) return code;
    const m = /WDE\d{4}/.exec(message);
    return m ? m[0] : `no-code: ${message}`;
  }
  throw new Error('expected a rejection');
}

/** One request of every kind on collections A and B: 6 reads and 9 writes (A: 6 reads, 8 writes; B: 1 write). */
export async function oneOfEveryRequest(it: EmulatedItems): Promise<void> {
  await it.insert('A', { _id: '1' });
  await it.bulkInsert('A', [{ _id: '2' }, { _id: '3' }]);
  await it.update('A', { _id: '1', v: 1 });
  await it.save('A', { _id: '4' });
  await it.remove('A', '4');
  await it.bulkUpdate('A', [{ _id: '2', v: 2 }]);
  await it.bulkSave('A', [{ _id: '5' }]);
  await it.bulkRemove('A', ['5']);
  await it.get('A', '1');
  const page = await it.query('A').limit(1).find();
  await page.next();
  await it.query('A').count();
  await it.query('A').distinct('v');
  await it.aggregate('A').count().run();
  await it.truncate('B');
}

export const EVERY_REQUEST_STATS = { reads: 6, writes: 9, byCollection: { A: { reads: 6, writes: 8 }, B: { reads: 0, writes: 1 } } };
