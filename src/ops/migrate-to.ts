/**
 * `npm run cli -- db migrate-to <postgres url>`: moves one instance's SQLite database and stored
 * files to PostgreSQL and the shared files (a folder or a bucket), for running several instances (issue 16).
 *
 * Every table of the SQLite file is copied row by row, every column, with the ids kept (so ticket
 * references, audit order and links stay as they were); the target must be empty. Each attachment
 * file is copied and its SHA-256 checked against the one recorded when it arrived. Then the row
 * counts of both sides are compared, inside the same transaction: any difference rolls it all back.
 * A SQLite table or column that PostgreSQL lacks stops the move before anything is written, rather
 * than leaving data behind.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import type pg from 'pg';
import { openPool } from '../store/postgres/connection.ts';
import { migrate } from '../store/postgres/database.ts';
import type { FileStore } from '../store/file-store.ts';
import { unlock } from '../store/sqlite/cipher.ts';

/** Where from and where to. */
export interface MigrateToOptions {
  sqliteFile: string;
  /** The SQLite instance's files (its DATA_DIR, FILES_DIR or bucket), opened with the files key when DATABASE_KEY is set. */
  fromFiles: FileStore;
  postgresUrl: string;
  /** The shared files the instances will use (FILES_DIR or a bucket), with the same key; unset: `fromFiles`, copying nothing. */
  toFiles?: FileStore;
  log?: (line: string) => void;
  /**
   * DATABASE_KEY (issue 14): opens an encrypted SQLite file; stored files stay encrypted as they are
   * (the instances use the same key) and their hashes are checked on the original bytes, through
   * the file stores. Webhook secrets move sealed under the same derived key.
   */
  key?: string;
}

/** What was moved. */
export interface MigrateToResult {
  tables: { table: string; rows: number }[];
  files: number;
}

/** Parents first: a row is copied after the rows its foreign keys point at. */
const FIRST = ['staff_users', 'tickets'];
/**
 * SQLite's own tables, the migrations' bookkeeping (PostgreSQL keeps its own), and SQLite's speed-up
 * tables (migrations 014, 018 and 021), kept by triggers from the tickets: PostgreSQL computes them from the tickets.
 */
const SKIP = /^(sqlite_|schema_migrations$|ticket_counts$|ticket_weeks$|ticket_wait_weeks$|referral_counts$|assignee_counts$|monitoring_)/;
/** SQLite's copies of ticket fields on other rows (migration 014's triggers): derived, not data. */
const DERIVED = new Set(['referrals.ticket_status', 'referrals.ticket_priority', 'referrals.ticket_created_at', 'referrals.ticket_case_type', 'referrals.ticket_first_action_at']);
/** Rows per INSERT (PostgreSQL takes at most 65,535 parameters a statement). */
const BATCH = 200;

type Value = string | number | boolean | null | Buffer;

/** Moves everything; throws (and writes nothing to PostgreSQL) when anything does not fit or add up. */
export async function migrateToPostgres(opts: MigrateToOptions): Promise<MigrateToResult> {
  const log = opts.log ?? (() => undefined);
  if (!existsSync(opts.sqliteFile)) throw new Error(`No SQLite database at ${opts.sqliteFile} (check DATA_DIR).`);
  const sqlite = new Database(opts.sqliteFile, { readonly: true, fileMustExist: true });
  unlock(sqlite, opts.sqliteFile, opts.key);
  const pool = openPool(opts.postgresUrl, { max: 2 });
  try {
    await migrate(pool);
    const client = await pool.connect();
    try {
      const tables = sqliteTables(sqlite);
      const target = await postgresColumns(client);
      checkFits(sqlite, tables, target);
      await client.query('BEGIN');
      for (const table of tables) {
        const { n } = (await client.query(`SELECT COUNT(*)::int AS n FROM ${table}`)).rows[0] as { n: number };
        if (n > 0) throw new Error(`PostgreSQL is not empty: ${table} has ${n} rows. Migrate into a new database.`);
      }
      const copied: { table: string; rows: number }[] = [];
      for (const table of tables) {
        const rows = await copyTable(sqlite, client, table, target.get(table)!);
        copied.push({ table, rows });
        log(`${table}: ${rows} rows`);
      }
      await resetIdentities(client);
      const files = await copyFiles(sqlite, opts);
      log(`files: ${files} copied and checked`);
      // The counts of both sides, before the commit: a difference undoes the whole move.
      for (const { table } of copied) {
        const want = (sqlite.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
        const got = ((await client.query(`SELECT COUNT(*)::int AS n FROM ${table}`)).rows[0] as { n: number }).n;
        if (want !== got) throw new Error(`${table}: ${want} rows in SQLite, ${got} in PostgreSQL`);
      }
      await client.query('COMMIT');
      log('verified: every table has as many rows in PostgreSQL as in SQLite, every file its recorded SHA-256');
      return { tables: copied, files };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  } finally {
    sqlite.close();
    await pool.end();
  }
}

function sqliteTables(db: Database.Database): string[] {
  const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name).filter((n) => !SKIP.test(n));
  return [...FIRST.filter((t) => names.includes(t)), ...names.filter((t) => !FIRST.includes(t))];
}

/** PostgreSQL's tables and their columns' types. */
async function postgresColumns(client: pg.PoolClient): Promise<Map<string, Map<string, string>>> {
  const rows = (await client.query(`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'`)).rows as {
    table_name: string;
    column_name: string;
    data_type: string;
  }[];
  const tables = new Map<string, Map<string, string>>();
  for (const r of rows) tables.set(r.table_name, (tables.get(r.table_name) ?? new Map()).set(r.column_name, r.data_type));
  return tables;
}

/** A table's columns that carry data (not the derived copies). */
function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name).filter((c) => !DERIVED.has(`${table}.${c}`));
}

