/** System fields, id rules, size cap and the single-row store writes shared by single and bulk operations. */
import { randomUUID } from 'node:crypto';
import type { CallContext } from '../runtime';
import { errors } from './errors';
import { isPrivileged } from './permissions';
import { isConstraintError, type CollectionStore } from './store';
import { encode, type Item } from './values';

export const MAX_ITEM_BYTES = 512 * 1024;

function encodeChecked(item: Item): string {
  const json = encode(item);
  // A quick length test first: a UTF-8 byte length is never below the UTF-16 length.
  if (json.length > MAX_ITEM_BYTES / 3 && Buffer.byteLength(json, 'utf8') > MAX_ITEM_BYTES) throw errors.tooLarge();
  return json;
}

/** `_id` missing/undefined → new UUID; `null`, `""` or a non-string → error. */
export function resolveId(draft: Item, collectionId: string): string {
  const id = draft['_id'];
  if (id === undefined) return randomUUID();
  if (typeof id !== 'string' || id === '') throw errors.invalidId(collectionId);
  return id;
}

/** Inserts `draft` as a new item: system fields, size cap, WDE0074 on an existing id. */
export function insertNew(store: CollectionStore, draft: Item, call: CallContext, now: number): Item {
  const id = resolveId(draft, store.id);
  const date = new Date(now);
  const explicitOwner = typeof draft['_owner'] === 'string' && isPrivileged(call) ? draft['_owner'] : undefined;
  const owner = explicitOwner ?? call.identity.memberId ?? undefined;
  const saved: Item = { ...draft, _id: id, _createdDate: date, _updatedDate: new Date(now) };
  if (owner !== undefined) saved['_owner'] = owner;
  else delete saved['_owner'];
  const json = encodeChecked(saved);
  try {
    store.insert(id, saved, json);
  } catch (e) {
    // SQLite names whichever constraint it checked first; an existing _id always wins (WDE0074).
    if (isConstraintError(e)) throw e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || store.get(id) ? errors.alreadyExists(id, store.id) : errors.uniqueViolation(store.id, []);
    throw e;
  }
  return saved;
}

/** Replaces the whole stored item, keeping `_createdDate`/`_owner` and bumping `_updatedDate` (WDE0073 when missing). */
export function replaceExisting(store: CollectionStore, draft: Item, now: number, known?: Item): { saved: Item; previous: Item } {
  const id = draft['_id'];
  if (typeof id !== 'string') throw errors.updateWithoutId();
  // `known`: the stored item the caller read inside the same transaction (bulk writes read it to plan).
  const previous = known ?? store.get(id);
  if (!previous) throw errors.notFound(id, store.id);
  const saved: Item = { ...draft, _id: id, _createdDate: previous['_createdDate'], _updatedDate: new Date(now) };
  if (previous['_owner'] !== undefined) saved['_owner'] = previous['_owner'];
  else delete saved['_owner'];
  const json = encodeChecked(saved);
  try {
    store.replace(id, saved, json);
  } catch (e) {
    if (isConstraintError(e)) throw errors.uniqueViolation(store.id, []);
    throw e;
  }
  return { saved, previous };
}
