/**
 * Rate limits of the simulator API: per simulator user and address, and per address whatever the
 * user ids (which anyone can invent). Without them anyone who reaches the server could file
 * tickets as fast as it answers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config/env.ts';
import { RequestError } from '../../core/errors.ts';
import { clientAddress } from '../../http-security.ts';

const MINUTE_MS = 60_000;

/** The simulator user a request names (body for POST, query for GET); empty when none. */
function simUserOf(req: FastifyRequest): string {
  const from = (v: unknown) => (v && typeof v === 'object' && typeof (v as { user?: unknown }).user === 'string' ? (v as { user: string }).user : undefined);
  return (from(req.body) ?? from(req.query) ?? '').trim().slice(0, 128);
}

/**
 * A preHandler (it needs the parsed body) that answers 429 with Retry-After past either limit.
 * Sending and collecting (the page polls every few seconds) are counted apart.
 */
export function simRateLimit(app: FastifyInstance, config: Pick<Config, 'SIMULATOR_USER_PER_MINUTE' | 'SIMULATOR_ADDRESS_PER_MINUTE'>) {
  const perAddress = app.createRateLimit({ max: config.SIMULATOR_ADDRESS_PER_MINUTE, timeWindow: MINUTE_MS, keyGenerator: (req) => `sim-address:${req.method}:${clientAddress(req)}` });
  const perUser = app.createRateLimit({ max: config.SIMULATOR_USER_PER_MINUTE, timeWindow: MINUTE_MS, keyGenerator: (req) => `sim-user:${req.method}:${clientAddress(req)}\u0000${simUserOf(req)}` });
  return async (req: FastifyRequest, reply: { header(name: string, value: number): unknown }): Promise<void> => {
    // The address first, so that requests refused per user still count against their address.
    for (const limit of [perAddress, perUser]) {
      const state = await limit(req);
      if (!state.isAllowed && state.isExceeded) {
        reply.header('retry-after', state.ttlInSeconds);
        throw new RequestError(429, 'rate_limited', `Too many simulator messages from here; wait ${state.ttlInSeconds} s and try again.`);
      }
    }
  };
}
