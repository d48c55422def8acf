/**
 * Response-time targets: how long a ticket may wait for its first staff action, per priority.
 */
import type { Config } from '../config/env.ts';
import type { TicketRecord } from '../store/store.ts';

/** Target wait in milliseconds by priority id. */
export type Targets = Record<string, number>;

/** The configured targets (TARGET_P1_MINUTES ... in the environment). */
export function targetsFrom(config: Pick<Config, 'TARGET_P1_MINUTES' | 'TARGET_P2_MINUTES' | 'TARGET_P3_MINUTES'>): Targets {
  return { P1: config.TARGET_P1_MINUTES * 60_000, P2: config.TARGET_P2_MINUTES * 60_000, P3: config.TARGET_P3_MINUTES * 60_000 };
}

/**
 * Where a ticket stands against its target. Before the first action it is `due` (with the time
 * left) or `overdue` (with the time past); afterwards `met` or `missed`. A closed ticket that nobody
 * acted on (closed by a duplicate mark counts as an action) is `met` only if closed in time.
 */
export type Timing = { state: 'due' | 'overdue' | 'met' | 'missed'; ms: number; targetMs: number };

/** The timing of one ticket now. A priority without its own target takes the loosest one. */
export function timingOf(ticket: Pick<TicketRecord, 'priority' | 'createdAt' | 'firstActionAt'>, targets: Targets, now: Date): Timing {
  const targetMs = targets[ticket.priority] ?? Math.max(...Object.values(targets));
  const created = Date.parse(ticket.createdAt);
  if (ticket.firstActionAt) {
    const took = Date.parse(ticket.firstActionAt) - created;
    return { state: took <= targetMs ? 'met' : 'missed', ms: took, targetMs };
  }
  const waited = now.getTime() - created;
  return waited > targetMs ? { state: 'overdue', ms: waited - targetMs, targetMs } : { state: 'due', ms: targetMs - waited, targetMs };
}
