/**
 * Data hooks (`backend/data.js`). They run for every write, including CMS edits and imports, so
 * driver contact details are stored normalised whichever way they arrive.
 */
import { normalizeDriverContact } from './drivers/contact';

interface HookContext {
  collectionName: string;
  userId: string | null;
  userRole: string;
}

type Item = Record<string, unknown>;

export function DriverProfiles_beforeInsert(item: Item, _context: HookContext): Item {
  return normalizeDriverContact(item);
}

export function DriverProfiles_beforeUpdate(item: Item, _context: HookContext): Item {
  return normalizeDriverContact(item);
}
