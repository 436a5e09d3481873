/**
 * The durable store: one SQLite table per collection (`_id TEXT PRIMARY KEY`, `keys` and `data`: the
 * item's indexed fields and the whole item as JSONB with tagged Dates, see keys.ts), expression
 * indexes on the declared fields in `keys`, WAL, prepared statements.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatedCollectionConfig } from './types';
import { matches, type Cond } from './filter';
import { isSqlField, orderBy, translate, typeExprOf, valueExpr, type FieldInfo } from './sql';
import { KeyFields, prepareTable, quoteIdent } from './keys';
import { inPlaceExpression, stepsWithUpdatedDate, type InPlacePatch } from './patchInPlace';
import { compareValues, decode, getPath, isPlainObject, type Item } from './values';

export type Db = Database.Database;

export interface SortTerm {
  readonly field: string;
  readonly dir: 'asc' | 'desc';
}

export function openDatabase(dataDir: string | null): Db {
  let db: Db;
  if (dataDir === null) {
    db = new Database(':memory:');
  } else {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, 'wix-data.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Fewer, larger checkpoints: bulk writes of 1000 items otherwise checkpoint every few calls.
    db.pragma('wal_autocheckpoint = 10000');
  }
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
  db.exec('CREATE TABLE IF NOT EXISTS "__array_paths" (collection TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (collection, path)) WITHOUT ROWID');
  db.exec('CREATE TABLE IF NOT EXISTS "__key_fields" (collection TEXT PRIMARY KEY NOT NULL, fields TEXT NOT NULL) WITHOUT ROWID');
  return db;
}

type Row = { rowid: number; data: string };

/**
 * Prepared statements by SQL text, least recently used evicted beyond `limit`: `hasSome` lists put
 * one placeholder per value in the SQL, so every distinct list length is a new statement, and a
 * long campaign would otherwise keep thousands of them.
 */
class StatementCache<R> {
  private readonly statements = new Map<string, Database.Statement<unknown[], R>>();

  constructor(
    private readonly db: Db,
    private readonly limit = 256,
  ) {}

  get(sql: string): Database.Statement<unknown[], R> {
    const found = this.statements.get(sql);
    if (found) {
      this.statements.delete(sql);
      this.statements.set(sql, found);
      return found;
    }
    const statement = this.db.prepare<unknown[], R>(sql);
    this.statements.set(sql, statement);
    if (this.statements.size > this.limit) {
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) this.statements.delete(oldest);
    }
    return statement;
  }
}

export class CollectionStore implements FieldInfo {
  readonly id: string;
  private readonly table: string;
  private readonly arrayPaths = new Set<string>();
  private readonly stmts: {
    get: Database.Statement<[string], { data: string }>;
    getSystem: Database.Statement<[string], { system: string }>;
    idsWithin: Database.Statement<[string, number], { _id: string }>;
    insert: Database.Statement<[string, string, string]>;
    update: Database.Statement<[string, string]>;
    updateWithKeys: Database.Statement<[{ keys: string; data: string; id: string }]>;
    remove: Database.Statement<[string]>;
    truncate: Database.Statement<[]>;
    addArrayPath: Database.Statement<[string, string]>;
  };
  private readonly cache: StatementCache<Row>;
  private readonly keys: KeyFields;
  private readonly countCache: StatementCache<{ n: number }>;

