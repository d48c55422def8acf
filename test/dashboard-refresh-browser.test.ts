/**
 * The queue in a real browser (Debian's Chromium via playwright-core) shows new tickets without a
 * manual reload, keeps its filters and a half-made filter choice, and runs under the dashboard's
 * CSP without errors (issue 10, item 20).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './helpers/browser.ts';
import { addStaff, IN_DANGER, PASSWORD, ticketFrom, UNPAID } from './helpers/staff.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer({ QUEUE_REFRESH_SECONDS: '2' });
  await addStaff(server, 'root', 'admin', undefined, 'en');
  browser = await launchChromium();
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the live queue', () => {
  it('shows a new urgent ticket without a reload, within the filter, keeping a half-made choice', async () => {
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${server.url}/staff/login`);
    await page.locator('#name').fill('root');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.waitForURL(`${server.url}/staff`);
    await page.goto(`${server.url}/staff?priority=P1`);
    await expect.poll(() => page.locator('.empty').count()).toBe(1);
    // A mark that a reload would wipe out, and a filter choice not yet applied.
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    await page.locator('#f-language').selectOption('my');

    const p1 = await ticketFrom(server, 'live-p1', IN_DANGER);
    const p3 = await ticketFrom(server, 'live-p3', UNPAID);
    await expect.poll(() => page.locator('table.queue tbody tr').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('table.queue .ref').first().textContent()).toBe(p1);
    expect(await page.content()).not.toContain(p3);
    await expect.poll(() => page.locator('#queue-status').textContent()).toContain('New tickets in the queue: 1');
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(await page.locator('#f-language').inputValue()).toBe('my');
    expect(page.url()).toBe(`${server.url}/staff?priority=P1`);
    expect(problems).toEqual([]);
  }, 60_000);
});
