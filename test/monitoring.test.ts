/**
 * The monitoring report (issue 15), over real HTTP: tickets seeded through the simulator at known
 * times, staff acting on them at known times (claim, accept, services, a whole return), one tick of
 * the escalation machinery; the figures on the page, in the CSV (all agencies, and one agency) and in
 * the CSV of every measured time equal the medians and 90th percentiles worked out by hand from
 * those times; the printable report renders in Chromium, in Thai and in English, and prints.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardText } from '../src/staff/staff-text.ts';
import { type Browser, launchChromium } from './helpers/browser.ts';
import { DAY, HOUR, KH_FISHER, testClock } from './helpers/care.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, PASSWORD, StaffClient, ticketFrom } from './helpers/staff.ts';

const T0 = Date.parse('2026-05-04T02:00:00.000Z'); // 09:00 in Thailand
const MIN = 60_000;
const at = (ms: number) => new Date(T0 + ms).toISOString();
const time = testClock(at(0));
const PERIOD = 'from=2026-05-04&to=2026-05-04';
let server: TestServer;
let sup: StaffClient;
let admin: StaffClient;
const refs: string[] = [];

/** Acts as `who` at a time: logs in again (days pass; sessions expire), then posts the form. */
async function actAt(who: StaffClient, name: string, ms: number, ref: string, action: string, form: Record<string, string> = {}) {
  time.at(at(ms));
  await who.login(name);
  await who.get('/staff');
  const res = await who.post(`/staff/tickets/${ref}/${action}`, form);
  expect(res.location, `${action} on ${ref}`).toBe(`/staff/tickets/${ref}?done=${action}`);
}

/** A CSV body as rows (the export's cells hold no commas or quotes). */
const rowsOf = (body: string) => body.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));