  constructor(private readonly db: Db, config: EmulatedCollectionConfig) {
    this.cache = new StatementCache<Row>(db);
    this.countCache = new StatementCache<{ n: number }>(db);
    this.id = config.id;
    this.table = quoteIdent(`items:${config.id}`);
    this.keys = new KeyFields(config);
    prepareTable(db, `items:${config.id}`, config, this.keys, (field) => valueExpr(field, this.keys.columnOf(field)));
    this.stmts = {
      get: db.prepare(`SELECT json(data) AS data FROM ${this.table} WHERE _id = ?`),
      getSystem: db.prepare(`SELECT json_extract(data, '$._createdDate', '$._owner') AS system FROM ${this.table} WHERE _id = ?`),
      idsWithin: db.prepare(`SELECT _id FROM ${this.table} WHERE _id IN (SELECT value FROM json_each(?)) AND octet_length(data) <= ?`),
      insert: db.prepare(`INSERT INTO ${this.table} (_id, keys, data) VALUES (?, jsonb(?), jsonb(?))`),
      update: db.prepare(`UPDATE ${this.table} SET data = jsonb(?) WHERE _id = ?`),
      // Sets the keys (and so touches the indexes) only when they changed.
      updateWithKeys: db.prepare(`UPDATE ${this.table} SET keys = jsonb(@keys), data = jsonb(@data) WHERE _id = @id AND keys IS NOT jsonb(@keys)`),
      remove: db.prepare(`DELETE FROM ${this.table} WHERE _id = ?`),
      truncate: db.prepare(`DELETE FROM ${this.table}`),
      addArrayPath: db.prepare('INSERT OR IGNORE INTO "__array_paths" (collection, path) VALUES (?, ?)'),
    };
    const known = db.prepare<[string], { path: string }>('SELECT path FROM "__array_paths" WHERE collection = ?').all(config.id);
    for (const { path } of known) this.arrayPaths.add(path);
    this.resumeStatistics(`items:${config.id}`);
  }

