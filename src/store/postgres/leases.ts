/**
 * Leases and locks of one instance: its inbound and delivery leases are renewed while it lives
 * (so another instance takes over only once they run out, after it died), and given back when it
 * stops; named locks (Telegram's poll, a timer's round) are PostgreSQL advisory locks held on a
 * connection of their own, so they go when the instance (or its connection) does.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store.ts';
import type { PgContext } from './connection.ts';

/** The advisory lock key of a name: 64 bits of its SHA-256. */
function lockKey(name: string): string {
  return BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(`tangrod:${name}`).digest('hex').slice(0, 16)}`)).toString();
}

/** Renews this instance's leases every third of their time; returns the stopper. */
export function renewLeases(c: PgContext): () => void {
  let running: Promise<unknown> | undefined;
  const renew = () => {
    if (running) return;
    running = Promise.all([
      c.sql.run(`UPDATE inbox SET lease_until = clock_timestamp() + $2 * interval '1 millisecond' WHERE lease_owner = $1`, [c.instanceId, c.leaseMs]),
      c.sql.run(`UPDATE delivery_leases SET lease_until = clock_timestamp() + $2 * interval '1 millisecond' WHERE owner = $1`, [c.instanceId, c.leaseMs]),
    ])
      .catch(() => undefined) // the database is away: the next round tries again
      .finally(() => (running = undefined));
  };
  const timer = setInterval(renew, Math.max(50, Math.floor(c.leaseMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

/** Gives back every lease of this instance (a clean stop: the others need not wait them out). */
export async function releaseLeases(c: PgContext): Promise<void> {
  await c.sql.run('UPDATE inbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [c.instanceId]);
  await c.sql.run('DELETE FROM delivery_leases WHERE owner = $1', [c.instanceId]);
}

/** The {@link Store} method of named locks, and the release of those still held (at close). */
export function locksStore(c: PgContext): Pick<Store, 'acquireLock'> & { releaseLocks(): Promise<void> } {
  const held = new Set<() => Promise<void>>();
  return {
    async releaseLocks() {
      await Promise.all([...held].map((release) => release()));
    },
    async acquireLock(name) {
      await c.ready;
      const client = await c.pool.connect();
      // A connection that breaks while held (the server restarted) must not crash the process.
      client.on('error', () => undefined);
      try {
        const got = (await client.query('SELECT pg_try_advisory_lock($1::bigint) AS got', [lockKey(name)])).rows[0]?.got === true;
        if (!got) {
          client.release();
          return undefined;
        }
      } catch (err) {
        client.release(true);
        throw err;
      }
      let released = false;
      const release = async () => {
        if (released) return;
        released = true;
        held.delete(release);
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey(name)]).catch(() => undefined);
        client.release();
      };
      held.add(release);
      return { release };
    },
  };
}
