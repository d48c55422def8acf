/** Shared set-up of the care, repatriation and monitoring tests (issue 15). */
import type { Clock } from '../../src/core/clock.ts';
import { FISHING_BOAT } from './staff.ts';
import type { ScriptAnswer } from './script.ts';

/** A Cambodian fishing worker in Thailand who wants shelter, legal help and to go home, and agrees to be written to and to share across borders. */
export const KH_FISHER: Record<string, ScriptAnswer> = {
  ...FISHING_BOAT,
  nationality: { choice: 'KH' },
  needs: { choice: 'shelter,legal,go_home' },
  consent_share: { choice: 'yes' },
  consent_cross_border: { choice: 'yes' },
  contact_ok: { choice: 'yes' },
};

/** A clock the test moves. */
export function testClock(startIso: string): { clock: Clock; at(iso: string): void; plus(ms: number): void; now(): Date } {
  let t = Date.parse(startIso);
  return {
    clock: () => new Date(t),
    at: (iso) => {
      t = Date.parse(iso);
    },
    plus: (ms) => {
      t += ms;
    },
    now: () => new Date(t),
  };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
