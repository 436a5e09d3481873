/**
 * Generates `docs/collections.md` from the collection registry, so the CMS setup guide never drifts
 * from the schemas. `npx tsx local/seed/collections-doc.ts` rewrites the file; `--check` exits 1
 * when the committed file differs (a jest test checks the same).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FieldMeta } from '../../src/backend/collections/common';
import type { CollectionDef, CollectionPermissions } from '../../src/backend/collections/define';
import { SPEC_COLLECTION_IDS, WIX_INDEX_LIMITS, registry } from '../../src/backend/collections/registry';

export const COLLECTIONS_DOC_PATH = path.join(__dirname, '..', '..', 'docs', 'collections.md');

export interface FieldInfo {
  readonly name: string;
  readonly wixType: string;
  readonly required: boolean;
  readonly nullable: boolean;
  readonly notes: string;
}

function metaOf(schema: z.ZodType): FieldMeta | undefined {
  const meta = z.globalRegistry.get(schema);
  return meta === undefined ? undefined : (meta as FieldMeta);
}

interface Unwrapped {
  readonly core: z.ZodType;
  readonly optional: boolean;
  readonly nullable: boolean;
  readonly defaultValue: unknown;
  readonly meta: FieldMeta | undefined;
}

function unwrap(schema: z.ZodType): Unwrapped {
  let current: z.ZodType = schema;
  let optional = false;
  let nullable = false;
  let defaultValue: unknown = undefined;
  let meta = metaOf(current);
  for (;;) {
    if (current instanceof z.ZodOptional) {
      optional = true;
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodNullable) {
      nullable = true;
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodDefault) {
      optional = true;
      defaultValue = current.def.defaultValue;
      current = current.unwrap() as z.ZodType;
    } else {
      break;
    }
    meta = meta ?? metaOf(current);
  }
  return { core: current, optional, nullable, defaultValue, meta };
}

function shortList(values: readonly unknown[], max = 12): string {
  const shown = values.slice(0, max).map((v) => `\`${String(v)}\``);
  return values.length > max ? `${shown.join(', ')}, …` : shown.join(', ');
}

/** Wix CMS field type and a note describing the shape, for one schema. */
export function describeType(schema: z.ZodType): { wixType: string; notes: string } {
  const { core, meta } = unwrap(schema);
  if (meta?.wixType === 'Reference') return { wixType: `Reference → ${meta.references ?? '?'}`, notes: '' };
  if (meta?.wixType === 'Rich Text') return { wixType: 'Rich Text', notes: '' };
  const secret = meta?.secret === true ? 'secret: encrypted at rest, backend only' : '';
  if (core instanceof z.ZodString) return { wixType: 'Text', notes: secret };
  if (core instanceof z.ZodNumber) return { wixType: 'Number', notes: '' };
  if (core instanceof z.ZodBoolean) return { wixType: 'Boolean', notes: '' };
  if (core instanceof z.ZodDate) return { wixType: 'Date and Time', notes: '' };
  if (core instanceof z.ZodEnum) return { wixType: 'Text', notes: `one of ${shortList(core.options)}` };
  if (core instanceof z.ZodLiteral) return { wixType: 'Text', notes: `always ${shortList([...core.values])}` };
  if (core instanceof z.ZodUnion) {
    const parts = (core.options as readonly z.ZodType[]).map((o) => describeType(o));
    const types = [...new Set(parts.map((p) => p.wixType))];
    const disc = core instanceof z.ZodDiscriminatedUnion ? `union on \`${String(core.def.discriminator)}\`` : '';
    const notes = disc || parts.map((p) => p.notes).filter((n) => n !== '').join('; or ');
    return { wixType: types.length === 1 ? (types[0] ?? 'Text') : types.join(' or '), notes };
  }
  if (core instanceof z.ZodArray) {
    const element = describeType(core.element as z.ZodType);
    if (element.wixType === 'Text' && element.notes === '') return { wixType: 'Tags', notes: 'array of text' };
    return { wixType: 'Array', notes: `of ${element.wixType}${element.notes ? ` (${element.notes})` : ''}` };
  }
  if (core instanceof z.ZodObject) {
    return { wixType: 'Object', notes: `{ ${Object.keys(core.shape).join(', ')} }` };
  }
  if (core instanceof z.ZodRecord) {
    const key = unwrap(core.keyType as z.ZodType).core;
    const keys = key instanceof z.ZodEnum ? `keys ${shortList(key.options)}` : 'any keys';
    const value = unwrap(core.valueType as z.ZodType).core;
    const valueNote = value instanceof z.ZodObject ? `{ ${Object.keys(value.shape).join(', ')} }` : describeType(value).wixType;
    return { wixType: 'Object', notes: `${keys} → ${valueNote}` };
  }
  return { wixType: 'Text', notes: '' };
}

