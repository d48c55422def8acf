/**
 * Login throttling over real HTTP (issue 10, item 5): behind the TLS proxy (TRUST_PROXY), failures
 * from an attacker's address never lock the staff member out at their own address; the wait is per
 * name and address and grows; guessing across many names from one address stops; without
 * TRUST_PROXY a forged X-Forwarded-For changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, StaffClient } from './helpers/staff.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const ATTACKER = '203.0.113.9';
const OFFICE = '198.51.100.7';

/** A client whose requests come, as the proxy says, from `address`. */
const from = (server: TestServer, address: string) => {
  const c = new StaffClient(server.url);
  c.headers = { 'x-forwarded-for': address };
  return c;
};

let proxied: TestServer;
let direct: TestServer;
beforeAll(async () => {
  [proxied, direct] = await Promise.all([startServer({ TRUST_PROXY: '127.0.0.1' }), startServer()]);
  for (const s of [proxied, direct]) {
    await addStaff(s, 'ploy', 'agent', 'th-police-atp');
    await addStaff(s, 'nok', 'agent', 'th-police-atp');
  }
  // Most sprayed names do not exist: unknown names count the same.
  await addStaff(proxied, 'sprayed-25', 'agent', 'th-police-atp');
});
afterAll(async () => Promise.all([proxied?.close(), direct?.close()]));

describe('login throttling behind the trusted proxy', () => {
  it('the lockout attempt from another address does not lock out the right password from the staff member’s address', async () => {
    const attacker = from(proxied, ATTACKER);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attacker.login('PLOY', `guess-${i}-password`)).status);
    // Three free failures (typos happen), then the attacker's own attempts wait.
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3).every((s) => s === 429)).toBe(true);
    // Ploy, at the office, logs in at once with her password.
    const ploy = from(proxied, OFFICE);
    const res = await ploy.login('ploy');
    expect(res.status).toBe(303);
    expect((await ploy.get('/staff')).status).toBe(200);
  });

  it('makes each name and address pair wait longer after every further failure, then lets it try again', async () => {
    const c = from(proxied, '192.0.2.50');
    for (let i = 0; i < 3; i++) expect((await c.login('nok', `typo-${i}-password`)).status).toBe(401);
    const first = await c.login('nok');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await c.login('nok', 'typo-again-password')).status).toBe(401);
    const second = await c.login('nok');
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('2');
    expect(second.text).toContain('Wait 2 s');
  });

  it('stops guessing across many names from one address, and only there', async () => {
    const sprayer = from(proxied, '192.0.2.99');
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await sprayer.login(`sprayed-${i}`, 'Summer2026!!')).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    // The same names still work from their owners' addresses.
    expect((await from(proxied, '192.0.2.100').login('sprayed-25')).status).toBe(303);
  });
});

describe('IPv6 behind the proxy', () => {
  it('counts one /64 network as one address, so rotating addresses inside it does not help', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 24; i++) statuses.push((await from(proxied, `2001:db8:5:7::${i.toString(16)}`).login(`v6-${i}`, 'Summer2026!!')).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    // Another network is unaffected.
    expect((await from(proxied, '2001:db8:6::1').login('ploy')).status).toBe(303);
  });
});

describe('without TRUST_PROXY', () => {
  it('ignores X-Forwarded-For: a forged address does not escape the wait', async () => {
    const c = new StaffClient(direct.url);
    for (let i = 0; i < 3; i++) {
      c.headers = { 'x-forwarded-for': `203.0.113.${i + 1}` };
      expect((await c.login('ploy', `guess-${i}-password`)).status).toBe(401);
    }
    c.headers = { 'x-forwarded-for': '203.0.113.200' };
    expect((await c.login('ploy')).status).toBe(429);
  });
});