  /**
   * A store opened on an existing file carries on from the statistics stored in it: the row count
   * they were taken at, and the rows added or removed since counted as changes. Without stored
   * statistics every row counts, so a table another process filled is analysed before its first read.
   */
  private resumeStatistics(table: string): void {
    const stored = this.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").get()?.n === 1;
    const stat = stored ? this.db.prepare<[string], { stat: string }>('SELECT stat FROM sqlite_stat1 WHERE tbl = ? LIMIT 1').get(table)?.stat : undefined;
    const rows = this.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${this.table}`).get()?.n ?? 0;
    const analysedAt = stat === undefined ? 0 : Number.parseInt(stat, 10);
    this.rowsAtAnalyze = Number.isFinite(analysedAt) ? analysedAt : 0;
    this.changesSinceAnalyze = Math.abs(rows - this.rowsAtAnalyze);
  }

  /** Rows written since the planner statistics were last refreshed, and the row count then. */
  private changesSinceAnalyze = 0;
  private rowsAtAnalyze = 0;

  /**
   * Refreshes SQLite's statistics for this table once it has changed by more than a fifth (and at
   * least 1000 rows) since the last refresh, before the next read. The statistics describe the
   * indexes only, so inserts and removals count, and updates and patches only when they change an
   * indexed field (a campaign's `last_sms_at` on 100K drivers does not). Without statistics the planner
   * guesses an equality on an index is selective even when every item shares the value (one
   * carrier), and sorts the whole collection for each keyset page instead of walking `_id`.
   */
  private refreshStatistics(): void {
    if (this.changesSinceAnalyze < Math.max(1000, this.rowsAtAnalyze / 5)) return;
    this.db.exec(`ANALYZE ${this.table}`);
    this.rowsAtAnalyze = this.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${this.table}`).get()?.n ?? 0;
    this.changesSinceAnalyze = 0;
  }

  mayHoldArray(field: string): boolean {
    return this.arrayPaths.has(field);
  }

  columnOf(field: string): string {
    return this.keys.columnOf(field);
  }

  /**
   * `noteArrays` for an item about to be written as `json`: JSON without a `[` holds no array at
   * any depth (a `[` inside a string only means the walk is done for nothing), so most writes skip it.
   */
  private noteArraysOf(item: Item, json: string): void {
    if (json.includes('[')) this.noteArrays(item, '');
  }

  /** Records every dotted path that holds an array, so scalar SQL predicates stay exact elsewhere. */
  private noteArrays(item: Item, prefix: string): void {
    for (const [key, value] of Object.entries(item)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (Array.isArray(value)) {
        if (!this.arrayPaths.has(path)) {
          this.arrayPaths.add(path);
          this.stmts.addArrayPath.run(this.id, path);
        }
      } else if (isPlainObject(value)) {
        this.noteArrays(value, path);
      }
    }
  }

  getJson(id: string): string | undefined {
    return this.stmts.get.get(id)?.data;
  }

  get(id: string): Item | null {
    const json = this.getJson(id);
    return json === undefined ? null : decode(json);
  }

  /**
   * What a whole-item replace keeps of the stored item (`_id`, `_createdDate`, `_owner`), without
   * reading the rest out: for writes that need no more of it (no hooks to show it to). `null` when
   * no such item. A missing `_owner` and a `null` one read alike; the store never holds a `null` owner.
   */
  getSystemFields(id: string): Item | null {
    const row = this.stmts.getSystem.get(id);
    if (row === undefined) return null;
    const [created, owner] = decode(`{"v":${row.system}}`)['v'] as [unknown, unknown];
    const item: Item = { _id: id };
    if (created !== null) item['_createdDate'] = created;
    if (owner !== null) item['_owner'] = owner;
    return item;
  }

  /** Inserts; throws the raw SQLite error on a key/unique conflict (the caller maps it). */
  insert(id: string, item: Item, json: string): void {
    this.noteArraysOf(item, json);
    this.stmts.insert.run(id, this.keys.encode(item), json);
    this.changesSinceAnalyze += 1;
  }

  /** Replaces; returns false when no such item. */
  replace(id: string, item: Item, json: string): boolean {
    this.noteArraysOf(item, json);
    if (this.keys.names.length > 0 && this.stmts.updateWithKeys.run({ keys: this.keys.encode(item), data: json, id }).changes > 0) {
      this.changesSinceAnalyze += 1;
      return true;
    }
    // The keys are as stored (or the table has none): no index changes, the statistics stay current.
    return this.stmts.update.run(json, id).changes > 0;
  }

  /**
   * Applies `steps` (then a new `_updatedDate`) to the listed stored items inside SQLite, one
   * statement for all of them, without reading them out; items over `maxStoredBytes` (JSONB) are left
   * alone. Returns the ids patched; the rest are missing or too large for this path.
   */
  patchInPlace(ids: readonly string[], plan: InPlacePatch, updatedDateJson: string): Set<string> {
    const eligible = this.stmts.idsWithin.all(JSON.stringify([...new Set(ids)]), plan.maxStoredBytes).map((r) => r._id);
    if (eligible.length === 0) return new Set();
    const steps = stepsWithUpdatedDate(plan, updatedDateJson);
    const data = inPlaceExpression('data', steps.map((s) => s.step));
    // The keys change only when the patch sets or removes a key field; otherwise no index is touched.
    const keySteps = steps.filter((s) => this.keys.has(s.field)).map((s) => s.step);
    const keys = keySteps.length > 0 ? inPlaceExpression('keys', keySteps) : null;
    const set = keys ? `data = ${data.sql}, keys = ${keys.sql}` : `data = ${data.sql}`;
    this.db.prepare(`UPDATE ${this.table} SET ${set} WHERE _id IN (SELECT value FROM json_each(?))`).run(...data.params, ...(keys?.params ?? []), JSON.stringify(eligible));
    if (keys) this.changesSinceAnalyze += eligible.length;
    return new Set(eligible);
  }

  remove(id: string): boolean {
    this.changesSinceAnalyze += 1;
    return this.stmts.remove.run(id).changes > 0;
  }

  truncate(): void {
    this.stmts.truncate.run();
  }

  private prepared(sql: string): Database.Statement<unknown[], Row> {
    return this.cache.get(sql);
  }

  /** One page of matching items (`limit` may be +1 to learn whether more exist). */
  find(filter: Cond | null, sort: readonly SortTerm[], skip: number, limit: number): Item[] {
    this.refreshStatistics();
    const part = translate(filter, this);
    const order = sort.length === 0 ? 'rowid' : orderBy(sort, this);
    const where = part ? part.sql : '1';
    const params = part ? [...part.params] : [];
    if (order === null) {
      const all = this.scan(where, params, 'rowid', filter, part?.exact ?? false);
      all.sort((a, b) => compareBySort(a, b, sort));
      return all.slice(skip, skip + limit);
    }
    const orderSql = sort.length === 0 ? 'rowid' : `${order}, rowid`;
    if (part?.exact) {
      const rows = this.prepared(`SELECT rowid, json(data) AS data FROM ${this.table} WHERE ${where} ORDER BY ${orderSql} LIMIT ? OFFSET ?`).all(...params, limit, skip);
      return rows.map((r) => decode(r.data));
    }
    const out: Item[] = [];
    let skipped = 0;
    for (const row of this.prepared(`SELECT rowid, json(data) AS data FROM ${this.table} WHERE ${where} ORDER BY ${orderSql}`).iterate(...params)) {
      const item = decode(row.data);
      if (!matches(filter, item)) continue;
      if (skipped < skip) {
        skipped += 1;
        continue;
      }
      out.push(item);
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * SQLite's plan for the statement `find` runs (local diagnostics only, not a Wix API): shows
   * whether a declared index serves the filter (`SEARCH … USING INDEX`) or the table is scanned.
   */
  plan(filter: Cond | null, sort: readonly SortTerm[]): string[] {
    this.refreshStatistics();
    const part = translate(filter, this);
    const order = sort.length === 0 ? 'rowid' : (orderBy(sort, this) ?? 'rowid');
    const sql = `SELECT rowid, json(data) AS data FROM ${this.table} WHERE ${part ? part.sql : '1'} ORDER BY ${order === 'rowid' ? 'rowid' : `${order}, rowid`}`;
    const rows = this.db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...(part ? [...part.params] : []));
    return rows.map((r) => r.detail);
  }

  /**
   * Count and numeric sums over the matching items in one SQL statement, when the filter translates
   * exactly and every summed field is a plain path; `null` otherwise (the caller scans). Sums add
   * numbers only, like the JS accumulator.
   */
  totals(filter: Cond | null, sums: readonly string[]): { count: number; sums: number[] } | null {
    this.refreshStatistics();
    const part = translate(filter, this);
    if (part && !part.exact) return null;
    if (!sums.every((f) => isSqlField(f) && !this.mayHoldArray(f))) return null;
    const sumSql = sums.map((f) => `TOTAL(CASE WHEN ${typeExprOf(f, this.columnOf(f))} IN ('integer','real') THEN ${valueExpr(f, this.columnOf(f))} ELSE 0 END)`);
    const sql = `SELECT COUNT(*) AS n${sumSql.map((x, i) => `, ${x} AS s${i}`).join('')} FROM ${this.table} WHERE ${part ? part.sql : '1'}`;
    const row = this.db.prepare<unknown[], Record<string, number>>(sql).get(...(part ? [...part.params] : []));
    return { count: row?.['n'] ?? 0, sums: sums.map((_, i) => row?.[`s${i}`] ?? 0) };
  }

  /**
   * Count and numeric sums per group in one SQL statement (GROUP BY the grouped values), when the
   * filter translates exactly and every grouped and summed field is a plain path that never held an
   * array; `null` otherwise, or when a grouped value is an object (e.g. a Date), and the caller scans.
   * Groups come in order of their first item (insertion order), keys as the JS evaluation makes
   * them: missing and `null` are one `null` group, integers and reals one kind, booleans their own.
   */
  groupTotals(filter: Cond | null, groups: readonly string[], sums: readonly string[]): { key: unknown[]; count: number; sums: number[] }[] | null {
    this.refreshStatistics();
    const part = translate(filter, this);
    if (part && !part.exact) return null;
    if (![...groups, ...sums].every((f) => isSqlField(f) && !this.mayHoldArray(f))) return null;
    const type = (f: string): string => typeExprOf(f, this.columnOf(f));
    const value = (f: string): string => valueExpr(f, this.columnOf(f));
    const kind = (f: string): string => `CASE COALESCE(${type(f)},'null') WHEN 'integer' THEN 'num' WHEN 'real' THEN 'num' ELSE COALESCE(${type(f)},'null') END`;
    const keySql = groups.flatMap((f, i) => [`${kind(f)} AS k${i}`, `${value(f)} AS v${i}`]);
    const sumSql = sums.map((f, i) => `TOTAL(CASE WHEN ${type(f)} IN ('integer','real') THEN ${value(f)} ELSE 0 END) AS s${i}`);
    const groupBy = groups.flatMap((_, i) => [`k${i}`, `v${i}`]).join(', ');
    const sql = `SELECT ${[...keySql, 'COUNT(*) AS n', ...sumSql, 'MIN(rowid) AS r'].join(', ')} FROM ${this.table} WHERE ${part ? part.sql : '1'} GROUP BY ${groupBy} ORDER BY r`;
    const out: { key: unknown[]; count: number; sums: number[] }[] = [];
    for (const row of this.db.prepare<unknown[], Record<string, unknown>>(sql).all(...(part ? [...part.params] : []))) {
      const key: unknown[] = [];
      for (let i = 0; i < groups.length; i += 1) {
        const value = row[`v${i}`];
        switch (row[`k${i}`]) {
          case 'null':
            key.push(null);
            break;
          case 'text':
          case 'num':
            key.push(value);
            break;
          case 'true':
            key.push(true);
            break;
          case 'false':
            key.push(false);
            break;
          default:
            return null;
        }
      }
      out.push({ key, count: Number(row['n'] ?? 0), sums: sums.map((_, i) => Number(row[`s${i}`] ?? 0)) });
    }
    return out;
  }

  /** Every matching item in insertion order (aggregate, distinct). */
  findAll(filter: Cond | null): Item[] {
    this.refreshStatistics();
    const part = translate(filter, this);
    return this.scan(part ? part.sql : '1', part ? [...part.params] : [], 'rowid', filter, part?.exact ?? false);
  }

  private scan(where: string, params: unknown[], order: string, filter: Cond | null, exact: boolean): Item[] {
    const out: Item[] = [];
    for (const row of this.prepared(`SELECT rowid, json(data) AS data FROM ${this.table} WHERE ${where} ORDER BY ${order}`).iterate(...params)) {
      const item = decode(row.data);
      if (exact || matches(filter, item)) out.push(item);
    }
    return out;
  }

  count(filter: Cond | null): number {
    this.refreshStatistics();
    const part = translate(filter, this);
    if (part?.exact) {
      const sql = `SELECT COUNT(*) AS n FROM ${this.table} WHERE ${part.sql}`;
      return this.countCache.get(sql).get(...part.params)?.n ?? 0;
    }
    return this.scan(part ? part.sql : '1', part ? [...part.params] : [], 'rowid', filter, false).length;
  }
}

export function compareBySort(a: Item, b: Item, sort: readonly SortTerm[]): number {
  for (const { field, dir } of sort) {
    const c = compareValues(getPath(a, field), getPath(b, field));
    if (c !== 0) return dir === 'asc' ? c : -c;
  }
  return 0;
}

/** Checks the error's code, not its class: SqliteError may come from another realm (jest sandboxes). */
export function isConstraintError(e: unknown): e is Error & { code: string } {
  if (typeof e !== 'object' || e === null) return false;
  const code: unknown = (e as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}
