/**
 * How a collection is declared: one zod schema (type + validation), its indexes and its permissions.
 * The registry (`./registry.ts`) lists every collection; the local host creates them from it and
 * `docs/collections.md` is generated from it for setting up the real site's CMS.
 */
import * as z from 'zod';

/** Wix CMS permission levels for a collection action. */
export type CollectionPermission = 'Anyone' | 'SiteMember' | 'Author' | 'Admin';

export interface CollectionPermissions {
  readonly read: CollectionPermission;
  readonly insert: CollectionPermission;
  readonly update: CollectionPermission;
  readonly remove: CollectionPermission;
}

/** Backend-only data: members reach it through web methods, never directly. */
export const BACKEND_ONLY: CollectionPermissions = Object.freeze({ read: 'Admin', insert: 'Admin', update: 'Admin', remove: 'Admin' });

export interface IndexField {
  readonly name: string;
  readonly order: 'ASC' | 'DESC';
}

export interface IndexDef {
  readonly fields: readonly IndexField[];
  readonly unique?: boolean;
}

/** Wix system fields, present on every stored item. */
export const systemFields = {
  _id: z.string().min(1),
  _createdDate: z.date().optional(),
  _updatedDate: z.date().optional(),
  _owner: z.string().optional(),
};

export interface CollectionDef<Shape extends z.ZodRawShape = z.ZodRawShape> {
  readonly id: string;
  readonly description: string;
  /** The item schema, including the system fields. */
  readonly schema: z.ZodObject<Shape>;
  readonly indexes: readonly IndexDef[];
  readonly permissions: CollectionPermissions;
}

/** A stored item of a collection. */
export type ItemOf<D extends CollectionDef> = z.infer<D['schema']>;

/** `asc('carrier_dot', 'status')` → an ascending compound index. */
export function index(...fields: string[]): IndexDef {
  return { fields: fields.map((name) => ({ name, order: 'ASC' as const })) };
}

export function uniqueIndex(...fields: string[]): IndexDef {
  return { ...index(...fields), unique: true };
}

export function defineCollection<Shape extends z.ZodRawShape>(def: {
  id: string;
  description: string;
  fields: Shape;
  indexes?: readonly IndexDef[];
  permissions?: CollectionPermissions;
}): CollectionDef<typeof systemFields & Shape> {
  return {
    id: def.id,
    description: def.description,
    schema: z.object({ ...systemFields, ...def.fields }),
    indexes: def.indexes ?? [],
    permissions: def.permissions ?? BACKEND_ONLY,
  };
}
