/**
 * The operator's endpoints over real HTTP: /healthz, /readyz (and what makes it say "not ready"),
 * /metrics (who may read it, and that its counters follow what the bot does).
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath } from '../src/services.ts';
import { channelRuntime } from '../src/channels/channels.ts';
import { latestMigration } from '../src/ops/ops-db.ts';
import { lineEvent, startFakeLine, type FakeLine } from './fakes/fake-line.ts';
import { type ChannelApp, lineEnv, postLine, startChannelApp, waitFor } from './helpers/channel-app.ts';
import { sample } from './helpers/metrics.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { dangerTicket } from './helpers/sim-ticket.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

let server: TestServer | undefined;
let ctx: ChannelApp | undefined;
let fake: FakeLine | undefined;
afterEach(async () => {
  await server?.close();
  await ctx?.close();
  await fake?.close();
  server = ctx = fake = undefined;
});

describe('/healthz and /readyz', () => {
  it('answer 200 when the server is up, with every readiness check ok', async () => {
    server = await startServer();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: 'ok', migrations: 'ok', queues: 'ok' } });
  });

  const notReady: { what: string; break: (s: TestServer) => Promise<void>; check: 'database' | 'migrations' | 'queues'; says: RegExp }[] = [
    { what: 'the inbound queue stopped', break: async (s) => channelRuntime(s.app)!.queue.stop(), check: 'queues', says: /not running: inbound queue/ },
    { what: 'the outbox dispatcher stopped', break: async (s) => channelRuntime(s.app)!.dispatcher.stop(), check: 'queues', says: /not running: outbox dispatcher/ },
    {
      what: 'the database schema behind the code (an old file put in place)',
      break: async (s) => {
        const db = new Database(databasePath(s.services.config));
        db.pragma(`user_version = ${latestMigration() - 1}`);
        db.close();
      },
      check: 'migrations',
      says: new RegExp(`schema at version ${latestMigration() - 1}, this code needs ${latestMigration()}`),
    },
    { what: 'the database closed', break: async (s) => s.services.store.close(), check: 'database', says: /not answering/ },
  ];
  it.each(notReady)('answer 503 with the reason when $what, while /healthz stays 200', async (c) => {
    server = await startServer();
    await c.break(server);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { ready: boolean; checks: Record<string, string> };
    expect(body.ready).toBe(false);
    expect(body.checks[c.check]).toMatch(c.says);
    for (const [name, value] of Object.entries(body.checks)) if (name !== c.check) expect(value).toBe('ok');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('/metrics access', () => {
  const cases: { what: string; token?: string; remoteAddress: string; headers?: Record<string, string>; status: number }[] = [
    { what: 'loopback IPv4, no token configured', remoteAddress: '127.0.0.1', status: 200 },
    { what: 'loopback IPv6', remoteAddress: '::1', status: 200 },
    { what: 'another address, no token configured', remoteAddress: '203.0.113.7', status: 403 },
    { what: 'another address, a token sent but none configured', remoteAddress: '203.0.113.7', headers: { authorization: `Bearer ${METRICS_TOKEN}` }, status: 403 },
    { what: 'loopback, but forwarded by a proxy on this machine', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.2' }, status: 403 },
    { what: 'another address without the token', token: METRICS_TOKEN, remoteAddress: '203.0.113.7', status: 401 },
    { what: 'another address with a wrong token', token: METRICS_TOKEN, remoteAddress: '203.0.113.7', headers: { authorization: 'Bearer wrong-token-0123456789abcdef' }, status: 401 },
    { what: 'another address with the token', token: METRICS_TOKEN, remoteAddress: '203.0.113.7', headers: { authorization: `Bearer ${METRICS_TOKEN}` }, status: 200 },
    { what: 'forwarded by a proxy, with the token', token: METRICS_TOKEN, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.2', authorization: `Bearer ${METRICS_TOKEN}` }, status: 200 },
  ];
  it.each(cases)('$what: $status', async (c) => {
    server = await startServer(c.token ? { METRICS_TOKEN: c.token } : {});
    const res = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: c.remoteAddress, headers: c.headers ?? {} });
    expect(res.statusCode).toBe(c.status);
    if (c.status === 200) expect(res.body).toContain('# TYPE tangrod_inbound_events_handled_total counter');
    else expect(res.body).not.toContain('tangrod_');
  });

  it('is served over real HTTP to 127.0.0.1 in the Prometheus text format', async () => {
    server = await startServer();
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toMatch(/^process_cpu_user_seconds_total \d/m);
  });
});

describe('/metrics counters', () => {
  it('follow a LINE message from the webhook through handling to delivery', async () => {
    fake = await startFakeLine();
    ctx = await startChannelApp({ ...lineEnv(fake.origin) });
    const scrape = async () => (await fetch(`${ctx!.url}/metrics`)).text();
    const before = await scrape();
    expect(sample(before, 'tangrod_inbound_events_accepted_total', { channel: 'line' }) ?? 0).toBe(0);
    expect(sample(before, 'tangrod_queue_depth', { queue: 'inbound', channel: 'line' })).toBe(0);

    const res = await postLine(ctx.url, { destination: 'Ubot', events: [lineEvent('Umetrics1', { type: 'message', message: { id: 'm1', type: 'text', text: 'hello', quoteToken: 'q' } })] });
    expect(res.status).toBe(200);
    await ctx.idle();
    await waitFor(() => fake!.delivered().length > 0, 10_000, 'the reply');

    const after = await scrape();
    expect(sample(after, 'tangrod_inbound_events_accepted_total', { channel: 'line' })).toBe(1);
    expect(sample(after, 'tangrod_inbound_events_handled_total', { channel: 'line' })).toBe(1);
    expect(sample(after, 'tangrod_deliveries_total', { channel: 'line' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'tangrod_delivery_failures_total', { channel: 'line' }) ?? 0).toBe(0);
    expect(sample(after, 'tangrod_queue_depth', { queue: 'inbound', channel: 'line' })).toBe(0);
    expect(sample(after, 'tangrod_queue_depth', { queue: 'outbox', channel: 'line' })).toBe(0);
    // Latency by route pattern; the webhook request is counted once.
    expect(sample(after, 'tangrod_http_request_duration_seconds_count', { method: 'POST', route: '/webhooks/line', status_code: '200' })).toBe(1);
    // No user id or message anywhere in the output.
    expect(after).not.toContain('Umetrics1');
    expect(after).not.toContain('hello');
  });

  /** LINE answering every call with `status`; one message from `user`; the first scrape where `counter` has moved. */
  async function whileLineAnswers(status: number, user: string, counter: string): Promise<string> {
    fake = await startFakeLine();
    fake.replyStatus = status;
    fake.pushFailures.push(...Array.from({ length: 50 }, () => ({ status })));
    ctx = await startChannelApp({ ...lineEnv(fake.origin) });
    await postLine(ctx.url, { destination: 'Ubot', events: [lineEvent(user, { type: 'message', message: { id: `${user}-m`, type: 'text', text: 'hello', quoteToken: 'q' } })] });
    await ctx.idle();
    return waitFor(async () => {
      const t = await (await fetch(`${ctx!.url}/metrics`)).text();
      return (sample(t, counter, { channel: 'line' }) ?? 0) >= 1 ? t : undefined;
    }, 10_000, counter);
  }

  it('show messages waiting in the outbox while LINE is down, with retries counted', async () => {
    const text = await whileLineAnswers(500, 'Umetrics2', 'tangrod_delivery_retries_total');
    expect(sample(text, 'tangrod_queue_depth', { queue: 'outbox', channel: 'line' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tangrod_queue_oldest_age_seconds', { queue: 'outbox', channel: 'line' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'tangrod_deliveries_total', { channel: 'line' }) ?? 0).toBe(0);
  });

  it('count a message given up when LINE refuses it for good', async () => {
    const text = await whileLineAnswers(400, 'Umetrics3', 'tangrod_delivery_failures_total');
    expect(sample(text, 'tangrod_inbound_events_handled_total', { channel: 'line' })).toBe(1);
    expect(sample(text, 'tangrod_deliveries_total', { channel: 'line' }) ?? 0).toBe(0);
  });

  it('count tickets by priority and status', async () => {
    server = await startServer();
    const before = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(before, 'tangrod_tickets', { priority: 'P1', status: 'new' }) ?? 0).toBe(0);
    await dangerTicket(server, 'metrics-danger-1');
    await dangerTicket(server, 'metrics-danger-2');
    const after = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(after, 'tangrod_tickets', { priority: 'P1', status: 'new' })).toBe(2);
  });

  it('count reminders and escalations of referrals nobody accepted in time', async () => {
    // A fallback that can be reached (Telegram is off here, so a Telegram chat would reach nobody),
    // and the simulator's test tickets allowed to alert.
    server = await startServer({ SIMULATOR_ALERTS: 'on', ESCALATION_WEBHOOK_URL: 'https://duty.example.org/hooks', ESCALATION_WEBHOOK_SECRET: 'duty-secret-0123456789' });
    await dangerTicket(server, 'metrics-escalate-1');
    const scrape = async () => (await fetch(`${server!.url}/metrics`)).text();
    const levels = async () => {
      const t = await scrape();
      return { reminded: sample(t, 'tangrod_escalations_total', { level: 'reminded' }), escalated: sample(t, 'tangrod_escalations_total', { level: 'escalated' }) };
    };
    expect(await levels()).toEqual({ reminded: 0, escalated: 0 });
    // P1's target is 15 minutes: past it the agencies are reminded, past twice it the referral escalates.
    await server.services.escalation.tick(new Date(Date.now() + 16 * 60_000));
    const reminded = await levels();
    expect(reminded.reminded).toBeGreaterThanOrEqual(1);
    expect(reminded.escalated).toBe(0);
    await server.services.escalation.tick(new Date(Date.now() + 31 * 60_000));
    expect((await levels()).escalated).toBeGreaterThanOrEqual(1);
    expect(sample(await scrape(), 'tangrod_escalations_total', { level: 'escalated_nobody' })).toBe(0);
  });

  it('count escalations that reached nobody apart', async () => {
    server = await startServer({ SIMULATOR_ALERTS: 'on' });
    await dangerTicket(server, 'metrics-escalate-nobody');
    await server.services.escalation.tick(new Date(Date.now() + 31 * 60_000));
    const t = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(t, 'tangrod_escalations_total', { level: 'escalated_nobody' })).toBeGreaterThanOrEqual(1);
    expect(sample(t, 'tangrod_escalations_total', { level: 'escalated' })).toBe(0);
  });
});
