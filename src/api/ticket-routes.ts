/**
 * The staff and integration API: `GET /api/tickets` and `GET /api/tickets/:ref`, behind bearer
 * tokens scoped to one agency (which sees only tickets referred to it) or to all.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../services.ts';
import { RequestError } from '../core/errors.ts';
import type { ApiToken } from '../store/store.ts';
import { parseTicketCursor, ticketCursor } from '../tickets/ticket-queries.ts';
import { careJson } from '../care/care-json.ts';
import { ticketJson } from './ticket-json.ts';
import { documented, getTicketSchema, listTicketsSchema } from './ticket-schemas.ts';

/** Mounts the ticket API. */
export function registerTicketRoutes(app: FastifyInstance, services: Services): void {
  const { access, tickets, audit, tokens, definitions } = services;
  const listQuery = z
    .object({
      status: z.enum(['new', 'triaged', 'in_progress', 'referred', 'closed']).optional(),
      priority: z.enum(definitions.policy.priorities as [string, ...string[]]).optional(),
      agency: z.string().refine((a) => definitions.directory.byId.has(a), 'unknown agency id').optional(),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
      after: z.string().max(400).refine((c) => parseTicketCursor(c) !== undefined, 'not a cursor this API gave (the `next` of a list)').optional(),
    })
    .strict();

  const authenticate = async (req: FastifyRequest): Promise<ApiToken> => {
    const check = await tokens.verify(req.headers.authorization);
    if (check.ok) return check.token;
    if (check.reason === 'expired') throw new RequestError(401, 'token_expired', `This token expired at ${check.expiresAt}. Ask an administrator for a new one (npm run cli -- token create --agency <id|all>).`);
    throw new RequestError(401, 'unauthorized', 'Send "Authorization: Bearer <token>". Create a token with: npm run cli -- token create --agency <id|all>');
  };

  app.get('/api/tickets', documented(listTicketsSchema(listQuery)), async (req) => {
    const token = await authenticate(req);
    const parsed = listQuery.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new RequestError(400, 'invalid_query', `${issue.path.join('.') || 'query'}: ${issue.message}. Filters: status, priority, agency, limit, after.`);
    }
    const filter = access.scope(token, parsed.data);
    if (!filter) throw new RequestError(403, 'forbidden', `This token sees only agency ${token.agency}.`);
    const listed = await tickets.list(filter);
    const full = listed.length === Math.min(parsed.data.limit ?? 200, 1000);
    const rows = await Promise.all(listed.map(async (t) => ({ ...ticketJson(t), ...(await careJson(services.care, services.repatriation, token, t.ref)) })));
    return { tickets: rows, ...(full && listed.length ? { next: ticketCursor(listed.at(-1)!) } : {}) };
  });

  app.get<{ Params: { ref: string } }>('/api/tickets/:ref', documented(getTicketSchema), async (req) => {
    const token = await authenticate(req);
    const ref = req.params.ref.toUpperCase();
    // A ticket outside the token's agency is "not found", so that references cannot be probed.
    const ticket = await access.ticket(token, ref);
    if (!ticket) {
      throw new RequestError(404, 'not_found', `No ticket ${ref} for this token.`);
    }
    await audit.record({ ticketRef: ref, actor: `token:${token.id}`, action: 'ticket.viewed', detail: { via: 'api' } });
    return { ...ticketJson(ticket, await access.attachments(token, ticket)), ...(await careJson(services.care, services.repatriation, token, ticket.ref)) };
  });
}