/** Every SQLite table and column has a place in PostgreSQL, or nothing is moved. */
function checkFits(db: Database.Database, tables: string[], target: Map<string, Map<string, string>>): void {
  const problems: string[] = [];
  for (const table of tables) {
    const columns = target.get(table);
    if (!columns) {
      problems.push(`table ${table} has no PostgreSQL twin (its feature needs a migration under src/store/postgres/migrations/)`);
      continue;
    }
    for (const c of columnsOf(db, table)) if (!columns.has(c)) problems.push(`column ${table}.${c} has no PostgreSQL twin`);
  }
  if (problems.length) throw new Error(`Cannot move this database without losing data:\n  ${problems.join('\n  ')}`);
}

/** A SQLite value as the PostgreSQL column takes it. */
function convert(v: unknown, type: string): Value {
  if (v === null || v === undefined) return null;
  if (type === 'boolean') return v === 1 || v === true || v === '1';
  if (typeof v === 'bigint') return v.toString();
  return v as Value;
}

async function copyTable(db: Database.Database, client: pg.PoolClient, table: string, types: Map<string, string>): Promise<number> {
  const columns = columnsOf(db, table);
  const select = db.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}" ORDER BY rowid`).raw(true);
  let batch: unknown[][] = [];
  let total = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const params: Value[] = [];
    const tuples = batch.map((row) => `(${row.map((v, i) => (params.push(convert(v, types.get(columns[i]!)!)), `$${params.length}`)).join(', ')})`);
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
    total += batch.length;
    batch = [];
  };
  for (const row of select.iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return total;
}

/** Identity columns continue after the ids copied. */
async function resetIdentities(client: pg.PoolClient): Promise<void> {
  const identities = (await client.query(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`)).rows as {
    table_name: string;
    column_name: string;
  }[];
  for (const { table_name: t, column_name: c } of identities) {
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT MAX(${c}) FROM ${t}), 1), (SELECT MAX(${c}) FROM ${t}) IS NOT NULL)`, [t, c]);
  }
}

/** Copies every attachment's file, checking its SHA-256 on the original bytes; returns how many. */
async function copyFiles(db: Database.Database, opts: MigrateToOptions): Promise<number> {
  const rows = db.prepare('SELECT id, path, sha256 FROM attachments ORDER BY rowid').all() as { id: string; path: string; sha256: string }[];
  const to = opts.toFiles ?? opts.fromFiles;
  const problems: string[] = [];
  for (const r of rows) {
    const kept = await opts.fromFiles.stored(r.path);
    if (!kept) {
      problems.push(`attachment ${r.id}: no file at ${r.path}`);
      continue;
    }
    // Copied as kept: an encrypted file stays encrypted (the instances use the same key).
    if (to !== opts.fromFiles) await to.putStored(r.path, kept);
    // Read back through the target store, which decrypts: the hash is of what the person sent.
    const sha = createHash('sha256').update(await to.read(r.path)).digest('hex');
    if (sha !== r.sha256) problems.push(`attachment ${r.id}: the file's SHA-256 is not the one recorded`);
  }
  if (problems.length) throw new Error(`Files do not add up:\n  ${problems.join('\n  ')}`);
  return rows.length;
}
