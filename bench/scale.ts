/**
 * `npm run bench -- scale`: the staff pages with many tickets. Seeds 10k, then 100k, then 1M
 * tickets (BENCH_SCALE=10000,100000 for fewer) straight into the database, starts Tangrod on it
 * (as `npm start` runs it, LINE on against the counting fake), and times, as a logged-in
 * supervisor and through an all-agencies API token: the queue page and the API list under each
 * filter, the statistics page, and LINE webhook acks while the statistics page renders.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3-multiple-ciphers';
import { createApiToken } from '../src/api/tokens.ts';
import { loadConfig } from '../src/config/env.ts';
import { createServices, databasePath } from '../src/services.ts';
import { createStaffAccount } from '../src/staff/staff-accounts.ts';
import { PASSWORD, StaffClient } from '../test/helpers/staff.ts';
import { lineUser, replyToken, startFakePlatform } from './load/fake-platform.ts';
import { pct } from './load/round.ts';
import { LINE_SECRET, startTarget } from './load/targets.ts';

const SIZES = (process.env.BENCH_SCALE ?? '10000,100000,1000000').split(',').map(Number);
const LANGS = ['th', 'en', 'km', 'my', 'lo', 'vi', 'zh'];
const CHANNELS = ['line', 'telegram', 'sim'];
const STATUSES = ['new', 'triaged', 'in_progress', 'referred', 'closed'];
const DAY_MS = 86_400_000;

/** Adds tickets up to `total`, spread over the last year, with one or two referrals each. */
function seed(file: string, from: number, total: number, agencies: string[], priorities: string[], caseTypes: string[], staffId: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const ticket = db.prepare(
    `INSERT INTO tickets (ref, session_id, channel, user_id, language, role, answers, indicators, case_type, priority, basis, status, assignee, created_at, updated_at, first_action_at)
     VALUES (?, ?, ?, ?, ?, 'victim', '{}', '[]', ?, ?, 'consent', ?, ?, ?, ?, ?)`,
  );
  // Pending referrals are past their escalation already (level 2): the escalation tick has nothing to send.
  const referral = db.prepare(`INSERT OR IGNORE INTO referrals (ticket_ref, agency, status, created_at, updated_at, escalation_level) VALUES (?, ?, ?, ?, ?, 2)`);
  const now = Date.now();
  db.transaction(() => {
    for (let i = from; i < total; i++) {
      // A fixed spread rather than random numbers: the same seed gives the same database.
      const created = new Date(now - ((i * 7919) % 365) * DAY_MS - (i % 86_400) * 1000).toISOString();
      const status = STATUSES[i % 7 < 4 ? 4 : i % 4]!; // about 4 in 7 closed
      const ref = `TR-${i.toString(36).toUpperCase().padStart(8, '0')}`;
      const channel = CHANNELS[i % 3]!;
      const acted = status === 'new' ? null : new Date(Date.parse(created) + ((i % 48) + 1) * 3_600_000).toISOString();
      ticket.run(ref, `${channel}:u${i}`, channel, `u${i}`, LANGS[i % 7], caseTypes[i % caseTypes.length], priorities[i % priorities.length], status, i % 50 === 0 ? staffId : null, created, created, acted);
      referral.run(ref, agencies[i % agencies.length], i % 3 === 0 ? 'pending' : 'accepted', created, created);
      if (i % 2 === 0) referral.run(ref, agencies[(i * 7 + 3) % agencies.length], 'pending', created, created);
    }
  })();
  db.close();
}

async function timed(n: number, request: () => Promise<Response | { status: number }>): Promise<{ p95: number; p50: number; status: number }> {
  const times: number[] = [];
  let status = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await request();
    if ('arrayBuffer' in res) await res.arrayBuffer();
    times.push(performance.now() - t0);
    status = res.status;
  }
  return { p95: pct(times, 95), p50: pct(times, 50), status };
}

