/**
 * Where agencies' alerts go, and the LINE groups the bot is in.
 */
import type { AgencyAlertConfig, LineGroup, Store, Tx } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';
import { toAgencyAlerts } from './rows.ts';
import { sealText, unsealText } from '../../privacy/sealed.ts';

/** An alert row with its webhook secret opened (sealed under `secrets` when DATABASE_KEY is set, issue 14). */
function alertsFrom(row: Row, secrets: Buffer | undefined): AgencyAlertConfig {
  const a = toAgencyAlerts(row);
  return a.webhookSecret ? { ...a, webhookSecret: unsealText(secrets, a.webhookSecret) } : a;
}

function agencyAlertsOf(c: SqliteConnection, agency: string, secrets: Buffer | undefined): AgencyAlertConfig | undefined {
  const row = c.db.prepare('SELECT * FROM agency_alerts WHERE agency = ?').get(agency) as Row | undefined;
  return row && alertsFrom(row, secrets);
}

/** The {@link Tx} methods (inside a transaction) of alert destinations and LINE groups. */
export function alertsTx(c: SqliteConnection, secrets?: Buffer): Pick<Tx, 'agencyAlerts'> {
  return {
    agencyAlerts: async (agency) => agencyAlertsOf(c, agency, secrets),
  };
}

/** The {@link Store} methods of alert destinations and LINE groups; `secrets` seals webhook secrets. */
export function alertsStore(c: SqliteConnection, secrets?: Buffer): Pick<Store, 'setAgencyAlerts' | 'listAgencyAlerts' | 'recordLineGroup' | 'listLineGroups'> {
  return {
    async setAgencyAlerts(agency: string, p: Partial<Omit<AgencyAlertConfig, 'agency' | 'updatedAt'>>): Promise<void> {
      return c.queued(() => {
        const now = c.now();
        c.db.prepare('INSERT OR IGNORE INTO agency_alerts (agency, updated_at) VALUES (?, ?)').run(agency, now);
        const columns: Record<string, unknown> = {
          telegram_chat: p.telegramChat,
          line_group: p.lineGroup,
          webhook_url: p.webhookUrl,
          webhook_secret: p.webhookSecret && secrets ? sealText(secrets, p.webhookSecret) : p.webhookSecret,
          lang: p.lang,
        };
        const set = Object.entries(columns).filter(([, v]) => v !== undefined);
        c.db
          .prepare(`UPDATE agency_alerts SET ${[...set.map(([k]) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE agency = ?`)
          .run(...set.map(([, v]) => v), now, agency);
      });
    },
    async listAgencyAlerts(): Promise<AgencyAlertConfig[]> {
      return (c.db.prepare('SELECT * FROM agency_alerts ORDER BY agency').all() as Row[]).map((r) => alertsFrom(r, secrets));
    },
    async recordLineGroup(groupId: string, joined: boolean): Promise<void> {
      return c.queued(() => {
        if (joined) {
          c.db
            .prepare('INSERT INTO line_groups (group_id, joined_at) VALUES (?, ?) ON CONFLICT (group_id) DO UPDATE SET joined_at = excluded.joined_at, left_at = NULL')
            .run(groupId, c.now());
        } else c.db.prepare('UPDATE line_groups SET left_at = ? WHERE group_id = ?').run(c.now(), groupId);
      });
    },
    async listLineGroups(): Promise<LineGroup[]> {
      return (c.db.prepare('SELECT * FROM line_groups ORDER BY joined_at DESC').all() as Row[]).map((r) => ({
        groupId: r.group_id as string,
        joinedAt: r.joined_at as string,
        leftAt: (r.left_at as string | null) ?? null,
      }));
    },
  };
}
