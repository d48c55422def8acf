/**
 * Staff notes on tickets.
 */
import type { Note, Store, Tx } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';

/** The {@link Tx} methods (inside a transaction) of notes. */
export function notesTx(c: SqliteConnection): Pick<Tx, 'addNote'> {
  return {
    addNote: async (ref, author, body) => {
      c.db.prepare('INSERT INTO notes (ticket_ref, author, body, created_at) VALUES (?, ?, ?, ?)').run(ref, author, body, c.now());
    },
  };
}

/** The {@link Store} methods of notes. */
export function notesStore(c: SqliteConnection): Pick<Store, 'notesOf'> {
  return {
    async notesOf(ref: string): Promise<Note[]> {
      return (c.db.prepare('SELECT * FROM notes WHERE ticket_ref = ? ORDER BY id').all(ref) as Row[]).map((r) => ({
        id: r.id as number,
        ticketRef: r.ticket_ref as string,
        author: r.author as string,
        body: r.body as string,
        createdAt: r.created_at as string,
      }));
    },
  };
}
