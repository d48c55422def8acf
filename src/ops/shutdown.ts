/**
 * Stopping on SIGTERM (systemd, Docker) or SIGINT without losing work, within a deadline.
 *
 * The server stops taking requests (Fastify answers 503 to new ones while it closes, so /readyz
 * fails and a balancer moves on), the inbound queue finishes the events it is handling, the
 * outbox dispatcher finishes the round it is sending, and the database is closed. Nothing
 * accepted is lost even when the deadline passes: events and messages are rows in the database,
 * handled or sent at the next start (at least once; both sides de-duplicate).
 */
import type { FastifyBaseLogger } from 'fastify';

/** Options of {@link installShutdown}. */
export interface ShutdownOptions {
  /** Stops the work, in order (timers, the HTTP server with the channels, then the database). */
  steps: { name: string; run: () => Promise<unknown> }[];
  /** The most the steps may take before the process exits anyway. */
  deadlineMs: number;
  log: FastifyBaseLogger;
  /** Ends the process; a parameter so that tests can watch it. */
  exit?: (code: number) => void;
  /** Runs when the deadline passed, before exiting (to close the database anyway). */
  onDeadline?: () => Promise<unknown>;
}

/** Runs the steps once on the first SIGTERM or SIGINT; a second signal exits at once. */
export function installShutdown(opts: ShutdownOptions): void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      opts.log.warn({ signal }, 'second signal: exiting without waiting; work left is resumed at the next start');
      return exit(1);
    }
    stopping = true;
    const started = Date.now();
    let current = '';
    opts.log.info({ signal, deadlineMs: opts.deadlineMs }, 'shutting down: finishing work in flight');
    const deadline = setTimeout(async () => {
      opts.log.error({ deadlineMs: opts.deadlineMs, waitingFor: current }, 'shutdown deadline passed; work left is resumed at the next start');
      // The database may itself be what waits: give closing it a second, no more.
      await Promise.race([opts.onDeadline?.().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
      exit(1);
    }, opts.deadlineMs);
    deadline.unref();
    try {
      for (const step of opts.steps) {
        current = step.name;
        await step.run();
      }
      clearTimeout(deadline);
      opts.log.info({ ms: Date.now() - started }, 'stopped cleanly');
      exit(0);
    } catch (err) {
      clearTimeout(deadline);
      opts.log.error({ step: current, err: { message: (err as Error).message } }, 'shutdown failed; work left is resumed at the next start');
      exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