beforeAll(async () => {
  server = await startServer({}, time.clock);
  await addStaff(server, 'malee', 'supervisor', 'th-msdhs-1300');
  await addStaff(server, 'root', 'admin');
  sup = new StaffClient(server.url);
  admin = new StaffClient(server.url);
  // Five Cambodian fishing workers, an hour apart, and a Thai worker in Cambodia.
  for (let i = 0; i < 5; i++) {
    time.at(at(i * HOUR));
    refs.push(await ticketFrom(server, `mon-kh-${i}`, KH_FISHER));
  }
  time.at(at(5 * HOUR));
  refs.push(await ticketFrom(server, 'mon-th-5', { ...KH_FISHER, current_country: { choice: 'KH' }, nationality: { choice: 'TH' }, needs: { choice: 'shelter' } }));

  // First action (a claim) after 10, 20, 30, 40 and 100 minutes: median 30, 90th percentile 100.
  const claims = [10, 20, 30, 40, 100];
  // MSDHS accepts after 60, 120, 180, 240, 300 minutes: median 180, 90th percentile 300.
  const accepts = [60, 120, 180, 240, 300];
  for (let i = 0; i < 5; i++) {
    await actAt(sup, 'malee', i * HOUR + claims[i]! * MIN, refs[i]!, 'claim');
    await actAt(sup, 'malee', i * HOUR + accepts[i]! * MIN, refs[i]!, 'referral', { decision: 'accepted', reason: '' });
  }
  // Shelter delivered after 2, 4 and 6 hours on the first three: median 4 h, 90th percentile 6 h.
  for (const [i, h] of [2, 4, 6].entries()) await actAt(sup, 'malee', i * HOUR + h * HOUR, refs[i]!, 'service', { kind: 'shelter', status: 'delivered' });
  // Legal help on the first after a day.
  await actAt(sup, 'malee', DAY, refs[0]!, 'service', { kind: 'legal', status: 'delivered' });
  // The first worker's return: started after a day, arrival confirmed ten days later.
  await actAt(admin, 'root', DAY, refs[0]!, 'return-start');
  for (const [n, step] of ['identity_confirmed', 'travel_document', 'date_and_crossing', 'handover_border'].entries()) await actAt(admin, 'root', DAY + (n + 1) * HOUR, refs[0]!, 'return-step', { step, status: 'done' });
  // One tick of the escalation machinery two days in: the unaccepted referrals are reminded, and
  // the shelter of workers 4 and 5 and of the Thai worker is past its 24 hours.
  time.at(at(2 * DAY));
  await server.services.escalation.tick(time.now());
  await actAt(sup, 'malee', 2 * DAY + HOUR, refs[4]!, 'status', { status: 'closed', outcome: 'assisted' });
  await actAt(admin, 'root', 11 * DAY, refs[0]!, 'return-step', { step: 'arrival_confirmed', status: 'done' });
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe('monitoring for the committee', () => {
  it('exports the figures as CSV, equal to the times worked out by hand', async () => {
    const res = await fetch(`${server.url}/staff/monitoring.csv?${PERIOD}`, { headers: { cookie: await cookieOf(admin) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('tangrod-monitoring-2026-05-04-2026-05-04.csv');
    const rows = rowsOf(await res.text());
    expect(rows[0]).toEqual(['from', 'to', 'agency', 'section', 'item', 'count', 'median_minutes', 'p90_minutes']);
    const pick = (section: string) => rows.filter((r) => r[3] === section).map((r) => r.slice(4));
    expect(pick('tickets')).toEqual([['all', '6', '', '']]);
    expect(pick('case_type')).toEqual([['labour_trafficking', '6', '', '']]);
    expect(pick('priority')).toEqual([['P2', '6', '', '']]);
    expect(pick('nationality')).toEqual([['KH', '5', '', ''], ['TH', '1', '', '']]);
    expect(pick('country')).toEqual([['TH', '5', '', ''], ['KH', '1', '', '']]);
    expect(pick('time')).toEqual([
      ['first_action', '5', '30', '100'],
      ['referral_accepted', '5', '180', '300'],
      ['service_delivered:medical', '0', '', ''],
      ['service_delivered:shelter', '3', '240', '360'],
      ['service_delivered:food', '0', '', ''],
      ['service_delivered:legal', '1', '1440', '1440'],
      // Delivered with the return's completion, eleven days after it was asked for.
      ['service_delivered:go_home', '1', String(11 * 1440), String(11 * 1440)],
      ['service_delivered:interpreter', '0', '', ''],
      ['service_delivered:contact_family', '0', '', ''],
      ['return_completed', '1', String(10 * 1440), String(10 * 1440)],
    ]);
    // Referrals nobody accepted (police and NCCT on every ticket, the consulate on the Thai one); shelters past 24 hours.
    const overdue = Object.fromEntries(['overdue_referral', 'overdue_service', 'overdue_return_step'].map((s) => [s, Object.fromEntries(pick(s).map((r) => [r[0], Number(r[1])]))]));
    expect(overdue).toEqual({
      overdue_referral: { 'kh-ncct': 6, 'th-mfa-consular': 1, 'th-msdhs-1300': 0, 'th-police-atp': 6 },
      overdue_service: { 'kh-ncct': 0, 'th-mfa-consular': 1, 'th-msdhs-1300': 2, 'th-police-atp': 0 },
      overdue_return_step: { 'kh-ncct': 0, 'th-mfa-consular': 0, 'th-msdhs-1300': 0, 'th-police-atp': 0 },
    });
    expect(pick('outcome')).toEqual([['open', '5', '', ''], ['assisted', '1', '', '']]);
  });

  it('lists every measured time with its ticket and audit times, and narrows to one agency', async () => {
    const cookie = await cookieOf(admin);
    const intervals = rowsOf(await (await fetch(`${server.url}/staff/monitoring.csv?${PERIOD}&rows=intervals`, { headers: { cookie } })).text());
    expect(intervals[0]).toEqual(['measure', 'ticket', 'agency', 'from', 'to', 'minutes']);
    const firsts = intervals.filter((r) => r[0] === 'first_action');
    expect(firsts.map((r) => [r[1], r[3], r[5]])).toEqual([0, 1, 2, 3, 4].map((i) => [refs[i], at(i * HOUR), String([10, 20, 30, 40, 100][i])]));
    // Each interval is two rows of the ticket's audit trail.
    const trail = await server.services.store.auditOf(refs[2]!);
    expect(trail.find((e) => e.action === 'ticket.claimed')!.at).toBe(firsts[2]![4]);

    // A supervisor of MSDHS sees MSDHS's figures, whatever the query asks.
    const mine = rowsOf(await (await fetch(`${server.url}/staff/monitoring.csv?${PERIOD}&agency=th-police-atp`, { headers: { cookie: await cookieOf(sup, 'malee') } })).text());
    expect(mine.filter((r) => r[3] === 'tickets').map((r) => [r[2], r[5]])).toEqual([['th-msdhs-1300', '5']]);
    expect(mine.filter((r) => r[3] === 'time' && r[4] === 'referral_accepted').map((r) => r.slice(5))).toEqual([['5', '180', '300']]);
    expect(mine.filter((r) => r[3]?.startsWith('overdue_')).map((r) => [r[3], r[4], r[5]])).toEqual([
      ['overdue_referral', 'th-msdhs-1300', '0'],
      ['overdue_service', 'th-msdhs-1300', '2'],
      ['overdue_return_step', 'th-msdhs-1300', '0'],
    ]);
    // An agent may not see the report; the exports are audited.
    await addStaff(server, 'somsri', 'agent', 'th-msdhs-1300');
    expect((await fetch(`${server.url}/staff/monitoring?${PERIOD}`, { headers: { cookie: await cookieOf(new StaffClient(server.url), 'somsri') } })).status).toBe(403);
    const exports = (server.services.store as unknown as { db: { prepare(s: string): { all(): { detail: string }[] } } }).db.prepare(`SELECT detail FROM audit WHERE action = 'export.monitoring'`).all();
    expect(exports.length).toBeGreaterThanOrEqual(3);
  });

  it('shows the figures on the monitoring page, with charts', async () => {
    const pageRes = await admin.get(`/staff/monitoring?${PERIOD}`);
    expect(pageRes.status).toBe(200);
    const en = new DashboardText(server.services.definitions.translations, 'en', server.services.definitions.flows.dictionary, server.services.definitions.staffLanguages);
    const row = /<tr data-measure="first_action">([\s\S]*?)<\/tr>/.exec(pageRes.text)![1]!;
    expect(row).toContain(`<td>5</td><td>${en.duration(30 * MIN)}</td><td>${en.duration(100 * MIN)}</td>`);
    expect(pageRes.text).toContain('<svg');
    expect(pageRes.text).toContain('6 tickets reported in the period');
  });

  describe('the printable report in Chromium', () => {
    let browser: Browser;
    let page: Page;
    beforeAll(async () => {
      browser = await launchChromium({ locale: 'en-GB' });
      page = browser.page;
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it('renders in Thai and in English, with no error, and prints to PDF', async () => {
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${new URL(r.url()).pathname}`));
      await page.goto(`${server.url}/staff/login`);
      await page.getByLabel('Name').fill('root');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${server.url}/staff`);

      const th = new DashboardText(server.services.definitions.translations, 'th', server.services.definitions.flows.dictionary, server.services.definitions.staffLanguages);
      await page.goto(`${server.url}/staff/monitoring/report?${PERIOD}&lang=th`);
      expect(await page.locator('h1').textContent()).toBe('รายงานติดตามผล: การดูแล การส่งต่อ และการส่งกลับ');
      expect(await page.locator('html').getAttribute('lang')).toBe('th');
      expect(await page.locator('tr[data-measure="referral_accepted"] td').allTextContents()).toEqual(['5', th.duration(180 * MIN), th.duration(300 * MIN)]);
      // The report's own stylesheet applies (served under the dashboard's CSP), and no navigation is printed.
      expect(await page.locator('body.report').count()).toBe(1);
      expect(await page.locator('nav').count()).toBe(0);
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await page.screenshot({ path: '/tmp/tangrod-monitoring-report-th.png', fullPage: true });

      await page.goto(`${server.url}/staff/monitoring/report?${PERIOD}&lang=en`);
      expect(await page.locator('h1').textContent()).toBe('Monitoring report: care, referral and return');
      expect(await page.locator('tr[data-agency="th-msdhs-1300"] td').allTextContents()).toEqual(['0', '2', '0']);
      expect(problems).toEqual([]);
    });
  });
});

/** Logs a client in (as `name`, default root) and returns its cookie header for a plain fetch. */
async function cookieOf(client: StaffClient, name = 'root'): Promise<string> {
  await client.login(name);
  const c = (client as unknown as { cookies: Map<string, string> }).cookies;
  return [...c].map(([k, v]) => `${k}=${v}`).join('; ');
}