export function fieldsOf(def: CollectionDef): FieldInfo[] {
  return Object.entries(def.schema.shape).map(([name, schema]) => {
    const field = schema as z.ZodType;
    const u = unwrap(field);
    const { wixType, notes } = describeType(field);
    const extra = name.startsWith('_') ? 'Wix system field' : u.defaultValue !== undefined ? `default \`${JSON.stringify(u.defaultValue)}\`` : '';
    return {
      name,
      wixType,
      required: !u.optional && !u.nullable,
      nullable: u.nullable,
      notes: [notes, extra].filter((n) => n !== '').join('; '),
    };
  });
}

function esc(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function permissionsText(p: CollectionPermissions): string {
  return `read ${p.read} · insert ${p.insert} · update ${p.update} · remove ${p.remove}`;
}

const INTRO = `# Collections

Generated from \`src/backend/collections/\` by \`npx tsx local/seed/collections-doc.ts\` — do not edit by
hand; a test fails when this file and the registry disagree.

Create each collection below in the Wix CMS with the listed field keys (exactly, snake_case) and
types, add the indexes, and set the permissions. The local host creates the same collections and
indexes from the registry.

## Conventions

- **Tenancy.** Every collection carries \`carrier_dot\` (the carrier's USDOT number), and every query
  starts with it. **A DriverProfile belongs to one carrier**: a Wix site's collection is shared by
  all carriers on the site, so the same person known to two carriers is two items, each with its
  own consent records, opt-outs, tags and contact history. Consent given to one carrier is never
  used by another (TCPA consent is per seller), and one carrier never sees another's drivers.
  \`SMSOptOuts\` and \`ComplianceAuditLog\` also accept \`carrier_dot = 'all'\` (STOPALL / revoke-all).
- **Permissions.** Backend only (Admin for every action) by default: site members reach data through
  web methods, which check that the member belongs to the carrier.
- **Dates** are Date and Time fields (JavaScript \`Date\`). Fields marked *no* under Required may be
  missing; fields marked *null* may also hold \`null\` (set later, e.g. \`sent_at\`).
- **Ids** are deterministic where a rerun must not duplicate work: drivers
  \`drv-<dot>-<index>\` (demo data), messages campaign + driver (+ run), enrollments sequence +
  driver, analytics carrier + day + channel + campaign.
- **Phones** are E.164 (\`+15125550100\`); \`phone_valid\` says whether the number is real and dialable.
- **Vocabulary.** Every enumerated value comes from a \`const\` tuple in
  \`src/backend/collections/vocabulary.ts\` (e.g. \`DRIVER_STATUSES\`, \`CDL_CLASSES\`,
  \`SMS_MESSAGE_STATUSES\`); UI and backend import the same lists.
- **Indexes** stay within ${WIX_INDEX_LIMITS.regular} regular + ${WIX_INDEX_LIMITS.unique} unique per collection, at most
  ${WIX_INDEX_LIMITS.fieldsPerIndex} fields each, tenant field first, then status / time fields.

Spec collections (§3.1–3.5): ${SPEC_COLLECTION_IDS.map((id) => `\`${id}\``).join(', ')}. Added for the
features the spec assumes: \`Carriers\`, \`RecruiterProfiles\`, \`DriverProfiles\`, \`SavedSearches\`,
\`ComplianceAuditLog\`.
`;

export function renderCollectionsDoc(): string {
  const parts: string[] = [INTRO];
  parts.push('## Contents\n');
  for (const def of registry) parts.push(`- [${def.id}](#${def.id.toLowerCase()})`);
  parts.push('');
  for (const def of registry) {
    parts.push(`## ${def.id}\n`);
    parts.push(`${esc(def.description)}\n`);
    parts.push(`Permissions: ${permissionsText(def.permissions)}\n`);
    parts.push('| Field | Wix type | Required | Notes |');
    parts.push('|---|---|---|---|');
    for (const f of fieldsOf(def)) {
      const req = f.required ? 'yes' : f.nullable ? 'null' : 'no';
      parts.push(`| \`${f.name}\` | ${esc(f.wixType)} | ${req} | ${esc(f.notes)} |`);
    }
    parts.push('');
    if (def.indexes.length === 0) {
      parts.push('Indexes: none beyond the system fields.\n');
    } else {
      parts.push('| Index | Fields | Unique |');
      parts.push('|---|---|---|');
      def.indexes.forEach((ix, i) => {
        parts.push(`| ${i + 1} | ${ix.fields.map((f) => `\`${f.name}\` ${f.order}`).join(', ')} | ${ix.unique === true ? 'yes' : 'no'} |`);
      });
      parts.push('');
    }
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

if (require.main === module) {
  const text = renderCollectionsDoc();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(COLLECTIONS_DOC_PATH) ? fs.readFileSync(COLLECTIONS_DOC_PATH, 'utf8') : '';
    if (current !== text) {
      process.stderr.write('docs/collections.md is out of date: run `npx tsx local/seed/collections-doc.ts`\n');
      process.exitCode = 1;
    }
  } else {
    fs.mkdirSync(path.dirname(COLLECTIONS_DOC_PATH), { recursive: true });
    fs.writeFileSync(COLLECTIONS_DOC_PATH, text);
    process.stdout.write(`wrote ${path.relative(process.cwd(), COLLECTIONS_DOC_PATH)} (${registry.length} collections)\n`);
  }
}
