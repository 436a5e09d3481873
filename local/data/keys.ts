/**
 * Index keys kept apart from the item. Each collection table holds, beside the item's JSONB (`data`),
 * a `keys` JSONB with only the top-level fields its declared indexes read, and the indexes are built
 * on `keys`. SQLite rewrites the entries of every expression index over a column an UPDATE sets,
 * whether or not the indexed value changed: with indexes over `data`, patching one unindexed field
 * (a wave's `last_sms_at`) rewrote every index entry of every patched item. With the keys apart, a
 * write that changes no indexed field sets `data` alone and leaves the indexes untouched.
 *
 * Invariant: for every row, `keys` holds exactly the key fields `data` holds, with the same JSON
 * values (a missing field stays missing). Queries read an indexed field from `keys` and every other
 * field from `data`, so both give the same answers.
 */
import { isSqlField } from './sql';
import type { Db } from './store';
import type { EmulatedCollectionConfig } from './types';
import { encode, type Item } from './values';

export type Column = 'keys' | 'data';

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const quoteText = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** The declared indexes SQL can build (every field a plain path), unique ones marked. */
function sqlIndexes(config: EmulatedCollectionConfig): { readonly fields: readonly string[]; readonly unique: boolean }[] {
  const all = [...config.indexes.map((fields) => ({ fields, unique: false })), ...(config.uniqueIndexes ?? []).map((fields) => ({ fields, unique: true }))];
  return all.filter((ix) => ix.fields.length > 0 && ix.fields.every(isSqlField));
}

export class KeyFields {
  /** Top-level field names the indexes read, sorted. */
  readonly names: readonly string[];
  private readonly set: ReadonlySet<string>;

  constructor(config: EmulatedCollectionConfig) {
    this.names = [...new Set(sqlIndexes(config).flatMap((ix) => ix.fields.map((f) => f.split('.')[0] ?? f)))].sort();
    this.set = new Set(this.names);
  }

  /** Whether the top-level field `name` is a key field. */
  has(name: string): boolean {
    return this.set.has(name);
  }

  /** The column an expression on `field` (a dotted path) reads. */
  columnOf(field: string): Column {
    const dot = field.indexOf('.');
    return this.set.has(dot < 0 ? field : field.slice(0, dot)) ? 'keys' : 'data';
  }

  /** The `keys` JSON of an item: its key fields that hold a value, encoded as `data` encodes them. */
  encode(item: Item): string {
    const picked: Item = {};
    for (const name of this.names) {
      const value = item[name];
      if (value !== undefined) picked[name] = value;
    }
    return encode(picked);
  }

  /** SQL computing `keys` from the stored `data` of the row (for rows written before the layout, or before the key fields changed). */
  fromDataSql(): string {
    if (this.names.length === 0) return `jsonb('{}')`;
    return `(SELECT COALESCE(jsonb_group_object(je.key, data -> je.fullkey), jsonb('{}')) FROM json_each(data) je WHERE je.key IN (${this.names.map(quoteText).join(',')}))`;
  }
}

/**
 * Creates or brings up to date a collection's table and indexes: a table of the older layout (no
 * `keys` column) is rebuilt with the same rowids (insertion order); stored keys are recomputed when
 * the key fields changed; indexes no longer declared are dropped.
 */
export function prepareTable(db: Db, table: string, config: EmulatedCollectionConfig, keys: KeyFields, valueExpr: (field: string) => string): void {
  db.transaction(() => {
    const columns = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info(${quoteText(table)})`).all().map((c) => c.name);
    const layout = `(_id TEXT PRIMARY KEY NOT NULL, keys BLOB NOT NULL, data BLOB NOT NULL)`;
    const stored = db.prepare<[string], { fields: string }>('SELECT fields FROM "__key_fields" WHERE collection = ?').get(config.id)?.fields;
    const current = JSON.stringify(keys.names);
    if (columns.length === 0) {
      db.exec(`CREATE TABLE ${quoteIdent(table)} ${layout}`);
    } else if (!columns.includes('keys')) {
      const rebuilt = quoteIdent(`${table}:rebuild`);
      db.exec(`DROP TABLE IF EXISTS ${rebuilt}`);
      db.exec(`CREATE TABLE ${rebuilt} ${layout}`);
      db.exec(`INSERT INTO ${rebuilt} (rowid, _id, keys, data) SELECT rowid, _id, ${keys.fromDataSql()}, data FROM ${quoteIdent(table)} ORDER BY rowid`);
      db.exec(`DROP TABLE ${quoteIdent(table)}`);
      db.exec(`ALTER TABLE ${rebuilt} RENAME TO ${quoteIdent(table)}`);
    } else if (stored !== current) {
      db.exec(`UPDATE ${quoteIdent(table)} SET keys = ${keys.fromDataSql()}`);
    }
    if (stored !== current) db.prepare('INSERT OR REPLACE INTO "__key_fields" (collection, fields) VALUES (?, ?)').run(config.id, current);

    const wanted = new Map(
      sqlIndexes(config).map((ix) => {
        const name = `${ix.unique ? 'ku' : 'kx'}:${config.id}:${ix.fields.join(',')}`;
        return [name, `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${quoteIdent(table)} (${ix.fields.map(valueExpr).join(', ')})`] as const;
      }),
    );
    const existing = db.prepare<[string], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`).all(table);
    for (const { name } of existing) if (!wanted.has(name)) db.exec(`DROP INDEX ${quoteIdent(name)}`);
    for (const create of wanted.values()) db.exec(create);
  })();
}
