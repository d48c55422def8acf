/**
 * What every HTTP response shares (issue 10, items 5 and 19): the trusted proxy, security headers,
 * `no-store` unless a route says otherwise, and the rate limiter that the login form and the
 * simulator use. (Request logs without query strings: src/ops/request-log.ts.)
 */
import rateLimit, { type FastifyRateLimitStoreCtor, normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { Config } from './config/env.ts';

/**
 * The client's address as limits count it: from the trusted proxy when TRUST_PROXY is set, and an
 * IPv6 address as its /64 network (one subscriber holds at least that many addresses).
 */
export function clientAddress(req: FastifyRequest): string {
  return normalizeIP(req.ip);
}

/** Fastify's `trustProxy`: only the configured proxy's X-Forwarded-For is believed, else none. */
export function trustProxyOption(config: Pick<Config, 'TRUST_PROXY'>): FastifyServerOptions['trustProxy'] {
  return config.TRUST_PROXY === false ? false : config.TRUST_PROXY;
}

/**
 * The headers helmet sets, worked out once: they are the same for every response. Set on the
 * raw response on each request (as helmet's middleware does), they cost a validated `setHeader`
 * each, and push Node's writing of the response off its fast path, on every webhook.
 */
export function securityHeaders(): Record<string, string> {
  const set: Record<string, string> = {};
  const middleware = helmet({
    // Each area sets its own policy (the dashboard, the simulator page); JSON needs none.
    contentSecurityPolicy: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS belongs to the TLS proxy, which knows the real host name and its subdomains.
    hsts: false,
  });
  const response = {
    setHeader: (name: string, value: unknown) => void (set[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete set[name.toLowerCase()],
  };
  // helmet's middleware is synchronous: `set` is complete when it returns.
  middleware({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return set;
}

/** Registers the headers every response gets and the (route-by-route) rate limiter. */
export async function registerHttpSecurity(app: FastifyInstance, opts: { rateLimitStore?: FastifyRateLimitStoreCtor } = {}): Promise<void> {
  const headers = securityHeaders();
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
  // Tickets, replies and transcripts are personal data: no shared or browser cache keeps them.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  // Not global: the routes that need a limit say so (login, simulator). Counted in the database
  // when several instances share one (see src/shared-rate-limits.ts).
  await app.register(rateLimit, { global: false, ...(opts.rateLimitStore ? { store: opts.rateLimitStore } : {}) });
}
