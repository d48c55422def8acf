/**
 * Staff accounts as the admin page and the log-in use them: listing, creating, disabling, linking
 * a Telegram user, the dashboard language. Each change writes an audit row saying who made it.
 */
import { DomainError } from '../core/errors.ts';
import type { Directory } from '../directory/directory.ts';
import type { StaffUser, Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../tickets/ticket-actions.ts';
import { createStaffAccount, type NewStaff, newStaffProblem, TELEGRAM_USER_ID } from './staff-accounts.ts';

/** Why a Telegram link was refused (dashboard locale `admin_telegram.<code>`). */
export type TelegramLinkProblem = 'invalid' | 'taken';

/** The staff accounts, over the shared store. */
export class StaffService {
  private readonly store: Store;
  private readonly directory: Directory;
  private readonly audit: AuditLog;

  constructor(store: Store, directory: Directory, audit: AuditLog) {
    this.store = store;
    this.directory = directory;
    this.audit = audit;
  }

  /** Every account, by name. */
  list(): Promise<StaffUser[]> {
    return this.store.listStaff();
  }

  /** Account ids to names, for pages that show who did what. */
  async names(): Promise<Map<string, string>> {
    return new Map((await this.store.listStaff()).map((u) => [u.id, u.name]));
  }

  /** What is wrong with a new account, as a problem code (see {@link newStaffProblem}). */
  problemOf(account: NewStaff): ReturnType<typeof newStaffProblem> {
    return newStaffProblem(this.store, this.directory, account);
  }

  /** Creates an account that {@link problemOf} found nothing wrong with; returns its id. */
  async create(actor: Actor, account: NewStaff): Promise<string> {
    const id = await createStaffAccount(this.store, account);
    await this.audit.record({ ticketRef: null, actor: actor.audit, action: 'staff.created', detail: { id, role: account.role } });
    return id;
  }

  /** Disables (ending its sessions) or enables an account; never one's own. */
  async setDisabled(actor: Actor, id: string, disabled: boolean): Promise<void> {
    const user = await this.existing(id);
    if (user.id === actor.id) throw new DomainError('invalid', 'self', 'You cannot disable your own account.');
    await this.store.updateStaff(user.id, { disabled });
    if (disabled) await this.store.deleteStaffSessionsOf(user.id);
    await this.audit.record({ ticketRef: null, actor: actor.audit, action: disabled ? 'staff.disabled' : 'staff.enabled', detail: { id: user.id } });
  }

  /**
   * Links an account to a Telegram user id (alerts' claim button, escalations); an empty value
   * unlinks. Returns the problem when the id is malformed or another account has it.
   */
  async linkTelegram(actor: Actor, id: string, telegramUserId: string): Promise<TelegramLinkProblem | undefined> {
    const user = await this.existing(id);
    const value = telegramUserId.trim();
    if (value && !TELEGRAM_USER_ID.test(value)) return 'invalid';
    const other = value ? await this.store.findStaffByTelegram(value) : undefined;
    if (other && other.id !== user.id) return 'taken';
    await this.store.updateStaff(user.id, { telegramUserId: value || null });
    await this.audit.record({ ticketRef: null, actor: actor.audit, action: value ? 'staff.telegram_linked' : 'staff.telegram_unlinked', detail: { id: user.id } });
    return undefined;
  }

  /** Sets the language of one's dashboard. */
  async setLanguage(id: string, lang: StaffUser['lang']): Promise<void> {
    await this.store.updateStaff(id, { lang });
  }

  /** Records a successful log-in. */
  async recordLogin(id: string): Promise<void> {
    await this.audit.record({ ticketRef: null, actor: `staff:${id}`, action: 'staff.login' });
  }

  private async existing(id: string): Promise<StaffUser> {
    const user = await this.store.getStaff(id);
    if (!user) throw new DomainError('not_found', 'not_found', 'No such account.');
    return user;
  }
}
