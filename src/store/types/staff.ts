/**
 * Records of the store: Dashboard accounts and their sessions.
 */

export type StaffRole = 'admin' | 'supervisor' | 'agent';

/** A dashboard account. The password hash never leaves the store except to be verified. */
export interface StaffUser {
  id: string;
  name: string;
  role: StaffRole;
  /** An agency id, or `*` (admins). */
  agency: string;
  lang: string;
  disabled: boolean;
  /** The linked Telegram user id (alerts' claim button, escalations), if any. */
  telegramUserId: string | null;
  createdAt: string;
}

/** A logged-in dashboard session, found by the hash of its cookie. */
export interface StaffSession {
  userId: string;
  csrf: string;
  expiresAt: string;
  lastSeenAt: string;
}
