/**
 * Dashboard accounts.
 */
import type { StaffRole, StaffUser, Store } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';
import { toStaff } from './rows.ts';

/** The {@link Store} methods of staff. */
export function staffStore(c: SqliteConnection): Pick<Store, 'createStaff' | 'findStaffByName' | 'getStaff' | 'listStaff' | 'updateStaff' | 'findStaffByTelegram'> {
  return {
    async createStaff(u: { id: string; name: string; role: StaffRole; agency: string; lang: string; passwordHash: string }): Promise<void> {
      const now = c.now();
      c.db
        .prepare('INSERT INTO staff_users (id, name, role, agency, lang, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(u.id, u.name, u.role, u.agency, u.lang, u.passwordHash, now, now);
    },
    async findStaffByName(name: string) {
      const row = c.db.prepare('SELECT * FROM staff_users WHERE name = ?').get(name) as Row | undefined;
      return row && { ...toStaff(row), passwordHash: row.password_hash as string };
    },
    async getStaff(id: string): Promise<StaffUser | undefined> {
      const row = c.db.prepare('SELECT * FROM staff_users WHERE id = ?').get(id) as Row | undefined;
      return row && toStaff(row);
    },
    async listStaff(): Promise<StaffUser[]> {
      return (c.db.prepare('SELECT * FROM staff_users ORDER BY name').all() as Row[]).map(toStaff);
    },
    async updateStaff(id: string, p: { role?: StaffRole; agency?: string; lang?: string; disabled?: boolean; passwordHash?: string; telegramUserId?: string | null }): Promise<void> {
      const sets: string[] = [];
      const args: unknown[] = [];
      if (p.role !== undefined) (sets.push('role = ?'), args.push(p.role));
      if (p.agency !== undefined) (sets.push('agency = ?'), args.push(p.agency));
      if (p.lang !== undefined) (sets.push('lang = ?'), args.push(p.lang));
      if (p.disabled !== undefined) (sets.push('disabled_at = ?'), args.push(p.disabled ? c.now() : null));
      if (p.passwordHash !== undefined) (sets.push('password_hash = ?'), args.push(p.passwordHash));
      if (p.telegramUserId !== undefined) (sets.push('telegram_user_id = ?'), args.push(p.telegramUserId));
      c.db.prepare(`UPDATE staff_users SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`).run(...args, c.now(), id);
    },
    async findStaffByTelegram(telegramUserId: string): Promise<StaffUser | undefined> {
      const row = c.db.prepare('SELECT * FROM staff_users WHERE telegram_user_id = ?').get(telegramUserId) as Row | undefined;
      return row && toStaff(row);
    },
  };
}
