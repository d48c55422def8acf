/**
 * The HTTP server: mounts the routes that the configuration turns on over the shared
 * {@link Services} (built in `services.ts`).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerTicketRoutes } from './api/ticket-routes.ts';
import { registerChannels } from './channels/channels.ts';
import { registerSimulator } from './channels/simulator/sim-routes.ts';
import { requestErrorOf } from './core/errors.ts';
import { registerDashboard } from './dashboard/dashboard-plugin.ts';
import { registerHttpSecurity, trustProxyOption } from './http-security.ts';
import { lazySchemaCompilers } from './http-compilers.ts';
import { sharedRateLimits } from './shared-rate-limits.ts';
import { registerOps } from './ops/ops-plugin.ts';
import { requestLogOptions } from './ops/request-log.ts';
import { registerScriptedReporters } from './training/scripted-reporters.ts';
import { databasePath, type Services } from './services.ts';

/** Builds the HTTP server with every route that the configuration turns on. */
export async function createApp(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    // Only the configured proxy's X-Forwarded-For is believed (TRUST_PROXY).
    trustProxy: trustProxyOption(config),
    // A request id on every line; no query strings or client addresses (src/ops/request-log.ts).
    ...requestLogOptions(config.LOG_LEVEL),
    // Base64 images come through the simulator; keep some room above the upload limit.
    bodyLimit: Math.ceil(config.MAX_UPLOAD_BYTES * 1.4) + 64 * 1024,
    // Ajv and fast-json-stringify load only if a route needs them (none does: zod validates).
    schemaController: lazySchemaCompilers(),
  });

  // The assist logs a paused feature (never content) with the server's logger.
  services.llm.useLog(app.log);

  // Every error answers as JSON with a code and a sentence that says what to do; no stack, no input echoed.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const refused = requestErrorOf(err);
    if (refused) return reply.status(refused.status).send({ error: refused.code, message: refused.message });
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

  // Security headers and no-store on every response, and the rate limiter the routes use.
  await registerHttpSecurity(app, config.DATABASE_URL ? { rateLimitStore: sharedRateLimits(services.store, services.clock) } : {});
  // /healthz, /readyz, /metrics, /api/openapi.json; first, so that the OpenAPI document sees the routes.
  await registerOps(app, services, { databaseFile: databasePath(config) });
  if (config.SIMULATOR) registerSimulator(app, services);
  registerTicketRoutes(app, services);
  await registerDashboard(app, services);
  // The training workspace has no platform channel: nothing it does can reach a real chat.
  if (!config.TRAINING) await registerChannels(app, services);
  // ...and its scripted reporters answer staff from their scenarios.
  if (services.training) registerScriptedReporters(app, services.training);
  return app;
}
