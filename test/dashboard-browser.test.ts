/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core): log in, find a P1
 * ticket made through the simulator at the top of the queue, claim it, write to the reporter and see
 * the message reach the simulator conversation, close it with an outcome. Screenshots go to /tmp.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './helpers/browser.ts';
import { addStaff, FISHING_BOAT, IN_DANGER, PASSWORD, PNG_BASE64, ticketFrom, UNPAID } from './helpers/staff.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let browser: Browser;
let page: Page;
let p1: string;

beforeAll(async () => {
  server = await startServer();
  await addStaff(server, 'ploy', 'agent', 'th-police-atp', 'en');
  // Older, less urgent tickets first, so that the P1 must rise above them.
  await ticketFrom(server, 'browser-p2', FISHING_BOAT);
  await ticketFrom(server, 'browser-p3', UNPAID);
  p1 = await ticketFrom(server, 'browser-p1', { ...IN_DANGER, evidence: { image: { name: 'room.png', mime: 'image/png', base64: PNG_BASE64 } } });
  // A Thai browser: the login page speaks Thai until the staff member's own choice (English) applies.
  browser = await launchChromium({ locale: 'th-TH' });
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a hotline agent in the browser', () => {
  it('logs in, claims the P1 at the top, writes to the reporter, and closes it', async () => {
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${new URL(r.url()).pathname}`));

    await page.goto(`${server.url}/staff`);
    await expect.poll(() => page.url()).toContain('/staff/login');
    await page.getByLabel('ชื่อผู้ใช้').fill('ploy');
    await page.getByLabel('รหัสผ่าน').fill(PASSWORD);
    await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
    await page.waitForURL(`${server.url}/staff`);

    // The user's language is English; the P1 is first, marked in words as well as colour.
    await expect.poll(() => page.locator('h1').textContent()).toBe('Queue');
    const first = page.locator('table.queue tbody tr').first();
    expect(await first.locator('.ref').textContent()).toBe(p1);
    expect(await first.textContent()).toContain('P1 · urgent');
    await page.screenshot({ path: '/tmp/tangrod-queue.png', fullPage: true });

    await first.locator('.ref').click();
    await page.waitForURL(`${server.url}/staff/tickets/${p1}`);
    await page.getByRole('button', { name: 'Claim this ticket' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('You claimed this ticket.');

    await page.getByLabel(/^Message/).fill('This is the hotline. Help is coming. Reply here when it is safe.');
    await page.getByRole('button', { name: 'Send message' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('The message was sent to the reporter.');
    const sim = await fetch(`${server.url}/api/sim/messages?user=browser-p1`).then((r) => r.json());
    expect(sim.replies).toEqual([{ text: 'Message from the hotline staff:\nThis is the hotline. Help is coming. Reply here when it is safe.' }]);

    // Keyboard: the status form is reachable and usable without a mouse.
    await page.getByLabel('Status', { exact: true }).focus();
    await page.getByLabel('Status', { exact: true }).selectOption('closed');
    await page.getByLabel('Outcome').selectOption('assisted');
    await page.getByRole('button', { name: 'Change status' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('The status was changed.');
    expect(await page.locator('.glance').textContent()).toContain('Closed · Assisted');
    await page.screenshot({ path: '/tmp/tangrod-ticket.png', fullPage: true });

    const ticket = (await server.services.store.getTicket(p1))!;
    expect(ticket).toMatchObject({ status: 'closed', outcome: 'assisted' });
    const actions = (await server.services.store.auditOf(p1)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['ticket.claimed', 'message.sent', 'ticket.status_changed']));

    // On a phone the queue is one card per ticket; the CSP let no inline code run and nothing broke.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/staff?status=all`);
    await page.screenshot({ path: '/tmp/tangrod-queue-phone.png', fullPage: true });
    await page.goto(`${server.url}/staff/stats`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: '/tmp/tangrod-stats.png', fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);
});
