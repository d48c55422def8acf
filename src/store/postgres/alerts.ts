/**
 * Where agencies' alerts go, and the LINE groups the bot is in.
 */
import type { Store, Tx } from '../store.ts';
import type { PgContext, Sql } from './connection.ts';
import { toAgencyAlerts } from './rows.ts';

/** The {@link Tx} methods of agency alerts. */
export function alertsTx(q: Sql): Pick<Tx, 'agencyAlerts'> {
  return {
    agencyAlerts: async (agency) => {
      const row = await q.one('SELECT * FROM agency_alerts WHERE agency = $1', [agency]);
      return row && toAgencyAlerts(row);
    },
  };
}

/** The {@link Store} methods of agency alerts and LINE groups. */
export function alertsStore(c: PgContext): Pick<Store, 'setAgencyAlerts' | 'listAgencyAlerts' | 'recordLineGroup' | 'listLineGroups'> {
  return {
    async setAgencyAlerts(agency, p) {
      const columns: Record<string, unknown> = { telegram_chat: p.telegramChat, line_group: p.lineGroup, webhook_url: p.webhookUrl, webhook_secret: p.webhookSecret, lang: p.lang };
      const set = Object.entries(columns).filter(([, v]) => v !== undefined);
      const names = set.map(([k]) => k);
      // One statement: insert with the given fields, or update only those.
      await c.sql.run(
        `INSERT INTO agency_alerts (agency, updated_at${names.map((n) => `, ${n}`).join('')}) VALUES ($1, $2${names.map((_, i) => `, $${i + 3}`).join('')})
         ON CONFLICT (agency) DO UPDATE SET ${['updated_at = excluded.updated_at', ...names.map((n) => `${n} = excluded.${n}`)].join(', ')}`,
        [agency, c.sql.now(), ...set.map(([, v]) => v)],
      );
    },
    async listAgencyAlerts() {
      return (await c.sql.rows('SELECT * FROM agency_alerts ORDER BY agency')).map(toAgencyAlerts);
    },
    async recordLineGroup(groupId, joined) {
      if (joined) await c.sql.run('INSERT INTO line_groups (group_id, joined_at) VALUES ($1, $2) ON CONFLICT (group_id) DO UPDATE SET joined_at = excluded.joined_at, left_at = NULL', [groupId, c.sql.now()]);
      else await c.sql.run('UPDATE line_groups SET left_at = $1 WHERE group_id = $2', [c.sql.now(), groupId]);
    },
    async listLineGroups() {
      return (await c.sql.rows('SELECT * FROM line_groups ORDER BY joined_at DESC')).map((r) => ({
        groupId: r.group_id as string,
        joinedAt: r.joined_at as string,
        leftAt: (r.left_at as string | null) ?? null,
      }));
    },
  };
}
