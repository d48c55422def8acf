/**
 * `npm run cli -- token ...`: API tokens from the command line.
 *
 *   token create --agency <id|all> [--label <text>] [--days <n>]   prints a new token once
 *   token list                                                     label, scope, created, last used, expiry, state
 *   token revoke <id>                                              the id (or a unique prefix of 8+ characters) from `token list`
 */
import type { Directory } from '../directory/directory.ts';
import type { Store } from '../store/store.ts';
import { ALL_AGENCIES, createApiToken, findTokenById, tokenState } from './tokens.ts';

/** `token create`; `defaultDays` is API_TOKEN_DAYS. */
export async function tokenCreateCommand(store: Store, directory: Directory, values: { agency?: string; label?: string; days?: string }, defaultDays: number): Promise<number> {
  const agency = values.agency;
  if (!agency || (agency !== 'all' && !directory.byId.has(agency))) {
    console.error(`--agency must be "all" or an agency id from flows/agencies.yaml: ${[...directory.byId.keys()].join(', ')}`);
    return 2;
  }
  const days = values.days === undefined ? defaultDays : Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    console.error('--days must be a whole number of days from 1 to 3650.');
    return 2;
  }
  const { id, token, expiresAt } = await createApiToken(store, agency === 'all' ? ALL_AGENCIES : agency, values.label ?? null, { days });
  console.error(`Created token ${id} for ${agency === 'all' ? 'all agencies' : agency}, valid until ${expiresAt}. It is shown only this once:`);
  console.log(token);
  return 0;
}

/** `token list`: one line per token, tab-separated, with a header. */
export async function tokenListCommand(store: Store, now = new Date()): Promise<number> {
  const tokens = await store.listTokens();
  if (!tokens.length) {
    console.error('No API tokens. Create one with: npm run cli -- token create --agency <id|all>');
    return 0;
  }
  console.log(['id', 'label', 'scope', 'created', 'last used', 'expires', 'state'].join('\t'));
  for (const t of tokens) {
    console.log([t.id, t.label ?? '-', t.agency === ALL_AGENCIES ? 'all' : t.agency, t.createdAt, t.lastUsedAt ?? 'never', t.expiresAt ?? 'never', tokenState(t, now)].join('\t'));
  }
  return 0;
}

/** `token revoke <id>`. */
export async function tokenRevokeCommand(store: Store, id: string | undefined): Promise<number> {
  if (!id) {
    console.error('usage: npm run cli -- token revoke <id> (the id from npm run cli -- token list)');
    return 2;
  }
  const token = findTokenById(await store.listTokens(), id);
  if (!token) {
    console.error(`No token ${id} (or the prefix is not unique). See npm run cli -- token list.`);
    return 1;
  }
  if (!(await store.revokeToken(token.id))) {
    console.error(`Token ${token.id} was revoked already.`);
    return 0;
  }
  await store.transaction((tx) => tx.audit({ ticketRef: null, actor: 'cli', action: 'token.revoked', detail: { id: token.id } }));
  console.error(`Revoked token ${token.id}${token.label ? ` (${token.label})` : ''}; it stops working now.`);
  return 0;
}
