/**
 * Staff authentication: name and password, server-side sessions, per-session CSRF tokens and login
 * throttling. The cookie holds a random session id; the database keeps only its SHA-256, so a copy
 * of the database does not let anyone in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { StaffSession, StaffUser, Store } from '../store/store.ts';
import { parseCookies } from './cookies.ts';
import { dummyHash, verifyPassword } from '../staff/passwords.ts';

/** A session lasts a working shift at most, and ends after two idle hours (shared computers). */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/**
 * Login throttling is a delay per name and address pair, never a lockout of the account: someone
 * guessing from elsewhere slows down only their own attempts, and the staff member's own address
 * keeps working. The first failures are free (typos); then each attempt must wait twice as long as
 * the last, up to {@link LOGIN_MAX_DELAY_MS}. Failures are remembered for {@link LOGIN_MEMORY_MS}.
 */
export const LOGIN_FREE_FAILURES = 3;
export const LOGIN_MAX_DELAY_MS = 15 * 60 * 1000;
export const LOGIN_MEMORY_MS = 24 * 60 * 60 * 1000;

/** How long after its last failure a name and address pair must wait, given its failure count. */
export function loginDelayMs(failures: number): number {
  if (failures < LOGIN_FREE_FAILURES) return 0;
  return Math.min(LOGIN_MAX_DELAY_MS, 1000 * 2 ** (failures - LOGIN_FREE_FAILURES));
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const token = () => randomBytes(32).toString('base64url');

/** A logged-in staff member, as routes see them. */
export interface StaffContext {
  user: StaffUser;
  session: StaffSession;
  /** The hash of the session id (to log out). */
  idHash: string;
}

/** The outcome of a login attempt. */
export type LoginResult = { ok: true; sessionId: string; user: StaffUser } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'throttled'; retryAfterMs: number };

/** Compares two strings in constant time (for CSRF tokens). */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Sessions and logins over the store. */
export class StaffAuth {
  /** The cookie's name; the `__Host-` prefix makes browsers insist on Secure, Path=/ and no Domain. */
  readonly cookieName: string;

  private readonly store: Store;
  private readonly clock: Clock;
  readonly secure: boolean;

  constructor(
    store: Store,
    clock: Clock,
    secure: boolean,
  ) {
    this.store = store;
    this.clock = clock;
    this.secure = secure;
    this.cookieName = secure ? '__Host-tangrod_staff' : 'tangrod_staff';
  }

  /** The throttling key: a hash, so that neither name nor address is stored in clear. */
  private attemptKey(name: string, ip: string): string {
    return sha256(`${name.trim().toLowerCase()}\u0000${ip}`);
  }

  /**
   * Checks a name and password, with a growing delay per name and address; opens a session on
   * success. While the pair must wait, the password is not even checked (it could be a guess).
   */
  async login(name: string, password: string, ip: string): Promise<LoginResult> {
    const key = this.attemptKey(name, ip);
    const now = this.clock().getTime();
    const { count, lastAt } = await this.store.loginFailuresSince(key, new Date(now - LOGIN_MEMORY_MS).toISOString());
    const retryAfterMs = lastAt ? Date.parse(lastAt) + loginDelayMs(count) - now : 0;
    if (retryAfterMs > 0) return { ok: false, reason: 'throttled', retryAfterMs };
    const found = name.trim() ? await this.store.findStaffByName(name.trim()) : undefined;
    // Verify against a dummy hash when the name is unknown, so that the answer time does not tell.
    const valid = await verifyPassword(password, found?.passwordHash ?? (await dummyHash()));
    if (!found || !valid || found.disabled) {
      await this.store.recordLoginFailure(key);
      return { ok: false, reason: 'invalid' };
    }
    await this.store.clearLoginFailures(key);
    const sessionId = token();
    const { passwordHash: _, ...user } = found;
    await this.store.createStaffSession({
      idHash: sha256(sessionId),
      userId: user.id,
      csrf: token(),
      expiresAt: new Date(this.clock().getTime() + SESSION_MAX_MS).toISOString(),
    });
    return { ok: true, sessionId, user };
  }

  /**
   * The staff member behind a request's cookie, if the session is live and the account enabled.
   * A background refresh passes `touch: false`, so that an open queue page does not keep an idle
   * session (a shared computer left alone) alive for ever.
   */
  async fromCookie(cookieHeader: string | undefined, opts: { touch?: boolean } = {}): Promise<StaffContext | undefined> {
    const id = parseCookies(cookieHeader).get(this.cookieName);
    if (!id || id.length > 100) return undefined;
    const idHash = sha256(id);
    const now = this.clock();
    const session = await this.store.useStaffSession(idHash, now.toISOString(), opts.touch ?? true);
    if (!session) return undefined;
    if (now.getTime() - Date.parse(session.lastSeenAt) > SESSION_IDLE_MS) {
      await this.store.deleteStaffSession(idHash);
      return undefined;
    }
    const user = await this.store.getStaff(session.userId);
    if (!user || user.disabled) return undefined;
    return { user, session, idHash };
  }

  /** Ends a session. */
  async logout(ctx: StaffContext): Promise<void> {
    await this.store.deleteStaffSession(ctx.idHash);
  }

  /** A fresh random token (the pre-login CSRF cookie). */
  newToken(): string {
    return token();
  }
}
