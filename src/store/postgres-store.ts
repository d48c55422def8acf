/**
 * The PostgreSQL store (issue 16), for several instances on one database: chosen by
 * `DATABASE_URL=postgres://...`. The data access is split by feature in `./postgres/` like SQLite's
 * in `./sqlite/`; this module puts the pieces together behind the one {@link Store} interface.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Clock, systemClock } from '../core/clock.ts';
import { alertsStore, alertsTx } from './postgres/alerts.ts';
import { apiTokensStore } from './postgres/api-tokens.ts';
import { attachmentsStore, attachmentsTx } from './postgres/attachments.ts';
import { auditStore, auditTx } from './postgres/audit.ts';
import { careStore, careTx } from './postgres/care.ts';
import { monitoringStore } from './postgres/monitoring.ts';
import { onOneClient, openPool, type PgContext, Sql } from './postgres/connection.ts';
import { migrate } from './postgres/database.ts';
import { inboundStore, inboundTx } from './postgres/inbound.ts';
import { locksStore, releaseLeases, renewLeases } from './postgres/leases.ts';
import { llmCallsStore } from './postgres/llm-calls.ts';
import { notesStore, notesTx } from './postgres/notes.ts';
import { outboxStore, outboxTx } from './postgres/outbox.ts';
import { privacyStore, privacyTx } from './postgres/privacy.ts';
import { rateLimitsStore } from './postgres/rate-limits.ts';
import { referralsStore, referralsTx } from './postgres/referrals.ts';
import { foldRunningTotals } from './postgres/running-totals.ts';
import { statisticsStore } from './postgres/statistics.ts';
import { sentMessagesStore } from './postgres/sent-messages.ts';
import { sessionsStore, sessionsTx } from './postgres/sessions.ts';
import { staffStore } from './postgres/staff.ts';
import { staffSessionsStore } from './postgres/staff-sessions.ts';
import { ticketsStore, ticketsTx } from './postgres/tickets.ts';
import { transcriptsStore, transcriptsTx } from './postgres/transcripts.ts';
import type { Store, Tx } from './store.ts';

/** Options of {@link openPostgresStore}. */
export interface PostgresOptions {
  clock?: Clock;
  /** This instance's name as lease owner; unique per process by default. */
  instanceId?: string;
  /** How long a lease outlives its instance, in milliseconds (default 30 s). */
  leaseMs?: number;
  /** Pool size (default 10). */
  poolSize?: number;
  /** Seals webhook secrets (the key derived from DATABASE_KEY, issue 14); none stores them as they are. */
  secretKey?: Buffer;
  /** How often the queue's running totals are folded, in milliseconds (default 5 s; decision 0033). */
  foldEveryMs?: number;
}

/** A {@link Store} on PostgreSQL, with what only it has: its start-up (migrations) to wait for. */
export type PostgresStore = Store & { ready: Promise<void> };

/** True for a postgres:// (or postgresql://) URL. */
export function isPostgresUrl(url: string | undefined): url is string {
  return typeof url === 'string' && /^postgres(ql)?:\/\//.test(url);
}

/**
 * Connects to PostgreSQL and applies pending migrations (queries wait for them; `ready` says when
 * they are done, or why they failed).
 */
export function openPostgresStore(url: string, opts: PostgresOptions = {}): PostgresStore {
  const clock = opts.clock ?? systemClock;
  const pool = openPool(url, { max: opts.poolSize });
  const ready = migrate(pool);
  // A failed start-up is told by every query (and by `ready`); never an unhandled rejection.
  ready.catch(() => undefined);
  const c: PgContext = {
    pool,
    sql: new Sql(pool, clock, ready),
    clock,
    instanceId: opts.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    leaseMs: opts.leaseMs ?? 30_000,
    ready,
  };
  const stopRenewing = renewLeases(c);
  const stopFolding = foldRunningTotals(c, opts.foldEveryMs);
  const { releaseLocks, ...locks } = locksStore(c);
  const txOf = (q: Sql): Tx => ({
    ...inboundTx(q),
    ...sessionsTx(q),
    ...transcriptsTx(q),
    ...ticketsTx(q),
    ...referralsTx(q),
    ...notesTx(q),
    ...attachmentsTx(q),
    ...outboxTx(q),
    ...alertsTx(q, opts.secretKey),
    ...auditTx(q),
    ...careTx(q),
    ...privacyTx(q),
  });
  let closed = false;
  return {
    ready,
    transaction: (work) => onOneClient(c, 'BEGIN', (client) => work(txOf(new Sql(client, clock)))),
    ...ticketsStore(c),
    ...statisticsStore(c),
    ...privacyStore(c),
    ...referralsStore(c),
    ...notesStore(c),
    ...attachmentsStore(c),
    ...transcriptsStore(c),
    ...auditStore(c),
    ...outboxStore(c),
    ...sentMessagesStore(c),
    ...inboundStore(c),
    ...sessionsStore(c),
    ...staffStore(c),
    ...staffSessionsStore(c),
    ...alertsStore(c, opts.secretKey),
    ...apiTokensStore(c),
    ...llmCallsStore(c),
    ...locks,
    ...rateLimitsStore(c),
    ...careStore(c),
    ...monitoringStore(c),
    async close() {
      if (closed) return;
      closed = true;
      stopRenewing();
      stopFolding();
      await releaseLocks();
      await ready.then(() => releaseLeases(c)).catch(() => undefined);
      await pool.end();
    },
  };
}
