/**
 * Two instances of the server (real processes, as `npm start` runs them) on one PostgreSQL, behind
 * a round-robin proxy, talking to a fake LINE platform: events of one chat arrive at both, and
 * must still be handled once each, in order, with one ticket per chat and the replies in order.
 * Then one instance is killed in the middle of the load: the other finishes its chats once their
 * leases run out. And an overdue referral is escalated once, however many instances look.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLine, lineEvent, startFakeLine } from './fakes/fake-line.ts';
import { type FakeWebhook, startFakeWebhook } from './fakes/fake-webhook.ts';
import { lineEnv, postLine, startChannelApp, waitFor } from './helpers/channel-app.ts';
import { freshDatabase, postgresUrl } from './helpers/postgres.ts';
import { type ServerProcess, spawnServer } from './helpers/process.ts';
import { type RoundRobin, startRoundRobin } from './helpers/round-robin.ts';
import type { TestServer } from './helpers/server.ts';
import { FISHING_BOAT, PNG_BASE64, ticketFrom } from './helpers/staff.ts';

/** Short leases, so that the test of a dead instance waits seconds, not the default 30. */
const LEASE_MS = 2000;
const PER_CHAT = 5;

/**
 * One chat's messages: the first says the person is in danger (a ticket at once, then a question);
 * the later ones, in danger too, belong to that open case and answer the question wrongly. Handled
 * twice or out of order, they would give other replies, or a second ticket.
 */
const scriptText = (user: string, n: number) => (n === 1 ? `Help me now, I am in danger (${user} #1)` : `I am in danger, please (${user} #${n})`);
const scriptEvent = (user: string, n: number) => lineEvent(user, { type: 'message', message: { type: 'text', id: `${user}-${n}`, text: scriptText(user, n) } });
/** True when `part` appears in `whole` in order (with other items between). */
function isSubsequence(part: string[], whole: string[]): boolean {
  let i = 0;
  for (const item of whole) if (item === part[i]) i++;
  return i === part.length;
}
/** Ticket references differ from chat to chat; the rest of the replies must not. */
const normal = (texts: string[]) => texts.map((t) => t.replace(/TR-[A-Z0-9]{4}-[A-Z0-9]{4}/g, 'TR-xxxx-xxxx'));

