/**
 * Wiring: builds the services from the configuration and mounts the HTTP routes. The bot, the
 * simulator and the staff API share these services; nothing is built twice.
 */
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { AgencyAlerts } from './alerts/agency-alerts.ts';
import { EscalationService } from './alerts/escalation-service.ts';
import { registerTicketRoutes } from './api/ticket-routes.ts';
import { registerChannels } from './channels/channels.ts';
import { registerSimulator } from './channels/simulator/sim-routes.ts';
import type { Config } from './config/env.ts';
import { type Clock, systemClock } from './core/clock.ts';
import { RequestError } from './core/errors.ts';
import { ConversationService } from './conversation/conversation-service.ts';
import { registerDashboard } from './dashboard/dashboard-plugin.ts';
import { targetsFrom } from './dashboard/targets.ts';
import { type Definitions, loadDefinitions } from './definitions.ts';
import { registerHttpSecurity, serverOptions } from './http-security.ts';
import { TranslationLexicon } from './i18n/lexicon.ts';
import { FileStore } from './store/file-store.ts';
import { openSqliteStore } from './store/sqlite-store.ts';
import type { Store } from './store/store.ts';
import { ReporterUpdates } from './tickets/reporter-updates.ts';
import { TicketActions } from './tickets/ticket-actions.ts';

/** The services every channel and route uses. */
export interface Services {
  config: Config;
  store: Store;
  files: FileStore;
  definitions: Definitions;
  conversation: ConversationService;
  /** Staff actions on tickets, shared by the dashboard and the Telegram alerts' claim button. */
  actions: TicketActions;
  /** Agency alerts (Telegram, LINE groups, webhooks), written with the referrals. */
  alerts: AgencyAlerts;
  /** Reminders and escalations of referrals nobody accepted in time; `tick` runs every minute in main. */
  escalation: EscalationService;
  clock: Clock;
}

/** The SQLite file inside the data folder. */
export function databasePath(config: Config): string {
  return path.join(config.DATA_DIR, 'tangrod.db');
}

/** Builds the services: loads and checks the definitions, opens the store. */
export function createServices(config: Config, clock: Clock = systemClock): Services {
  const definitions = loadDefinitions(config.FLOWS_DIR, config.LOCALES_DIR);
  const store = openSqliteStore(databasePath(config), clock);
  const files = new FileStore(config.DATA_DIR);
  const alerts = new AgencyAlerts({ config, translations: definitions.translations, dictionary: definitions.flows.dictionary, clock });
  const conversation = new ConversationService({
    store,
    ...definitions,
    lexicon: new TranslationLexicon(definitions.translations),
    maxTextLength: config.MAX_TEXT_LENGTH,
    deleteFiles: (paths) => files.delete(paths),
    alerts,
  });
  const actions = new TicketActions(store, definitions.directory, clock, { alerts, updates: new ReporterUpdates(definitions.translations) });
  const escalation = new EscalationService({ store, alerts, targets: targetsFrom(config) });
  return { config, store, files, definitions, conversation, actions, alerts, escalation, clock };
}

/** Builds the HTTP server with every route that the configuration turns on. */
export async function createApp(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    ...serverOptions(config),
    // Base64 images come through the simulator; keep some room above the upload limit.
    bodyLimit: Math.ceil(config.MAX_UPLOAD_BYTES * 1.4) + 64 * 1024,
  });

  // Every error answers as JSON with a code and a sentence that says what to do; no stack, no input echoed.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof RequestError) return reply.status(err.status).send({ error: err.code, message: err.message });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err: { message: err.message, stack: err.stack } }, 'request failed');
    const message =
      err.code === 'FST_ERR_CTP_INVALID_JSON' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'The body is not valid JSON. Send a JSON object, e.g. {"user": "u1", "text": "hello"}.'
        : status === 413
          ? 'The body is too large.'
          : status === 415
            ? 'Send the body as application/json.'
            : status === 500
              ? 'Something went wrong on our side; nothing was saved. Try again.'
              : err.message;
    return reply.status(status).send({ error: err.code ?? 'error', message });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}.` }));

  await registerHttpSecurity(app);
  app.get('/healthz', async () => ({ ok: true }));
  if (config.SIMULATOR) registerSimulator(app, services);
  registerTicketRoutes(app, services);
  await registerDashboard(app, services);
  registerChannels(app, services);
  return app;
}
