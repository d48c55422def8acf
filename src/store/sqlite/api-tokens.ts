/**
 * API tokens of agencies' systems (only their hashes are stored).
 */
import type { ApiToken, ApiTokenInfo, Store } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';

/** The {@link Store} methods of API tokens. */
export function apiTokensStore(c: SqliteConnection): Pick<Store, 'createToken' | 'findToken' | 'touchToken' | 'listTokens' | 'revokeToken'> {
  return {
    async createToken(t: { id: string; hash: string; agency: string; label: string | null; expiresAt: string | null }): Promise<void> {
      c.db.prepare('INSERT INTO api_tokens (id, hash, agency, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(t.id, t.hash, t.agency, t.label, c.now(), t.expiresAt);
    },
    async findToken(hash: string): Promise<ApiToken | undefined> {
      const row = c.db.prepare('SELECT id, agency, label, expires_at FROM api_tokens WHERE hash = ? AND revoked_at IS NULL').get(hash) as Row | undefined;
      return row && { id: row.id as string, agency: row.agency as string, label: (row.label as string | null) ?? null, expiresAt: (row.expires_at as string | null) ?? null };
    },
    async touchToken(id: string, at: string): Promise<void> {
      // One write a minute is enough to say "last used", and keeps busy integrations from writing on every call.
      const minuteAgo = new Date(Date.parse(at) - 60_000).toISOString();
      c.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)').run(at, id, minuteAgo);
    },
    async listTokens(): Promise<ApiTokenInfo[]> {
      return (c.db.prepare('SELECT id, agency, label, created_at, expires_at, last_used_at, revoked_at FROM api_tokens ORDER BY created_at DESC, id').all() as Row[]).map((r) => ({
        id: r.id as string,
        agency: r.agency as string,
        label: (r.label as string | null) ?? null,
        createdAt: r.created_at as string,
        expiresAt: (r.expires_at as string | null) ?? null,
        lastUsedAt: (r.last_used_at as string | null) ?? null,
        revokedAt: (r.revoked_at as string | null) ?? null,
      }));
    },
    async revokeToken(id: string): Promise<boolean> {
      return c.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(c.now(), id).changes > 0;
    },
  };
}
