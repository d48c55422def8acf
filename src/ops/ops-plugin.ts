/**
 * The operator's endpoints: `/healthz` (the process answers), `/readyz` (it can do its work),
 * `/metrics` (Prometheus, this machine or a token only) and `/api/openapi.json` (the staff API's
 * description). Mounted before the other routes, so that the OpenAPI document sees them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';
import { channelRuntime } from '../channels/channels.ts';
import { safeEqual } from '../channels/constant-time.ts';
import { DeferredMetrics } from './deferred-metrics.ts';
import { openApiDocument } from './openapi-document.ts';
import { latestMigration, openOpsFigures } from './ops-db.ts';
import { storeReady } from '../store/open-store.ts';
import { checkReadiness } from './readiness.ts';
import { echoRequestId } from './request-log.ts';

/** How long after the server is ready the metrics are loaded (a scrape before loads them at once). */
const METRICS_AFTER_READY_MS = 1000;

/** Where the OpenAPI document is served. */
export const OPENAPI_PATH = '/api/openapi.json';

/** True for 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/**
 * A request from this machine itself: its socket is on loopback and no proxy forwarded it. A
 * reverse proxy on the same machine connects from 127.0.0.1 too, so a forwarding header means
 * "from outside", whatever TRUST_PROXY says.
 */
export function isLocalRequest(req: FastifyRequest): boolean {
  const forwarded = req.headers['x-forwarded-for'] ?? req.headers.forwarded ?? req.headers['x-real-ip'];
  return forwarded === undefined && isLoopback(req.socket.remoteAddress);
}

/** Mounts the operator's endpoints, the request-id header, HTTP latency and the queue metrics. */
export async function registerOps(app: FastifyInstance, services: Services, opts: { databaseFile: string }): Promise<void> {
  const { config, store, clock } = services;
  // PostgreSQL (DATABASE_URL): its own figures and migration numbers.
  // Its module (and the pg driver) is loaded only then.
  const postgres = config.DATABASE_URL ? await import('./ops-db-postgres.ts') : undefined;
  const figures = postgres ? await storeReady(store).then(() => postgres.openPostgresOpsFigures(config.DATABASE_URL!)) : openOpsFigures(opts.databaseFile, config.DATABASE_KEY);
  const platforms = [
    ...(config.LINE_CHANNEL_SECRET && config.LINE_CHANNEL_ACCESS_TOKEN ? ['line'] : []),
    ...(config.TELEGRAM_BOT_TOKEN ? ['telegram'] : []),
  ];
  // Loaded a second after the server is ready (or at the first scrape), counting what came before.
  const metrics = new DeferredMetrics(async () => (await import('./metrics.ts')).createMetrics({ figures, channels: { inbound: platforms, outbox: [...platforms, 'webhook'] }, now: clock }));
  const schemaVersion = postgres ? postgres.latestPostgresMigration() : latestMigration();

  echoRequestId(app);
  // Callback hooks, here and for the headers: every webhook passes them, and an async hook is a promise each.
  app.addHook('onResponse', (req, reply, done) => {
    // The route pattern (/api/tickets/:ref), never the URL: no references or ids in labels.
    const route = req.routeOptions.url ?? 'unmatched';
    const labels = { method: req.method, route, status_code: String(reply.statusCode) };
    const seconds = reply.elapsedTime / 1000;
    metrics.record((m) => m.httpDuration.observe(labels, seconds));
    done();
  });
  app.addHook('onReady', async () => {
    // Registered before the channels, so this runs before their queues start on leftovers.
    const runtime = channelRuntime(app);
    if (!runtime) return;
    runtime.queue.events.on('accepted', (channel) => metrics.record((m) => m.inboundAccepted.inc({ channel })));
    runtime.queue.events.on('handled', (channel) => metrics.record((m) => m.inboundHandled.inc({ channel })));
    runtime.queue.events.on('dropped', (channel) => metrics.record((m) => m.inboundDropped.inc({ channel })));
    runtime.dispatcher.events.on('sent', (channel) => metrics.record((m) => m.deliveries.inc({ channel })));
    runtime.dispatcher.events.on('retry', (channel) => metrics.record((m) => m.deliveryRetries.inc({ channel })));
    runtime.dispatcher.events.on('failed', (channel) => metrics.record((m) => m.deliveryFailures.inc({ channel })));
  });
  let loadMetrics: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    loadMetrics = setTimeout(() => {
      metrics.ready().catch((err: Error) => app.log.error({ err: { message: err.message } }, 'metrics could not be loaded'));
    }, METRICS_AFTER_READY_MS);
    loadMetrics.unref();
  });
  app.addHook('onClose', async () => (clearTimeout(loadMetrics), figures.close()));

  // The OpenAPI document: the routes noted from here on, the document built on its first request.
  const document = openApiDocument(app);

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_req, reply) => {
    const runtime = channelRuntime(app);
    const result = await checkReadiness({
      store,
      figures,
      schemaVersion,
      queues: () => ({ inbound: runtime?.queue.active ?? false, outbox: runtime?.dispatcher.active ?? false }),
    });
    return reply.status(result.ready ? 200 : 503).header('cache-control', 'no-store').send(result);
  });

  app.get('/metrics', async (req, reply) => {
    if (!metricsAllowed(req, config.METRICS_TOKEN, reply)) return reply;
    const m = await metrics.ready();
    return reply.header('content-type', m.contentType).header('cache-control', 'no-store').send(await m.scrape());
  });

  app.get(OPENAPI_PATH, async () => document());
}

/** This machine, or the right bearer token; otherwise answers 401/403 and returns false. */
function metricsAllowed(req: FastifyRequest, token: string | undefined, reply: FastifyReply): boolean {
  if (isLocalRequest(req)) return true;
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (token && given && safeEqual(given, token)) return true;
  if (!token) {
    void reply.status(403).send({ error: 'forbidden', message: 'Metrics are served only to this machine. To scrape from elsewhere, set METRICS_TOKEN and send "Authorization: Bearer <METRICS_TOKEN>".' });
  } else {
    void reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'Send "Authorization: Bearer <METRICS_TOKEN>".' });
  }
  return false;
}
