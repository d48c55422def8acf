/**
 * Creating staff accounts, shared by the command line (the first admin) and the admin page.
 */
import { randomUUID } from 'node:crypto';
import type { Directory } from '../directory/directory.ts';
import type { StaffRole, Store } from '../store/store.ts';
import { ALL_AGENCIES } from '../access/access.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.ts';

export const ROLES: readonly StaffRole[] = ['admin', 'supervisor', 'agent'];
/** Login names: letters (any script), digits and . _ - , easy to type and to read in the audit trail. */
export const STAFF_NAME = /^[\p{L}\p{N}._-]{2,60}$/u;

/** A Telegram user id: a positive number (user ids, unlike group chat ids, are never negative). */
export const TELEGRAM_USER_ID = /^[1-9]\d{0,19}$/;

/** A new account as asked for. Admins see every agency, so their agency is ignored. */
export interface NewStaff {
  name: string;
  role: string;
  agency: string | undefined;
  /** A staff language (locales/staff-languages.yaml). */
  lang: string;
  password: string;
}

/** What is wrong with a new account, as a problem code (dashboard locale `error.<code>`), or undefined. */
export async function newStaffProblem(store: Store, directory: Directory, s: NewStaff): Promise<'invalid_name' | 'invalid_role' | 'unknown_agency' | 'password_short' | 'name_taken' | undefined> {
  if (!STAFF_NAME.test(s.name)) return 'invalid_name';
  if (!ROLES.includes(s.role as StaffRole)) return 'invalid_role';
  if (s.role !== 'admin' && !(s.agency && directory.byId.has(s.agency))) return 'unknown_agency';
  if (s.password.length < MIN_PASSWORD_LENGTH) return 'password_short';
  if (await store.findStaffByName(s.name)) return 'name_taken';
  return undefined;
}

/** Creates the account (after {@link newStaffProblem} found nothing); returns its id. */
export async function createStaffAccount(store: Store, s: NewStaff): Promise<string> {
  const id = randomUUID();
  await store.createStaff({ id, name: s.name, role: s.role as StaffRole, agency: s.role === 'admin' ? ALL_AGENCIES : s.agency!, lang: s.lang, passwordHash: await hashPassword(s.password) });
  return id;
}
