/**
 * Servers on PostgreSQL (DATABASE_URL), in process: ready and measured like one on SQLite; the
 * Telegram long poll held by one instance only (a second refuses to poll: webhook mode is the way
 * to run several); rate limits and staff sessions that hold across instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from './fakes/fake-telegram.ts';
import { type ChannelApp, startChannelApp, TELEGRAM_TOKEN, waitFor } from './helpers/channel-app.ts';
import { freshDatabase, postgresUrl } from './helpers/postgres.ts';
import { PASSWORD, StaffClient } from './helpers/staff.ts';
import { createStaffAccount } from '../src/staff/staff-accounts.ts';

describe.skipIf(!postgresUrl)('a server on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const fakes: FakeTelegram[] = [];
  const apps: ChannelApp[] = [];
  const start = async () => {
    const fake = await startFakeTelegram(TELEGRAM_TOKEN);
    fakes.push(fake);
    const app = await startChannelApp({ DATABASE_URL: db.url, TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_MODE: 'polling', SIMULATOR: 'off' });
    apps.push(app);
    return { app, fake, polls: () => fake.calls.filter((c) => c.method === 'getUpdates').length };
  };

  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const fake of fakes) await fake.close();
    await db?.drop();
  });

  it('is ready, and its metrics count from PostgreSQL', async () => {
    const { app } = await start();
    const ready = await fetch(`${app.url}/readyz`);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: 'ok', migrations: 'ok', queues: 'ok' } });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/tangrod_queue_depth\{queue="inbound",channel="telegram"\} 0/);
  });

  it('polls Telegram from one instance only: a second refuses while the first holds the poll', async () => {
    const first = apps[0] ? { polls: () => fakes[0]!.calls.filter((c) => c.method === 'getUpdates').length } : await start();
    await waitFor(() => first.polls() > 0, 10_000, 'the first instance to poll');
    const second = await start();
    // Long enough for it to have polled several times (getUpdates answers within 100 ms here).
    await new Promise((r) => setTimeout(r, 1500));
    expect(second.polls()).toBe(0);
    expect(first.polls()).toBeGreaterThan(1);
  });

  it('serves a staff member logged in on one instance from the other, and logs out everywhere', async () => {
    const a = await startChannelApp({ DATABASE_URL: db.url, SIMULATOR: 'off' });
    const b = await startChannelApp({ DATABASE_URL: db.url, SIMULATOR: 'off' });
    apps.push(a, b);
    await createStaffAccount(a.services.store, { name: 'nok', role: 'agent', agency: 'th-msdhs-1300', lang: 'en', password: PASSWORD });
    const browser = new StaffClient(a.url);
    expect((await browser.login('nok')).status).toBe(303);
    // The load balancer sends the next requests to the other instance.
    const other = Object.assign(browser, { base: b.url });
    const queue = await other.get('/staff');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('nok');
    expect((await other.post('/staff/logout')).status).toBe(303);
    Object.assign(browser, { base: a.url });
    expect((await browser.get('/staff')).status).toBe(303);
  });

  it('counts a rate limit across instances: requests spread over two are limited as one', async () => {
    const env = { DATABASE_URL: db.url, SIMULATOR: 'on', SIMULATOR_USER_PER_MINUTE: '1000', SIMULATOR_ADDRESS_PER_MINUTE: '4', TRUST_PROXY: '127.0.0.1' };
    const a = await startChannelApp(env);
    const b = await startChannelApp(env);
    apps.push(a, b);
    const post = (app: ChannelApp, user: string) =>
      fetch(`${app.url}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.7' }, body: JSON.stringify({ user, text: 'hello' }) });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(i % 2 ? b : a, `u${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
