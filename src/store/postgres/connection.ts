/**
 * The PostgreSQL connection pool (`pg`) and what every data access file shares: a small query
 * helper over a pool or one transaction's client, the clock, and this instance's identity for leases.
 */
import type pg from 'pg';
import type { Clock } from '../../core/clock.ts';
import { requiredLazily } from '../../core/lazily.ts';

/** A row as `pg` returns it (after {@link typeParsers}). */
export type Row = Record<string, unknown>;

/**
 * The `pg` driver, loaded when a pool is first opened: a server on SQLite never loads it
 * (start-up, issue 12).
 */
const pgDriver = requiredLazily<typeof pg>('pg');

/**
 * Times come back as ISO strings (as SQLite's TEXT columns do), 64-bit integers as numbers (ids and
 * counts stay far below 2^53), JSON parsed (pg's default).
 */
function typeParsers(): pg.CustomTypesConfig {
  const { types } = pgDriver();
  const timestamp = types.getTypeParser(types.builtins.TIMESTAMPTZ);
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === types.builtins.TIMESTAMPTZ) return (v: string) => (timestamp(v) as Date).toISOString();
      if (oid === types.builtins.INT8) return (v: string) => Number(v);
      return types.getTypeParser(oid, format);
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

/** Runs SQL on a pool or on one client (inside a transaction). */
export class Sql {
  private readonly on: pg.Pool | pg.PoolClient;
  private readonly ready: Promise<void> | undefined;
  readonly clock: Clock;

  /** `ready`: queries wait for it (the migrations at start-up). */
  constructor(on: pg.Pool | pg.PoolClient, clock: Clock, ready?: Promise<void>) {
    this.on = on;
    this.clock = clock;
    this.ready = ready;
  }

  private async query(text: string, params: unknown[]): Promise<pg.QueryResult> {
    if (this.ready) await this.ready;
    return this.on.query(text, params.map(textSafe));
  }

  now(): string {
    return this.clock().toISOString();
  }

  async rows(text: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.query(text, params)).rows as Row[];
  }

  async one(text: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.query(text, params)).rows[0] as Row | undefined;
  }

  /** Runs a statement; returns how many rows it changed. */
  async run(text: string, params: unknown[] = []): Promise<number> {
    return (await this.query(text, params)).rowCount ?? 0;
  }
}

/**
 * PostgreSQL's text cannot hold U+0000 (SQLite's can), and a statement with one fails whole: a
 * name or id carrying one (from a platform, a form) is stored with U+FFFD instead, rather than
 * losing the row. JSON is not touched: it carries the character escaped, which json keeps.
 */
function textSafe(v: unknown): unknown {
  if (typeof v === 'string') return v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v;
  if (Array.isArray(v)) return v.map(textSafe);
  return v;
}

/** JSON for a json column (objects and arrays are given as text: pg would turn an array into a PostgreSQL array). */
export const json = (v: unknown) => JSON.stringify(v);

/** Options of the pool: {@link openPool}. */
export interface PoolOptions {
  /** Connections per instance (default 10). */
  max?: number;
}

/** Opens a pool on a postgres:// URL, every session in UTC. */
export function openPool(url: string, opts: PoolOptions = {}): pg.Pool {
  const pool = new (pgDriver().Pool)({ connectionString: url, max: opts.max ?? 10, types: typeParsers(), options: '-c TimeZone=UTC', application_name: 'tangrod' });
  // An idle client that loses its server (a restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` on one client of the pool inside a transaction opened by `begin` (a plain `BEGIN`, or
 * one with an isolation level): committed when it resolves, rolled back when it throws.
 */
export async function onOneClient<T>(c: Pick<PgContext, 'pool' | 'ready'>, begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  await c.ready;
  const client = await c.pool.connect();
  let result: T;
  try {
    await client.query(begin);
    result = await work(client);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    // A client whose connection broke is not put back in the pool.
    client.release(err instanceof Error && /Connection terminated|ECONNRESET/.test(err.message) ? err : undefined);
    throw err;
  }
  client.release();
  return result;
}

/** What the data access files of one store share. */
export interface PgContext {
  pool: pg.Pool;
  /** Queries outside a transaction. */
  sql: Sql;
  clock: Clock;
  /** This instance, as lease owner (unique per process). */
  instanceId: string;
  /** How long a lease lasts without renewal, in milliseconds. */
  leaseMs: number;
  /** Resolves once the migrations are applied; every query waits for it. */
  ready: Promise<void>;
}
