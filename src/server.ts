/**
 * Starts Tangrod (through `main.ts`): the HTTP server with the simulator (when on), the staff API and the channels.
 */
import { createApp } from './app.ts';
import { createServices, workspaceDir } from './services.ts';
import { definitionsCacheFile, loadDefinitionsCached } from './definitions-cache.ts';
import { systemClock } from './core/clock.ts';
import { describeChannels } from './channels/channels.ts';
import { ConfigError, loadConfig } from './config/env.ts';
import { DefinitionError, formatProblem } from './core/errors.ts';
import { startupWarnings } from './startup-warnings.ts';
import { installShutdown } from './ops/shutdown.ts';
import { DatabaseKeyError } from './store/sqlite/cipher.ts';
import { scheduleRetention } from './privacy/retention.ts';
import { storeReady } from './store/open-store.ts';
import { startMemoryRelease } from './ops/memory-release.ts';

/** How often overdue referrals are looked for. */
const ESCALATION_TICK_MS = 60_000;

try {
  const config = loadConfig();
  // Checked definitions, read back from the data folder when no file and no code changed (ADR 0025).
  const { definitions, outcome } = await loadDefinitionsCached(config.FLOWS_DIR, config.LOCALES_DIR, definitionsCacheFile(config.DATA_DIR));
  const services = createServices(config, systemClock, definitions);
  // PostgreSQL: connected and migrated before anything is served (a bad DATABASE_URL stops here).
  await storeReady(services.store);
  const app = await createApp(services);
  await app.listen({ port: config.PORT, host: config.HOST });
  app.log.debug({ definitionsCache: outcome }, 'definitions');
  const base = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`;
  const channels = [...(config.SIMULATOR ? [`simulator (${base}/sim)`] : []), ...(config.TRAINING ? [] : describeChannels(config))];
  app.log.info(`Tangrod is up${config.TRAINING ? ' as a TRAINING workspace (no agency is alerted, no real chat is reached)' : ''}. Channels: ${channels.join(', ') || 'none'}. Data in ${workspaceDir(config)}.`);
  for (const warning of await startupWarnings(config, services.store, [...services.definitions.directory.byId.keys()])) app.log.warn(warning);
  // Referrals nobody accepted in time: reminded, then escalated. Every minute, and once at start
  // (the process may have been down when something fell due).
  let ticking: Promise<void> | undefined;
  const escalate = async () => {
    if (ticking) return;
    ticking = (async () => {
      try {
        // One instance at a time looks (the others skip this round); advanceEscalation is a
        // compare-and-set besides, so a reminder goes once even if two rounds overlapped.
        const lock = await services.store.acquireLock('escalation');
        if (!lock) return;
        let outcome: { sent: number; nobody: number };
        try {
          outcome = await services.escalation.tick(services.clock());
        } finally {
          await lock.release();
        }
        const { sent, nobody } = outcome;
        if (nobody) app.log.warn({ sent, nobody }, 'overdue referrals: some reminders or escalations reached nobody (no alert destination; see npm run cli -- alerts set and ESCALATION_*)');
        else if (sent) app.log.info({ sent }, 'referral reminders or escalations queued');
      } catch (err) {
        app.log.error({ err: { message: (err as Error).message } }, 'escalation tick failed');
      }
    })().finally(() => (ticking = undefined));
  };
  const escalationTimer = setInterval(escalate, ESCALATION_TICK_MS);
  void escalate();
  // What a burst (or start-up itself) leaves in V8's heap, handed back once the bot is quiet (ADR 0029).
  const memoryRelease = startMemoryRelease({ onRelease: (released) => app.log.debug(released, 'memory released after a busy spell') });
  // Retention (issue 14): what is past its period goes, a minute after start and then daily.
  const retention = scheduleRetention(services.retention, app.log, { lock: () => services.store.acquireLock('retention') });
  // SIGTERM/SIGINT: finish what is in flight, within SHUTDOWN_TIMEOUT_MS, then close the database.
  installShutdown({
    log: app.log,
    deadlineMs: config.SHUTDOWN_TIMEOUT_MS,
    steps: [
      { name: 'escalation', run: async () => (clearInterval(escalationTimer), await ticking) },
      { name: 'memory release', run: async () => memoryRelease.stop() },
      { name: 'retention', run: () => retention.stop() },
      { name: 'server and channels', run: () => app.close() },
      { name: 'database', run: () => services.store.close() },
    ],
    onDeadline: () => services.store.close(),
  });
} catch (err) {
  if (err instanceof ConfigError || err instanceof DatabaseKeyError) console.error(err.message);
  else if (err instanceof DefinitionError) console.error(`The definitions have problems (run npm run check):\n${err.problems.map(formatProblem).join('\n')}`);
  else throw err;
  process.exit(1);
}
