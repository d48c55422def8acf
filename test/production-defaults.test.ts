/**
 * What a production deployment gets without asking (issue 10, items 6, 11 and 19): the simulator
 * off, its tickets marked and kept from agencies, a rate limit on it, start-up warnings, security
 * headers and no-store on personal data, request logs without query strings, a Secure staff cookie.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.ts';
import { startupWarnings } from '../src/startup-warnings.ts';
import { startFakeWebhook, type FakeWebhook } from './fakes/fake-webhook.ts';
import { tempDataDir, waitFor } from './helpers/channel-app.ts';
import { addStaff, FISHING_BOAT, StaffClient, ticketFrom } from './helpers/staff.ts';
import { startServer, type TestServer } from './helpers/server.ts';

describe('simulator defaults under NODE_ENV=production', () => {
  // [environment, simulator on?]
  const table: [Record<string, string>, boolean][] = [
    [{}, true],
    [{ NODE_ENV: 'development' }, true],
    [{ NODE_ENV: 'test' }, true],
    [{ NODE_ENV: 'production' }, false],
    [{ NODE_ENV: 'production', SIMULATOR: 'on' }, true],
    [{ NODE_ENV: 'development', SIMULATOR: 'off' }, false],
  ];
  it.each(table)('%j gives SIMULATOR=%s', (env, on) => {
    expect(loadConfig(env).SIMULATOR).toBe(on);
    expect(loadConfig(env).SIMULATOR_ALERTS).toBe(false);
  });

  it('serves no simulator in production unless turned on', async () => {
    const prod = await startServer({ NODE_ENV: 'production' });
    try {
      expect((await prod.sim({ user: 'x', text: 'hello' })).status).toBe(404);
      expect((await fetch(`${prod.url}/sim`)).status).toBe(404);
      expect((await fetch(`${prod.url}/api/sim/messages?user=x`)).status).toBe(404);
    } finally {
      await prod.close();
    }
    const on = await startServer({ NODE_ENV: 'production', SIMULATOR: 'on' });
    try {
      expect((await on.sim({ user: 'x', text: 'hello' })).status).toBe(200);
    } finally {
      await on.close();
    }
  });

  it('says so at start-up, with the other warnings, and logs requests without their query string', async () => {
    const dataDir = tempDataDir();
    const child = spawn(process.execPath, ['src/main.mjs'], {
      env: { ...process.env, NODE_ENV: 'production', SIMULATOR: 'on', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    try {
      const port = await waitFor(() => /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1], 30_000, 'the server to listen');
      await waitFor(() => out.includes('No agency has an alert destination'), 10_000, 'the alert warning');
      const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; req?: { url: string } });
      const warnings = lines.filter((l) => l.level === 40).map((l) => l.msg);
      expect(warnings.some((w) => w.includes('The simulator is ON in production'))).toBe(true);
      expect(warnings.some((w) => w.includes('No agency has an alert destination and no ESCALATION_* fallback is set'))).toBe(true);
      // No DATABASE_KEY in production: said loudly (issue 14).
      expect(warnings.some((w) => w.startsWith('!!! DATABASE_KEY IS NOT SET'))).toBe(true);

      await fetch(`http://127.0.0.1:${port}/api/sim/messages?user=Somchai-0812345678`);
      await waitFor(() => out.includes('request completed'), 5000, 'the request log');
      expect(out).toContain('"path":"/api/sim/messages"');
      expect(out).not.toContain('Somchai');
      expect(out).not.toContain('0812345678');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('warns about agencies without an alert destination, and not when all have one or a fallback exists', async () => {
    const s = await startServer();
    try {
      const ids = ['th-police-atp', 'th-doe-1694'];
      await s.services.store.setAgencyAlerts('th-police-atp', { webhookUrl: 'https://cms.example.org/h', webhookSecret: 'x'.repeat(20) });
      const [w] = await startupWarnings(s.services.config, s.services.store, ids);
      expect(w).toContain('These agencies have no alert destination');
      expect(w).toContain('th-doe-1694');
      expect(w).not.toContain('th-police-atp');
      expect(w).toContain('no ESCALATION_* fallback');
      const withFallback = { ...s.services.config, ESCALATION_WEBHOOK_URL: 'https://duty.example.org/h', ESCALATION_WEBHOOK_SECRET: 'y'.repeat(20) };
      expect((await startupWarnings(withFallback, s.services.store, ids))[0]).not.toContain('no ESCALATION_* fallback');
      await s.services.store.setAgencyAlerts('th-doe-1694', { webhookUrl: 'https://doe.example.org/h', webhookSecret: 'z'.repeat(20) });
      expect(await startupWarnings(s.services.config, s.services.store, ids)).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe('simulator tickets are tests', () => {
  let server: TestServer;
  let hook: FakeWebhook;
  beforeAll(async () => {
    hook = await startFakeWebhook();
    server = await startServer();
    await server.services.store.setAgencyAlerts('th-police-atp', { webhookUrl: hook.url, webhookSecret: 'police-secret-0123456789' });
    await addStaff(server, 'atp', 'agent', 'th-police-atp');
  });
  afterAll(async () => Promise.all([server?.close(), hook?.close()]));

  it('alert no agency, say so in the audit trail, and are marked in the queue and on the ticket page', async () => {
    const ref = await ticketFrom(server, 'sim-test-1', FISHING_BOAT);
    const ticket = (await server.services.store.getTicket(ref))!;
    expect(ticket.referrals.map((r) => r.agency)).toContain('th-police-atp');
    const outbox = (server.services.store as unknown as { db: { prepare(s: string): { all(): unknown[] } } }).db.prepare(`SELECT * FROM outbox WHERE kind = 'notify'`).all();
    expect(outbox).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(hook.hits).toEqual([]);
    const audit = await server.services.store.auditOf(ref);
    expect(audit.find((a) => a.action === 'alert.not_sent' && a.detail?.agency === 'th-police-atp')?.detail).toMatchObject({ reason: 'simulator', event: 'referral.created' });

    const c = new StaffClient(server.url);
    await c.login('atp');
    const queue = await c.get('/staff');
    expect(queue.text).toMatch(new RegExp(`${ref}</a> <span class="badge sim-ticket"[^>]*>🧪 Test</span>`));
    const page = await c.get(`/staff/tickets/${ref}`);
    expect(page.text).toContain('This ticket came from the simulator: a test, not a real report.');
    expect(page.text).toContain('Alert not sent: a simulator test');
  });
});

describe('simulator rate limit', () => {
  it('limits messages per user and address, and per address whatever the user ids', async () => {
    const s = await startServer({ SIMULATOR_USER_PER_MINUTE: '4', SIMULATOR_ADDRESS_PER_MINUTE: '7', TRUST_PROXY: '127.0.0.1' });
    const post = (user: string, address: string) =>
      fetch(`${s.url}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify({ user, text: 'hello' }) });
    try {
      const a = [];
      for (let i = 0; i < 5; i++) a.push(await post('flood', '192.0.2.1'));
      expect(a.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
      const refused = a[4]!;
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ error: 'rate_limited' });
      // Inventing user ids does not get round it: the address is limited too (7 a minute).
      const b = [];
      for (let i = 0; i < 4; i++) b.push((await post(`new-${i}`, '192.0.2.1')).status);
      expect(b).toEqual([200, 200, 429, 429]);
      // Another address, and the same user elsewhere, are not affected.
      expect((await post('flood', '192.0.2.2')).status).toBe(200);
      // Collecting later messages (the page polls) is counted apart from sending.
      expect((await fetch(`${s.url}/api/sim/messages?user=flood`, { headers: { 'x-forwarded-for': '192.0.2.1' } })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('headers on responses with personal data', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it('sends no-store and nosniff on the API, the simulator and the dashboard', async () => {
    const token = await server.token('all');
    const responses = [
      await fetch(`${server.url}/api/tickets`, { headers: { authorization: `Bearer ${token}` } }),
      await fetch(`${server.url}/api/tickets/TR-AAAA-AAAA`, { headers: { authorization: `Bearer ${token}` } }),
      await fetch(`${server.url}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'h1', text: 'hello' }) }),
      await fetch(`${server.url}/api/sim/messages?user=h1`),
      await fetch(`${server.url}/staff/login`),
      // Unsigned: refused, and the refusal carries the same headers. So does a page that is not there.
      await fetch(`${server.url}/webhooks/line`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"events":[]}' }),
      await fetch(`${server.url}/no-such-page`),
    ];
    for (const r of responses) {
      expect(r.headers.get('cache-control'), r.url).toBe('no-store');
      expect(r.headers.get('x-content-type-options'), r.url).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), r.url).toBe('no-referrer');
      expect(r.headers.get('cross-origin-opener-policy'), r.url).toBe('same-origin');
      expect(r.headers.get('x-frame-options'), r.url).toBe('DENY');
    }
  });

  it('does not let /sim be framed', async () => {
    const res = await fetch(`${server.url}/sim`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('makes the staff cookie Secure whenever NODE_ENV=production, even behind a plain-HTTP proxy', async () => {
    const prod = await startServer({ NODE_ENV: 'production' });
    try {
      await addStaff(prod, 'sec', 'agent', 'th-police-atp');
      const res = await new StaffClient(prod.url).login('sec');
      expect(res.status).toBe(303);
      const cookie = res.headers.getSetCookie().find((h) => h.includes('tangrod_staff='))!;
      expect(cookie).toMatch(/^__Host-tangrod_staff=/);
      expect(cookie).toMatch(/; Secure/);
    } finally {
      await prod.close();
    }
  });
});
