/**
 * The queue page and the API list come a page at a time, each page read from where the last one
 * ended (keyset pagination), so that a page costs the same at any number of tickets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/api/tokens.ts';
import { QUEUE_PAGE } from '../src/dashboard/queue-routes.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, StaffClient } from './helpers/staff.ts';

const TICKETS = QUEUE_PAGE + 30;
let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startServer();
  const { store } = server.services;
  for (let i = 0; i < TICKETS; i++) {
    await store.transaction(async (tx) => {
      await tx.insertTicket({ ref: `TR-PAGE-${String(i).padStart(4, '0')}`, sessionId: `line:p${i}`, channel: 'line', userId: `p${i}`, language: 'en', role: 'victim', answers: {}, indicators: [], caseType: 'labour', priority: i % 2 ? 'P2' : 'P3', basis: 'consent' });
    });
  }
  await addStaff(server, 'pager', 'admin');
  token = (await createApiToken(store, '*', 'pages')).token;
});
afterAll(() => server.close());

const refsOf = (html: string) => [...html.matchAll(/data-ref="(TR-PAGE-\d+)"/g)].map((m) => m[1]!);

describe('pages of tickets', () => {
  it('shows the queue a page at a time, with a link to the next page, and every ticket once', async () => {
    const staff = new StaffClient(server.url);
    await staff.login('pager');
    const first = await staff.get('/staff');
    expect(refsOf(first.text)).toHaveLength(QUEUE_PAGE);
    const next = /href="(\/staff\?[^"]*after=[^"]+)" rel="next"/.exec(first.text)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBeDefined();
    const second = await staff.get(next!);
    expect(second.status).toBe(200);
    const all = [...refsOf(first.text), ...refsOf(second.text)];
    expect(new Set(all).size).toBe(TICKETS);
    // The last page has no next link, and leads back to the first.
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toContain('Back to the first page');
    // P2 before P3, oldest first within a priority, across the pages.
    const order = all.map((r) => Number(r.slice(8)));
    expect(order.slice(0, TICKETS / 2)).toEqual(order.slice(0, TICKETS / 2).filter((n) => n % 2 === 1));
  });

  it('pages the API list with next and after, and refuses a cursor it did not give', async () => {
    const get = (q: string) => fetch(`${server.url}/api/tickets${q}`, { headers: { authorization: `Bearer ${token}` } });
    const seen: string[] = [];
    let query = '?limit=50';
    for (let pages = 0; pages < 10; pages++) {
      const body = (await (await get(query)).json()) as { tickets: { ref: string }[]; next?: string };
      seen.push(...body.tickets.map((t) => t.ref));
      if (!body.next) break;
      query = `?limit=50&after=${encodeURIComponent(body.next)}`;
    }
    expect(seen).toHaveLength(TICKETS);
    expect(new Set(seen).size).toBe(TICKETS);
    const bad = await get('?after=not-a-cursor');
    expect(bad.status).toBe(400);
  });
});
