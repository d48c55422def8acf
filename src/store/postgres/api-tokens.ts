/**
 * API tokens of agencies' systems (only their hashes are stored).
 */
import type { Store } from '../store.ts';
import type { PgContext } from './connection.ts';

/** The {@link Store} methods of API tokens. */
export function apiTokensStore(c: PgContext): Pick<Store, 'createToken' | 'findToken' | 'touchToken' | 'listTokens' | 'revokeToken'> {
  return {
    async createToken(t) {
      await c.sql.run('INSERT INTO api_tokens (id, hash, agency, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [t.id, t.hash, t.agency, t.label, c.sql.now(), t.expiresAt]);
    },
    async findToken(hash) {
      const row = await c.sql.one('SELECT id, agency, label, expires_at FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL', [hash]);
      return row && { id: row.id as string, agency: row.agency as string, label: (row.label as string | null) ?? null, expiresAt: (row.expires_at as string | null) ?? null };
    },
    async touchToken(id, at) {
      // One write a minute is enough to say "last used".
      const minuteAgo = new Date(Date.parse(at) - 60_000).toISOString();
      await c.sql.run('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)', [at, id, minuteAgo]);
    },
    async listTokens() {
      return (await c.sql.rows('SELECT id, agency, label, created_at, expires_at, last_used_at, revoked_at FROM api_tokens ORDER BY created_at DESC, id')).map((r) => ({
        id: r.id as string,
        agency: r.agency as string,
        label: (r.label as string | null) ?? null,
        createdAt: r.created_at as string,
        expiresAt: (r.expires_at as string | null) ?? null,
        lastUsedAt: (r.last_used_at as string | null) ?? null,
        revokedAt: (r.revoked_at as string | null) ?? null,
      }));
    },
    async revokeToken(id) {
      return (await c.sql.run('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [c.sql.now(), id])) > 0;
    },
  };
}
