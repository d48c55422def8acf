/**
 * API tokens as the admin page and the API use them: list, create (shown once), revoke, and check
 * a bearer header. Creating and revoking write an audit row saying who did it.
 */
import type { Clock } from '../core/clock.ts';
import { DomainError } from '../core/errors.ts';
import type { ApiTokenInfo, Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../tickets/ticket-actions.ts';
import { type BearerCheck, createApiToken, verifyBearer } from './tokens.ts';

/** The API tokens, over the shared store. */
export class ApiTokens {
  private readonly store: Store;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly days: number;

  constructor(store: Store, audit: AuditLog, clock: Clock, days: number) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.days = days;
  }

  /** Every token, newest first (never a hash). */
  list(): Promise<ApiTokenInfo[]> {
    return this.store.listTokens();
  }

  /** Creates a token for an agency id (or all); the token itself is returned this once only. */
  async create(actor: Actor, agency: string, label: string | null): Promise<{ id: string; token: string; expiresAt: string }> {
    const created = await createApiToken(this.store, agency, label, { days: this.days, now: this.clock() });
    await this.audit.record({ ticketRef: null, actor: actor.audit, action: 'token.created', detail: { id: created.id, agency } });
    return created;
  }

  /** Revokes a token; revoking one already revoked changes nothing. */
  async revoke(actor: Actor, id: string): Promise<void> {
    if (!(await this.store.listTokens()).some((t) => t.id === id)) throw new DomainError('not_found', 'not_found', 'No such token.');
    if (await this.store.revokeToken(id)) await this.audit.record({ ticketRef: null, actor: actor.audit, action: 'token.revoked', detail: { id } });
  }

  /** Checks an `Authorization` header now (see {@link verifyBearer}). */
  verify(header: string | undefined): Promise<BearerCheck> {
    return verifyBearer(this.store, header, this.clock());
  }
}
