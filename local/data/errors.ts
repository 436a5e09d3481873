/**
 * Wix Data errors as the emulator raises them: `Error` objects whose `code` is the WDE code and whose
 * message starts with it, worded like the SDK's client-side messages (wix-data-items-common) and the
 * Wix error-code guide (reference §3.7).
 */
export class WixDataError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'WixDataError';
    this.code = code;
  }
}

/** A per-item failure inside a bulk result (`WixDataBulkError`). */
export class WixDataBulkItemError extends WixDataError {
  readonly originalIndex: number;
  readonly item: unknown;
  constructor(cause: WixDataError, originalIndex: number, item: unknown) {
    super(cause.code, cause.message.replace(/^WDE\d+: /, ''));
    this.name = 'BulkError';
    this.originalIndex = originalIndex;
    this.item = item;
  }
}

export const errors = {
  itemMustBeObject: (item: unknown, c: string) =>
    new WixDataError('WDE0004', `Failed to save [${String(item)}] into [${c}].\nItems must be JavaScript objects.`),
  itemsMustBeArray: (c: string) =>
    new WixDataError('WDE0005', `Failed to bulk save items into [${c}].\nItems must be an array of JavaScript objects and itemIds must be strings if present.`),
  bulkTooLarge: (c: string) =>
    new WixDataError('WDE0006', `Failed to bulk save items into [${c}].\nCannot insert more than 1000 items in one request`),
  bulkRemoveTooLarge: (c: string) =>
    new WixDataError('WDE0069', `Failed to remove items from [${c}].\nCannot remove more than 1000 items in one request`),
  itemIdsMustBeStrings: () => new WixDataError('WDE0068', 'Item ids must be an array of strings'),
  itemIdMustBeString: () => new WixDataError('WDE0002', 'ItemId must be a string.'),
  invalidId: (c: string) => new WixDataError('WDE0002', `Invalid _id for an item of [${c}]: _id must be a non-empty string.`),
  updateWithoutId: () => new WixDataError('WDE0007', 'Invalid update. Updated object must have a string _id property.'),
  tooLarge: () => new WixDataError('WDE0009', 'Document is too large. The maximum size for a single collection item is 512 KB.'),
  quota: (kind: 'read' | 'write', limit: number) =>
    new WixDataError('WDE0014', `Requests per minute quota exceeded: more than ${limit} ${kind} requests in the last minute.`),
  noCollection: (c: string) =>
    new WixDataError('WDE0025', `The ${c} collection does not exist. You cannot work with a collection using the Data API before it is created in the Editor.`),
  permission: (action: string, c: string) =>
    new WixDataError('WDE0027', `The current user does not have permissions to ${action} on the ${c} collection.`),
  timeout: (ms: number) =>
    new WixDataError('WDE0028', `Operation time limit exceeded: the request ran for more than 5 seconds (${Math.round(ms)} ms).`),
  mixedCollections: (op: string, c: string) =>
    new WixDataError('WDE0050', `Invalid .${op} parameter query for [${c}]. .${op} accepts WixDataQuery for the same collection only.`),
  notFound: (id: string, c: string) => new WixDataError('WDE0073', `Item [${id}] does not exist in collection [${c}].`),
  alreadyExists: (id: string, c: string) =>
    new WixDataError('WDE0074', `Failed to insert item into [${c}]: an item with _id [${id}] already exists.`),
  limitTooLarge: (max: number) => new WixDataError('WDE0077', `'limit' cannot exceed ${max}`),
  uniqueViolation: (c: string, fields: readonly string[]) =>
    new WixDataError('WDE0123', `Item with the same values of unique index fields [${fields.join(', ')}] already exists in collection [${c}].`),
  noNextPage: (c: string) => new WixDataError('WDE0165', `Invalid query on [${c}].\nThere is no next page.`),
  noPrevPage: (c: string) => new WixDataError('WDE0159', `Invalid query on [${c}].\nThere is no prev page.`),
} as const;

/** Query-builder argument problems are collected while chaining and reported when the query runs (as the SDK does). */
export interface DeferredProblem {
  readonly code: string;
  readonly message: string;
}

export const problems = {
  positive: (op: string, v: unknown): DeferredProblem => ({ code: 'WDE0033', message: `WDE0033: Invalid ${op} parameter [${String(v)}]. ${op} parameter must be a positive number.` }),
  nonNegative: (op: string, v: unknown): DeferredProblem => ({ code: 'WDE0034', message: `WDE0034: Invalid ${op} parameter [${String(v)}]. ${op} parameter must be a non-negative number.` }),
  integer: (op: string, v: unknown): DeferredProblem => ({ code: 'WDE0035', message: `WDE0035: Invalid ${op} parameter [${String(v)}]. ${op} parameter must be an integer.` }),
  mustBeString: (op: string, v: unknown): DeferredProblem => ({ code: 'WDE0044', message: `WDE0044: Invalid ${op} parameter value [${typeof v}]. ${op} parameter must be a String.` }),
  rangeType: (op: string, v: unknown): DeferredProblem => ({ code: 'WDE0045', message: `WDE0045: Invalid ${op} parameter value [${typeof v}]. Valid ${op} parameter types are String, Number or Date.` }),
  sameType: (op: string): DeferredProblem => ({ code: 'WDE0046', message: `WDE0046: Invalid ${op} parameter values. Both parameters must be of the same type.` }),
  fieldMustBeString: (op: string, v: unknown): DeferredProblem => ({ code: 'WDE0048', message: `WDE0048: Invalid ${op} field value [${typeof v}]. ${op} field must be a String.` }),
  mixed: (op: string, c: string): DeferredProblem => ({ code: 'WDE0050', message: errors.mixedCollections(op, c).message }),
  notFilter: (op: string): DeferredProblem => ({ code: 'WDE0049', message: `WDE0049: Invalid .${op} parameter. .${op} expects WixDataFilter only.` }),
};

/** The error a query/aggregate run rejects with when chaining collected problems. */
export function deferredError(kind: 'query' | 'aggregation', collectionId: string, list: readonly DeferredProblem[]): WixDataError {
  const first = list[0];
  const code = first ? first.code : 'WDE0000';
  const body = list.map((p) => p.message).join('\n');
  const err = new WixDataError(code, `Failed to perform ${kind} on [${collectionId}].\n${body}`);
  // Keep the SDK's message shape: "Failed to perform query on [C].\nWDE0033: …" while `code` names the first problem.
  Object.defineProperty(err, 'message', { value: `Failed to perform ${kind} on [${collectionId}].\n${body}` });
  return err;
}
