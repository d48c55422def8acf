/**
 * The staff triage dashboard under /staff: one encapsulated Fastify plugin with its own form
 * parser, security headers, authentication and CSRF checks, and HTML error pages. It uses the same
 * services as the bot and the JSON API; nothing about tickets is implemented twice.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';
import { RequestError, requestErrorOf } from '../core/errors.ts';
import { registerAdminRoutes } from './admin-routes.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { createDashboard, type Dashboard, sendPage, setStaff, staffOf } from './dashboard-context.ts';
import { html } from './html.ts';
import { registerPrivacyRoutes } from './privacy-routes.ts';
import { registerQueueRoutes } from './queue-routes.ts';
import { sameToken } from './staff-auth.ts';
import { registerStatsRoutes } from './stats-routes.ts';
import { registerMonitoringRoutes } from '../monitoring/monitoring-routes.ts';
import { registerTicketPageRoutes } from './ticket-page-routes.ts';
import { registerTrainingRoutes } from './training-routes.ts';
import { page } from './views/layout.ts';

/** No inline script or style anywhere; forms post only here; no framing. */
export const DASHBOARD_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STATIC: Record<string, string> = { 'dashboard.css': 'text/css; charset=utf-8', 'report.css': 'text/css; charset=utf-8', 'favicon.svg': 'image/svg+xml', 'queue.js': 'text/javascript; charset=utf-8' };
/** The header the queue's background refresh sends (public/staff/queue.js). */
export const POLL_HEADER = 'x-tangrod-refresh';

/** Mounts the dashboard on the app. */
export async function registerDashboard(app: FastifyInstance, services: Services): Promise<void> {
  const d = createDashboard(services);
  await app.register((scope, _opts, done) => {
    mount(scope, d);
    done();
  }, { prefix: '/staff' });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A dashboard route that needs no staff session (login, static files). */
    public?: boolean;
  }
}

const isPublic = (req: FastifyRequest) => (req.routeOptions.config as { public?: boolean } | undefined)?.public === true;

function mount(app: FastifyInstance, d: Dashboard): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(body as string)) if (!(k in out)) out[k] = v;
    done(null, out);
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', DASHBOARD_CSP);
    reply.header('x-content-type-options', 'nosniff');
    // Ticket references are in URLs; no Referer may carry them to a map or any other site.
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  // Who is asking: every route but the login page and the stylesheet needs a live session.
  app.addHook('onRequest', async (req, reply) => {
    if (isPublic(req)) return;
    const staff = await d.auth.fromCookie(req.headers.cookie, { touch: req.headers[POLL_HEADER] !== '1' });
    if (!staff) return reply.redirect('/staff/login', 303);
    setStaff(req, staff);
  });

  // Every state-changing request carries the session's form token.
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST' || isPublic(req)) return;
    const token = (req.body as Record<string, string> | undefined)?._csrf;
    if (!sameToken(token, staffOf(req).session.csrf)) {
      const text = d.text(staffOf(req).user.lang);
      return sendPage(reply, page({ text }, text.t('error.title'), html`<h1>${text.t('error.title')}</h1><p role="alert">${text.t('error.csrf')}</p><p><a href="/staff">${text.t('ticket.back')}</a></p>`), 403);
    }
  });

  app.setErrorHandler((thrown: Error & { statusCode?: number; code?: string }, req, reply) => {
    const err: Error & { statusCode?: number; code?: string } = requestErrorOf(thrown) ?? thrown;
    const status = err instanceof RequestError ? err.status : err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err: { message: err.message, stack: err.stack } }, 'dashboard request failed');
    const lang = (() => {
      try {
        return staffOf(req).user.lang;
      } catch {
        return undefined;
      }
    })();
    const text = d.text(lang);
    const message = status === 404 ? text.t('error.not_found') : status === 403 ? text.t('error.forbidden') : status === 500 ? text.t('error.server') : text.t(`error.${err.code ?? 'bad_request'}`, { defaultValue: text.t('error.bad_request') });
    let staff: ReturnType<typeof staffOf> | undefined;
    try {
      staff = staffOf(req);
    } catch {
      staff = undefined;
    }
    return sendPage(reply, page({ text, ...(staff ? { staff } : {}) }, text.t('error.title'), html`<h1>${text.t('error.title')}</h1><p role="alert">${message}</p><p><a href="/staff">${text.t('ticket.back')}</a></p>`), status);
  });

  app.setNotFoundHandler(async (_req, reply) => {
    const text = d.text(undefined);
    return sendPage(reply, page({ text }, text.t('error.title'), html`<h1>${text.t('error.title')}</h1><p role="alert">${text.t('error.not_found')}</p><p><a href="/staff">${text.t('ticket.back')}</a></p>`), 404);
  });

  app.get<{ Params: { file: string } }>('/static/:file', { config: { public: true } }, async (req, reply) => {
    const type = STATIC[req.params.file];
    if (!type) throw new RequestError(404, 'not_found', 'No such file.');
    const body = await readFile(new URL(`../../public/staff/${req.params.file}`, import.meta.url));
    return reply.type(type).header('cache-control', 'public, max-age=3600').send(body);
  });

  registerAuthRoutes(app, d);
  registerQueueRoutes(app, d);
  registerTicketPageRoutes(app, d);
  registerPrivacyRoutes(app, d);
  registerStatsRoutes(app, d);
  registerMonitoringRoutes(app, d);
  registerAdminRoutes(app, d);
  // The training workspace's exercises and scorecards (TRAINING=on).
  if (d.services.training) registerTrainingRoutes(app, d, d.services.training);
}
