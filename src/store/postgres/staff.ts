/**
 * Dashboard accounts.
 */
import type { Store } from '../store.ts';
import type { PgContext } from './connection.ts';
import { toStaff } from './rows.ts';

/** The {@link Store} methods of staff accounts. */
export function staffStore(c: PgContext): Pick<Store, 'createStaff' | 'findStaffByName' | 'getStaff' | 'listStaff' | 'updateStaff' | 'findStaffByTelegram'> {
  return {
    async createStaff(u) {
      const now = c.sql.now();
      await c.sql.run('INSERT INTO staff_users (id, name, role, agency, lang, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)', [u.id, u.name, u.role, u.agency, u.lang, u.passwordHash, now]);
    },
    async findStaffByName(name) {
      // Case-insensitive, as SQLite's COLLATE NOCASE (the unique index is on lower(name)).
      const row = await c.sql.one('SELECT * FROM staff_users WHERE lower(name) = lower($1)', [name]);
      return row && { ...toStaff(row), passwordHash: row.password_hash as string };
    },
    async getStaff(id) {
      const row = await c.sql.one('SELECT * FROM staff_users WHERE id = $1', [id]);
      return row && toStaff(row);
    },
    async listStaff() {
      // C collation with lower(): the order SQLite's NOCASE column gives.
      return (await c.sql.rows('SELECT * FROM staff_users ORDER BY lower(name) COLLATE "C", name COLLATE "C"')).map(toStaff);
    },
    async updateStaff(id, p) {
      const sets: string[] = [];
      const args: unknown[] = [];
      const set = (column: string, v: unknown) => (args.push(v), sets.push(`${column} = $${args.length}`));
      if (p.role !== undefined) set('role', p.role);
      if (p.agency !== undefined) set('agency', p.agency);
      if (p.lang !== undefined) set('lang', p.lang);
      if (p.disabled !== undefined) set('disabled_at', p.disabled ? c.sql.now() : null);
      if (p.passwordHash !== undefined) set('password_hash', p.passwordHash);
      if (p.telegramUserId !== undefined) set('telegram_user_id', p.telegramUserId);
      set('updated_at', c.sql.now());
      args.push(id);
      await c.sql.run(`UPDATE staff_users SET ${sets.join(', ')} WHERE id = $${args.length}`, args);
    },
    async findStaffByTelegram(telegramUserId) {
      const row = await c.sql.one('SELECT * FROM staff_users WHERE telegram_user_id = $1', [telegramUserId]);
      return row && toStaff(row);
    },
  };
}
