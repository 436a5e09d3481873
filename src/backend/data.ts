/**
 * Data hooks (`backend/data.js`). They run for every write, including CMS edits and imports, so
 * driver contact details are stored normalised, with up-to-date reachability flags, whichever way
 * they arrive.
 */
import { normalizeDriverContact } from './drivers/contact';
import { withReachabilityFirst } from './outreach/audience/reachability';

interface HookContext {
  collectionName: string;
  userId: string | null;
  userRole: string;
}

type Item = Record<string, unknown>;

/**
 * Normalised contact fields, and the reachability flags derived from them. The flags lead the
 * stored item: audience estimates sum them over tens of thousands of items, and a JSON document
 * store finds leading keys sooner (Wix itself ignores key order).
 */
function prepareDriver(item: Item): Item {
  return withReachabilityFirst(normalizeDriverContact(item));
}

export function DriverProfiles_beforeInsert(item: Item, _context: HookContext): Item {
  return prepareDriver(item);
}

export function DriverProfiles_beforeUpdate(item: Item, _context: HookContext): Item {
  return prepareDriver(item);
}
