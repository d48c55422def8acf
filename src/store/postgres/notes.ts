/**
 * Staff notes on tickets.
 */
import type { Store, Tx } from '../store.ts';
import type { PgContext, Sql } from './connection.ts';

/** The {@link Tx} methods of notes. */
export function notesTx(q: Sql): Pick<Tx, 'addNote'> {
  return {
    addNote: async (ref, author, body) => {
      await q.run('INSERT INTO notes (ticket_ref, author, body, created_at) VALUES ($1, $2, $3, $4)', [ref, author, body, q.now()]);
    },
  };
}

/** The {@link Store} methods of notes. */
export function notesStore(c: PgContext): Pick<Store, 'notesOf'> {
  return {
    async notesOf(ref) {
      return (await c.sql.rows('SELECT * FROM notes WHERE ticket_ref = $1 ORDER BY id', [ref])).map((r) => ({
        id: r.id as number,
        ticketRef: r.ticket_ref as string,
        author: r.author as string,
        body: r.body as string,
        createdAt: r.created_at as string,
      }));
    },
  };
}
