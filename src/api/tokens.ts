/**
 * API tokens: random, shown once, stored only as a SHA-256 hash, scoped to one agency or to all.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiToken, Store } from '../store/store.ts';

/** The scope that sees every agency's tickets. */
export const ALL_AGENCIES = '*';

const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Creates a token for an agency id (or {@link ALL_AGENCIES}) and returns it; only its hash is kept. */
export async function createApiToken(store: Store, agency: string, label: string | null): Promise<{ id: string; token: string }> {
  const id = randomUUID();
  const token = `tgr_${randomBytes(32).toString('base64url')}`;
  await store.createToken({ id, hash: hash(token), agency, label });
  return { id, token };
}

/** The token an `Authorization: Bearer ...` header names, if it is valid and not revoked. */
export async function verifyBearer(store: Store, header: string | undefined): Promise<ApiToken | undefined> {
  const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header?.trim() ?? '');
  return match ? store.findToken(hash(match[1]!)) : undefined;
}
