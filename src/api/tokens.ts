/**
 * API tokens: random, shown once, stored only as a SHA-256 hash, scoped to one agency or to all,
 * expiring after API_TOKEN_DAYS (90 by default), listed and revoked with `npm run cli -- token`
 * or on the dashboard's admin page.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiToken, ApiTokenInfo, Store } from '../store/store.ts';

/** The scope that sees every agency's tickets. */
export const ALL_AGENCIES = '*';
/** The lifetime of a new token when the configuration does not say (API_TOKEN_DAYS). */
export const DEFAULT_TOKEN_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;
const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Creates a token for an agency id (or {@link ALL_AGENCIES}) and returns it; only its hash is kept. */
export async function createApiToken(
  store: Store,
  agency: string,
  label: string | null,
  opts: { days?: number; now?: Date } = {},
): Promise<{ id: string; token: string; expiresAt: string }> {
  const id = randomUUID();
  const token = `tgr_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date((opts.now ?? new Date()).getTime() + (opts.days ?? DEFAULT_TOKEN_DAYS) * DAY_MS).toISOString();
  await store.createToken({ id, hash: hash(token), agency, label, expiresAt });
  return { id, token, expiresAt };
}

/** The outcome of checking a bearer token. */
export type BearerCheck = { ok: true; token: ApiToken } | { ok: false; reason: 'missing' | 'expired'; expiresAt?: string };

/**
 * The token an `Authorization: Bearer ...` header names, if it is valid, not revoked and not
 * expired at `now`; a use is recorded. A revoked token is as unknown as a made-up one.
 */
export async function verifyBearer(store: Store, header: string | undefined, now: Date = new Date()): Promise<BearerCheck> {
  const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header?.trim() ?? '');
  const token = match ? await store.findToken(hash(match[1]!)) : undefined;
  if (!token) return { ok: false, reason: 'missing' };
  if (token.expiresAt && Date.parse(token.expiresAt) <= now.getTime()) return { ok: false, reason: 'expired', expiresAt: token.expiresAt };
  await store.touchToken(token.id, now.toISOString());
  return { ok: true, token };
}

/** A token's state at `now`, as lists show it. */
export function tokenState(t: ApiTokenInfo, now: Date): 'active' | 'expired' | 'revoked' {
  if (t.revokedAt) return 'revoked';
  return t.expiresAt && Date.parse(t.expiresAt) <= now.getTime() ? 'expired' : 'active';
}

/** The one token an id or a unique id prefix (at least 8 characters) names, if any. */
export function findTokenById(tokens: readonly ApiTokenInfo[], idOrPrefix: string): ApiTokenInfo | undefined {
  const exact = tokens.find((t) => t.id === idOrPrefix);
  if (exact || idOrPrefix.length < 8) return exact;
  const matches = tokens.filter((t) => t.id.startsWith(idOrPrefix));
  return matches.length === 1 ? matches[0] : undefined;
}