/** Runs the scale mode; returns the lines to print. */
export async function benchScale(log: (line: string) => void = console.log): Promise<string[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tangrod-bench-scale-'));
  const fake = await startFakePlatform();
  const lines = ['| tickets | page | filter | p50 ms | p95 ms | target |', '|---|---|---|---|---|---|'];
  try {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const services = createServices(config);
    const { definitions, store } = services;
    const agencies = [...definitions.directory.byId.keys()];
    const priorities = definitions.policy.priorities;
    const caseTypes = definitions.policy.caseTypes.map((c) => c.id);
    const staffId = await createStaffAccount(store, { name: 'bench-admin', role: 'admin', agency: undefined, lang: 'en', password: PASSWORD });
    const { token } = await createApiToken(store, '*', 'bench');
    await store.close();
    const agency = agencies[0]!;
    let seeded = 0;
    for (const size of SIZES) {
      const s0 = performance.now();
      seed(databasePath(config), seeded, size, agencies, priorities, caseTypes, staffId);
      seeded = size;
      log(`  seeded ${size.toLocaleString('en')} tickets in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
      const target = await startTarget('tangrod', fake.origin, {}, dataDir);
      try {
        const staff = new StaffClient(target.url);
        await staff.login('bench-admin');
        const reps = size >= 1_000_000 ? 10 : 20;
        const row = (page: string, filter: string, r: { p50: number; p95: number; status: number }, goal: string) =>
          lines.push(`| ${size.toLocaleString('en')} | ${page} | ${filter} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)}${r.status === 200 ? '' : ` (HTTP ${r.status})`} | ${goal} |`);
        const queueFilters: [string, string][] = [
          ['open (default)', ''],
          ['status=new', '?status=new'],
          ['priority', `?priority=${priorities[0]}`],
          ['agency', `?agency=${agency}`],
          ['language=my', '?language=my'],
          ['channel=line', '?channel=line'],
          ['assigned to me', '?mine=1'],
          ['all statuses', '?status=all'],
        ];
        for (const [name, query] of queueFilters) row('queue page', name, await timed(reps, () => fetchPage(staff, `/staff${query}`)), '< 100');
        const apiFilters: [string, string][] = [
          ['none', ''],
          ['status=new', '?status=new'],
          ['priority', `?priority=${priorities[0]}`],
          ['agency', `?agency=${agency}`],
        ];
        const auth = { authorization: `Bearer ${token}` };
        for (const [name, query] of apiFilters) row('API list', name, await timed(reps, () => fetch(`${target.url}/api/tickets${query}`, { headers: auth })), '< 100');
        const stats = await timed(size >= 1_000_000 ? 5 : 10, () => fetchPage(staff, '/staff/stats'));
        row('statistics', '', stats, '< 500');
        // Webhook acks while the statistics page renders.
        const acks: number[] = [];
        let rendering = true;
        const pages = (async () => {
          for (let i = 0; i < 3; i++) await fetchPage(staff, '/staff/stats');
          rendering = false;
        })();
        for (let n = 0; rendering; n++) {
          const body = JSON.stringify({ destination: 'U', events: [{ type: 'message', mode: 'active', timestamp: Date.now(), source: { type: 'user', userId: lineUser(900 + SIZES.indexOf(size), n) }, webhookEventId: `SCALE${size}X${n}`, deliveryContext: { isRedelivery: false }, replyToken: replyToken(900, n), message: { id: `s${n}`, type: 'text', text: 'hello', quoteToken: 'q' } }] });
          const t0 = performance.now();
          await (await fetch(`${target.url}/webhooks/line`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': createHmac('sha256', LINE_SECRET).update(body).digest('base64') }, body })).arrayBuffer();
          acks.push(performance.now() - t0);
          await new Promise((r) => setTimeout(r, 20));
        }
        await pages;
        lines.push(`| ${size.toLocaleString('en')} | LINE webhook ack while statistics render | ${acks.length} events | ${pct(acks, 50).toFixed(0)} | ${pct(acks, 95).toFixed(0)} (max ${Math.max(...acks).toFixed(0)}) | < 50 |`);
        log(lines.slice(-15).join('\n'));
      } finally {
        await target.stop();
      }
    }
    return lines;
  } finally {
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function fetchPage(staff: StaffClient, url: string): Promise<{ status: number }> {
  return staff.get(url);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchScale()) console.log(line);
}
