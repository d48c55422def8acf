/**
 * The staff API's OpenAPI description at /api/openapi.json: generated from the route schemas,
 * listing the ticket routes, and matching what the API really answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ticketSchema } from '../src/api/ticket-schemas.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { dangerTicket } from './helpers/sim-ticket.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; security?: unknown[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }>; securitySchemes: Record<string, { scheme: string }> };
}

describe('/api/openapi.json', () => {
  it('lists the ticket routes with their filters, bearer security and responses, and nothing else', async () => {
    server = await startServer();
    const res = await fetch(`${server.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/tickets', '/api/tickets/{ref}']);
    const list = doc.paths['/api/tickets']!.get!;
    expect(list.parameters!.filter((p) => p.in === 'query').map((p) => p.name).sort()).toEqual(['after', 'agency', 'limit', 'priority', 'status']);
    expect(Object.keys(list.responses).sort()).toEqual(['200', '400', '401', '403']);
    const one = doc.paths['/api/tickets/{ref}']!.get!;
    expect(one.parameters).toEqual([expect.objectContaining({ name: 'ref', in: 'path' })]);
    expect(Object.keys(one.responses).sort()).toEqual(['200', '401', '404']);
    expect(list.security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes.bearer!.scheme).toBe('bearer');
    // The brief's ticket fields are described.
    const ticket = doc.components.schemas.Ticket!;
    for (const field of ['ref', 'status', 'priority', 'caseType', 'language', 'role', 'answers', 'indicators', 'referrals', 'createdAt']) {
      expect(ticket.required, field).toContain(field);
    }
  });

  it('describes every field the API really answers (a new field must be documented in src/api/ticket-schemas.ts)', async () => {
    server = await startServer();
    const ref = await dangerTicket(server, 'openapi-1');
    const token = await server.token('all');
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as Doc;
    const documented = Object.keys(doc.components.schemas.Ticket!.properties);
    const one = (await server.api(`/api/tickets/${ref}`, token)).body;
    const listed = (await server.api('/api/tickets', token)).body.tickets[0];
    for (const body of [one, listed]) {
      expect(Object.keys(body).filter((k) => !documented.includes(k))).toEqual([]);
      expect(ticketSchema.safeParse(body).success).toBe(true);
    }
    // Validation keeps its own words: the document's schema does not change the API's answers.
    const bad = await server.api('/api/tickets?status=open', token);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_query');
    expect(bad.body.message).toContain('Filters: status, priority, agency, limit, after.');
    expect((await server.api('/api/tickets?status=new', 'tgr_not-a-real-token-at-all')).status).toBe(401);
  });
});
