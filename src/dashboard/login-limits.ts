/**
 * The per-address half of login throttling (the per name and address delay is in
 * {@link StaffAuth}): failed logins from one address, whatever the names, are capped, so that
 * guessing a common password across every staff name ("spraying") stops early.
 */
import type { FastifyInstance } from 'fastify';
import { clientAddress } from '../http-security.ts';
import type { DashboardText } from '../staff/staff-text.ts';

/** Failed logins from one address, across all names, within {@link LOGIN_ADDRESS_WINDOW_MS}. */
export const LOGIN_ADDRESS_FAILURES = 20;
export const LOGIN_ADDRESS_WINDOW_MS = 15 * 60 * 1000;

/** A limiter keyed on the client address (from the trusted proxy when TRUST_PROXY is set). */
export function loginSprayLimiter(app: FastifyInstance) {
  return app.createRateLimit({ max: LOGIN_ADDRESS_FAILURES, timeWindow: LOGIN_ADDRESS_WINDOW_MS, keyGenerator: (req) => `login-address:${clientAddress(req)}` });
}

/** A wait in words: seconds when short, minutes otherwise. */
export function waitText(text: DashboardText, ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 90 ? text.t('staff_access.seconds', { s: seconds }) : text.duration(ms);
}