describe.skipIf(!postgresUrl)('several instances on one PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let sql: pg.Pool;
  let fake: FakeLine;
  let hook: FakeWebhook;
  let shared: string;
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  let proxy: RoundRobin;
  /** The user each reply token was given to (LINE's reply calls name only the token). */
  const tokenUser = new Map<string, string>();
  /** What one instance on SQLite answers the script with, one message at a time: the reference. */
  let reference: string[] = [];

  const env = () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tangrod-instance-'));
    dirs.push(dataDir);
    return { ...lineEnv(fake.origin), DATABASE_URL: db.url, DATABASE_LEASE_MS: String(LEASE_MS), DATABASE_POOL_SIZE: '8', FILES_DIR: shared, DATA_DIR: dataDir, SIMULATOR: 'on', SIMULATOR_USER_PER_MINUTE: '100000', SIMULATOR_ADDRESS_PER_MINUTE: '100000', LOG_LEVEL: 'warn' };
  };
  const start = async () => {
    const s = await spawnServer(env(), { waitMs: 30_000 });
    servers.push(s);
    return s;
  };
  const count = async (query: string, args: unknown[] = []) => Number((await sql.query(query, args)).rows[0].n);

  beforeAll(async () => {
    const refLine = await startFakeLine();
    const one = await startChannelApp({ ...lineEnv(refLine.origin), SIMULATOR: 'off' });
    for (let n = 1; n <= PER_CHAT; n++) {
      await postLine(one.url, { destination: 'Ubot', events: [scriptEvent('Uref', n)] });
      await one.idle();
    }
    reference = normal(refLine.texts());
    await one.close();
    await refLine.close();
    db = await freshDatabase();
    sql = new pg.Pool({ connectionString: db.url, max: 2 });
    fake = await startFakeLine();
    hook = await startFakeWebhook();
    shared = mkdtempSync(path.join(tmpdir(), 'tangrod-shared-files-'));
    // Both at once: the migrations run once (an advisory lock), whichever starts first.
    const [a, b] = await Promise.all([start(), start()]);
    proxy = await startRoundRobin([a!.url, b!.url]);
  }, 90_000);

  afterAll(async () => {
    for (const s of servers) if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    await proxy?.close();
    await fake?.close();
    await hook?.close();
    await sql?.end();
    await db?.drop();
    for (const d of [...dirs, shared]) rmSync(d, { recursive: true, force: true });
  }, 60_000);

  /** Sends each chat's messages one webhook at a time (as LINE does per user), the chats side by side. */
  async function load(chats: string[], perChat: number, opts: { onSent?: (n: number) => void } = {}): Promise<void> {
    let sent = 0;
    const queue = [...chats];
    const sender = async () => {
      for (let user = queue.shift(); user; user = queue.shift()) {
        for (let n = 1; n <= perChat; n++) {
          const event = scriptEvent(user, n);
          tokenUser.set(event.replyToken as string, user);
          // A request that found its instance dead is sent again, as LINE redelivers: same event id.
          for (let attempt = 0; ; attempt++) {
            const res = await postLine(proxy.url, { destination: 'Ubot', events: [event] }).catch(() => ({ status: 0 }));
            if (res.status === 200) break;
            if (attempt > 20) throw new Error(`webhook refused: ${res.status}`);
            await new Promise((r) => setTimeout(r, 100));
          }
          opts.onSent?.(++sent);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, sender));
  }

  /** Waits until every event is handled and every reply sent. */
  async function drained(events: number, ms: number): Promise<void> {
    await waitFor(
      async () =>
        (await count(`SELECT COUNT(*) AS n FROM inbound_events WHERE channel = 'line'`)) >= events &&
        (await count('SELECT COUNT(*) AS n FROM inbox')) === 0 &&
        (await count(`SELECT COUNT(*) AS n FROM outbox WHERE channel = 'line' AND status = 'pending'`)) === 0,
      ms,
      'every event handled and every reply sent',
    );
  }

  /** The texts the fake LINE platform delivered to each user, in order. */
  function deliveredByUser(): Map<string, string[]> {
    const by = new Map<string, string[]>();
    for (const call of fake.delivered()) {
      const user = call.kind === 'push' ? call.to! : tokenUser.get(call.replyToken!)!;
      by.set(user, [...(by.get(user) ?? []), ...call.messages.map((m) => m.text)]);
    }
    return by;
  }

  /** Checks the chats: every event claimed once, one ticket each, and the replies those of one instance handling the script in order. */
  async function expectChats(chats: string[], opts: { repeatsAllowed?: boolean } = {}): Promise<void> {
    const claimed = (await sql.query(`SELECT event_id FROM inbound_events WHERE channel = 'line'`)).rows.length;
    expect(claimed).toBeGreaterThanOrEqual(chats.length * PER_CHAT);
    const tickets = (await sql.query('SELECT user_id, COUNT(*)::int AS n FROM tickets GROUP BY user_id')).rows as { user_id: string; n: number }[];
    const ticketsOf = new Map(tickets.map((t) => [t.user_id, t.n]));
    const delivered = deliveredByUser();
    const problems: string[] = [];
    for (const user of chats) {
      if (ticketsOf.get(user) !== 1) problems.push(`${user}: ${ticketsOf.get(user) ?? 0} tickets`);
      const got = normal(delivered.get(user) ?? []);
      const same = JSON.stringify(got) === JSON.stringify(reference);
      // A kill between a platform call and its "sent" mark sends that call's messages again (at
      // least once; LINE drops repeated pushes by their retry key, not repeated replies): allowed
      // then, but nothing may be missing or out of order.
      if (opts.repeatsAllowed ? !isSubsequence(reference, got) || got.length > reference.length + 5 : !same) problems.push(`${user}: got ${got.length} messages, ${JSON.stringify(got.map((t) => t.slice(0, 24)))}`);
    }
    expect(reference.length).toBeGreaterThan(PER_CHAT);
    expect(problems.slice(0, 5)).toEqual([]);
  }

  it('1,000 LINE events over 200 chats, through both: each handled once, in order, one ticket a chat, replies in order', async () => {
    const chats = Array.from({ length: 200 }, (_, i) => `U${String(i).padStart(32, '0')}`);
    await load(chats, PER_CHAT);
    await drained(1000, 120_000);
    // Both instances took webhooks.
    for (const n of proxy.served.values()) expect(n).toBeGreaterThan(300);
    await expectChats(chats);
    expect(await count('SELECT COUNT(*) AS n FROM tickets')).toBe(200);
  }, 240_000);

  it('a screening whose messages go to both instances, with a photo: one ticket, the file in the shared folder with its hash', async () => {
    // The simulator's HTTP API through the proxy: each message of the screening goes to the next instance.
    const viaProxy = {
      async sim(body: unknown) {
        const res = await fetch(`${proxy.url}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: res.status, body: await res.json() };
      },
    } as unknown as TestServer;
    const ref = await ticketFrom(viaProxy, 'photo-user', { ...FISHING_BOAT, evidence: { image: { name: 'boss.png', mime: 'image/png', base64: PNG_BASE64 } } });
    const rows = (await sql.query('SELECT path, sha256 FROM attachments WHERE ticket_ref = $1', [ref])).rows as { path: string; sha256: string }[];
    expect(rows).toHaveLength(1);
    expect(createHash('sha256').update(readFileSync(path.join(shared, rows[0]!.path))).digest('hex')).toBe(createHash('sha256').update(Buffer.from(PNG_BASE64, 'base64')).digest('hex'));
    expect(await count(`SELECT COUNT(*) AS n FROM tickets WHERE channel = 'sim'`)).toBe(1);
    // Nothing another instance needs is in an instance's own DATA_DIR.
    for (const d of dirs) expect(existsSync(path.join(d, 'files'))).toBe(false);
  }, 120_000);

  it('one instance killed in the middle of the load: the other finishes its chats once the leases run out', async () => {
    const chats = Array.from({ length: 60 }, (_, i) => `U${String(1000 + i).padStart(32, 'f')}`);
    const [a] = servers;
    const before = await count(`SELECT COUNT(*) AS n FROM inbound_events WHERE channel = 'line'`);
    const ticketsBefore = await count('SELECT COUNT(*) AS n FROM tickets');
    let killed = false;
    await load(chats, PER_CHAT, {
      onSent: (n) => {
        if (n === 100 && !killed) {
          killed = true;
          a!.proc.kill('SIGKILL');
        }
      },
    });
    expect((await a!.exited).signal).toBe('SIGKILL');
    await drained(before + chats.length * PER_CHAT, 120_000);
    await expectChats(chats, { repeatsAllowed: true });
    expect(await count('SELECT COUNT(*) AS n FROM tickets')).toBe(ticketsBefore + chats.length);
  }, 240_000);

  it('an overdue referral is reminded and escalated once, with two instances looking', async () => {
    // A ticket referred two days ago that nobody accepted, with the agency's webhook set.
    const old = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await sql.query(
      `INSERT INTO tickets (ref, session_id, channel, user_id, language, role, answers, indicators, case_type, priority, basis, created_at, updated_at)
       VALUES ('TR-OVER-DUE1', 'line:Uold', 'line', 'Uold', 'th', 'self', '{}', '[]', 'trafficking', 'P2', 'consent', $1, $1)`,
      [old],
    );
    const agency = 'th-msdhs-1300';
    await sql.query(`INSERT INTO referrals (ticket_ref, agency, created_at, updated_at) VALUES ('TR-OVER-DUE1', $1, $2, $2)`, [agency, old]);
    await sql.query(`INSERT INTO agency_alerts (agency, webhook_url, webhook_secret, lang, updated_at) VALUES ($1, $2, $3, 'en', now())`, [agency, hook.url, 'x'.repeat(32)]);
    // Two fresh instances: each looks at start.
    await Promise.all([start(), start()]);
    await waitFor(async () => (await count(`SELECT COUNT(*) AS n FROM audit WHERE ticket_ref = 'TR-OVER-DUE1' AND action LIKE 'referral.%'`)) >= 2, 30_000, 'the escalation');
    await waitFor(() => hook.accepted().length >= 2, 30_000, 'the webhook calls');
    // Time enough for a second instance's round to have sent it again, had it.
    await new Promise((r) => setTimeout(r, 1500));
    const actions = (await sql.query(`SELECT action, COUNT(*)::int AS n FROM audit WHERE ticket_ref = 'TR-OVER-DUE1' AND action LIKE 'referral.%' GROUP BY action ORDER BY action`)).rows;
    expect(actions).toEqual([
      { action: 'referral.escalated', n: 1 },
      { action: 'referral.reminded', n: 1 },
    ]);
    expect(hook.accepted().length).toBe(2);
  }, 120_000);
});
