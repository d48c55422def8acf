/**
 * API tokens over real HTTP (issue 10, item 7): the admin page and the CLI list them (label,
 * scope, created, last used, expiry), revoke them, and every token expires, after API_TOKEN_DAYS
 * (90 by default).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/api/tokens.ts';
import { addStaff, StaffClient } from './helpers/staff.ts';
import { startServer } from './helpers/server.ts';

const run = promisify(execFile);
const DAY = 24 * 60 * 60 * 1000;

/** The app on a port, with a clock the test moves. */
async function startAt(env: Record<string, string>) {
  let now = Date.parse('2026-03-01T03:00:00Z');
  const server = await startServer(env, () => new Date(now));
  return Object.assign(server, {
    advance: (ms: number) => void (now += ms),
    api: async (token: string) => {
      const res = await fetch(`${server.url}/api/tickets`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as { error?: string; message?: string } };
    },
  });
}

type Started = Awaited<ReturnType<typeof startAt>>;
let s: Started;
let short: Started;
let admin: StaffClient;

beforeAll(async () => {
  [s, short] = await Promise.all([startAt({}), startAt({ API_TOKEN_DAYS: '30' })]);
  await addStaff(s, 'root', 'admin');
  await addStaff(short, 'root', 'admin');
  admin = new StaffClient(s.url);
  await admin.login('root');
  await admin.get('/staff/admin');
});
afterAll(async () => Promise.all([s?.close(), short?.close()]));

const tokenOnPage = (html: string) => /<code class="token-value">([^<]+)<\/code>/.exec(html)?.[1];
const rowOf = (html: string, id: string) => new RegExp(`<tr data-token="${id}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';

describe('API tokens on the admin page', () => {
  it('lists a new token with its label, scope, created, last use and expiry, and revokes it', async () => {
    const created = await admin.post('/staff/admin/tokens', { agency: 'th-police-atp', label: 'Police CMS' });
    const token = tokenOnPage(created.text)!;
    expect(token).toMatch(/^tgr_/);
    const [info] = await s.services.store.listTokens();
    expect(info).toMatchObject({ label: 'Police CMS', agency: 'th-police-atp', lastUsedAt: null, expiresAt: new Date(Date.parse('2026-03-01T03:00:00Z') + 90 * DAY).toISOString() });

    let row = rowOf((await admin.get('/staff/admin')).text, info!.id);
    expect(row).toContain('Police CMS');
    expect(row).toContain('Royal Thai Police anti-trafficking centre');
    expect(row).toContain('never');
    expect(row).toContain('30 May 2026');
    expect(row).toContain('Active');

    expect((await s.api(token)).status).toBe(200);
    row = rowOf((await admin.get('/staff/admin')).text, info!.id);
    expect(row).not.toContain('never');

    const revoked = await admin.post(`/staff/admin/tokens/${info!.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.text).toContain('The token was revoked');
    expect(rowOf(revoked.text, info!.id)).toContain('Revoked');
    const refused = await s.api(token);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('unauthorized');
  });

  it('refuses revoking to a staff member who is not an administrator', async () => {
    const { id } = await createApiToken(s.services.store, '*', 'kept', { now: s.services.clock() });
    await addStaff(s, 'agent-x', 'agent', 'th-police-atp');
    const agent = new StaffClient(s.url);
    await agent.login('agent-x');
    await agent.get('/staff');
    expect((await agent.post(`/staff/admin/tokens/${id}/revoke`)).status).toBe(403);
    expect((await s.services.store.listTokens()).find((t) => t.id === id)?.revokedAt).toBeNull();
  });
});

describe('expiry', () => {
  it('a token works until its 90 days are over, then is refused as expired', async () => {
    const { token } = await createApiToken(s.services.store, '*', 'expiring', { now: s.services.clock() });
    expect((await s.api(token)).status).toBe(200);
    s.advance(89 * DAY);
    expect((await s.api(token)).status).toBe(200);
    s.advance(2 * DAY);
    const res = await s.api(token);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('token_expired');
    expect(res.body.message).toContain('expired');
    // The admin's session ended long ago (a shift is 12 hours): log in again to look.
    await admin.login('root');
    const page = await admin.get('/staff/admin');
    const id = (await s.services.store.listTokens()).find((t) => t.label === 'expiring')!.id;
    expect(rowOf(page.text, id)).toContain('Expired');
  });

  it('follows API_TOKEN_DAYS for tokens made on the admin page', async () => {
    const c = new StaffClient(short.url);
    await c.login('root');
    await c.get('/staff/admin');
    const token = tokenOnPage((await c.post('/staff/admin/tokens', { agency: 'all', label: 'short' })).text)!;
    short.advance(29 * DAY);
    expect((await short.api(token)).status).toBe(200);
    short.advance(2 * DAY);
    expect((await short.api(token)).status).toBe(401);
  });
});

describe('the token command', () => {
  it('creates, lists and revokes tokens', async () => {
    const cli = (...args: string[]) =>
      run(process.execPath, ['src/cli.ts', ...args], { env: { ...process.env, DATA_DIR: short.dataDir, LOG_LEVEL: 'silent' } });
    const made = await cli('token', 'create', '--agency', 'th-doe-1694', '--label', 'DOE export', '--days', '7');
    const token = made.stdout.trim();
    expect(made.stderr).toMatch(/valid until \d{4}-\d{2}-\d{2}T/);
    expect((await short.api(token)).status).toBe(200);
    const list = (await cli('token', 'list')).stdout;
    const line = list.split('\n').find((l) => l.includes('DOE export'))!;
    const [id, label, scope, created, lastUsed, expires, state] = line.split('\t');
    expect({ label, scope, state }).toEqual({ label: 'DOE export', scope: 'th-doe-1694', state: 'active' });
    expect(Math.abs(Date.parse(expires!) - Date.parse(created!) - 7 * DAY)).toBeLessThan(1000);
    expect(lastUsed).not.toBe('never');
    expect(list.split('\n')[0]).toBe('id\tlabel\tscope\tcreated\tlast used\texpires\tstate');
    const revoked = await cli('token', 'revoke', id!.slice(0, 8));
    expect(revoked.stderr).toContain(`Revoked token ${id}`);
    expect((await short.api(token)).status).toBe(401);
    expect((await cli('token', 'list')).stdout).toMatch(/DOE export.*\trevoked/);
  }, 60_000);
});
