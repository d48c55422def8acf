/**
 * Dashboard accounts against the real server: login, wrong password, throttling, CSRF, sessions,
 * logout, security headers, and the password hashing itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/staff/passwords.ts';
import { addStaff, StaffClient } from './helpers/staff.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await addStaff(server, 'boss', 'admin');
  await addStaff(server, 'ploy', 'agent', 'th-police-atp');
  await addStaff(server, 'slow', 'agent', 'th-police-atp');
  await addStaff(server, 'csrf-test', 'agent', 'th-police-atp');
});
afterAll(async () => server?.close());

describe('passwords', () => {
  it('hashes with scrypt and a per-user salt, and verifies in constant time', async () => {
    const a = await hashPassword('a long enough password');
    const b = await hashPassword('a long enough password');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('a long enough password', a)).toBe(true);
    expect(await verifyPassword('a long enough passwore', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });
});

describe('login', () => {
  it('sends an unauthenticated visitor to the login page', async () => {
    const c = new StaffClient(server.url);
    const res = await c.get('/staff');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/staff/login');
    expect((await c.get('/staff/tickets/TR-AAAA-AAAA')).status).toBe(303);
  });

  it('logs in with the right password, sets a safe cookie, and shows the queue', async () => {
    const c = new StaffClient(server.url);
    const res = await c.login('ploy');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/staff');
    const cookie = res.headers.getSetCookie().find((h) => h.startsWith('tangrod_staff='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const queue = await c.get('/staff');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('Queue');
    expect(queue.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(queue.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    // Scripts only from the dashboard's own files (the queue's refresh), never inline.
    expect(queue.text).not.toMatch(/<script(?![^>]*\ssrc="\/staff\/static\/[a-z-]+\.js")/i);
    expect(queue.text).not.toMatch(/\son[a-z]+=/i);
    // The session id is stored only as a hash.
    const sessionId = cookie.split(';')[0]!.split('=')[1]!;
    const count = (server.services.store as unknown as { db: { prepare(s: string): { get(...a: unknown[]): unknown } } }).db
      .prepare('SELECT COUNT(*) AS n FROM staff_sessions WHERE id_hash = ?')
      .get(sessionId) as { n: number };
    expect(count.n).toBe(0);
  });

  it('refuses a wrong password with a clear message and no session', async () => {
    const c = new StaffClient(server.url);
    const res = await c.login('ploy', 'wrong password!!');
    expect(res.status).toBe(401);
    expect(res.text).toContain('The name or password is wrong');
    expect(res.headers.getSetCookie().some((h) => h.startsWith('tangrod_staff='))).toBe(false);
    expect((await c.get('/staff')).status).toBe(303);
    // An unknown name gets the same answer.
    expect((await c.login('nobody-here', 'wrong password!!')).status).toBe(401);
  });

  it('throttles: after 3 failures for a name and address the next attempt waits, even with the right password', async () => {
    const c = new StaffClient(server.url);
    for (let i = 0; i < 3; i++) expect((await c.login('slow', `wrong-${i}-password`)).status).toBe(401);
    const blocked = await c.login('slow');
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed attempts from here. Wait 1 s');
    expect(blocked.headers.get('retry-after')).toBe('1');
    // Another account from the same address is not held up.
    expect((await new StaffClient(server.url).login('boss')).status).toBe(303);
    // The wait is short and then the right password works: no lockout.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await c.login('slow')).status).toBe(303);
  });

  it('refuses a login form without its CSRF token', async () => {
    const c = new StaffClient(server.url);
    await c.get('/staff/login');
    const res = await c.request('POST', '/staff/login', { _csrf: 'forged', name: 'ploy', password: 'correct horse battery staple', lang: 'en' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('This form has expired');
  });
});

describe('CSRF and sessions', () => {
  it('refuses every POST without the session token, and changes nothing', async () => {
    const c = new StaffClient(server.url);
    await c.login('csrf-test');
    await c.get('/staff');
    const good = c.csrf;
    for (const path of ['/staff/language', '/staff/logout', '/staff/tickets/TR-AAAA-AAAA/claim']) {
      const res = await c.request('POST', path, { _csrf: 'not-the-token', lang: 'th' });
      expect(res.status, path).toBe(403);
      expect(res.text).toContain('This form has expired');
      const missing = await c.request('POST', path, { lang: 'th' });
      expect(missing.status, path).toBe(403);
    }
    // Still logged in, still in English: nothing was done.
    const page = await c.get('/staff');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="en">');
    c.csrf = good;
  });

  it('switches the language to Thai and back', async () => {
    const c = new StaffClient(server.url);
    await c.login('ploy');
    await c.get('/staff');
    expect((await c.post('/staff/language', { lang: 'th' })).status).toBe(303);
    const thai = await c.get('/staff');
    expect(thai.text).toContain('<html lang="th">');
    expect(thai.text).toContain('คิวเรื่อง');
    await c.post('/staff/language', { lang: 'en' });
    expect((await c.get('/staff')).text).toContain('<html lang="en">');
  });

  it('logs out: the session is gone on the server', async () => {
    const c = new StaffClient(server.url);
    await c.login('ploy');
    await c.get('/staff');
    const res = await c.post('/staff/logout');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/staff/login');
    expect((await c.get('/staff')).status).toBe(303);
  });

  it('ends the sessions of a disabled account', async () => {
    const id = await addStaff(server, 'leaver', 'agent', 'th-police-atp');
    const leaver = new StaffClient(server.url);
    await leaver.login('leaver');
    expect((await leaver.get('/staff')).status).toBe(200);
    const admin = new StaffClient(server.url);
    await admin.login('boss');
    await admin.get('/staff/admin');
    expect((await admin.post(`/staff/admin/users/${id}`, { disabled: '1' })).status).toBe(303);
    expect((await leaver.get('/staff')).status).toBe(303);
    expect((await leaver.login('leaver')).status).toBe(401);
  });
});
