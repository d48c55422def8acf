/**
 * The staff pages in Khmer, in a real browser (Debian's Chromium through playwright-core): a
 * Cambodian official of the NCCT logs in from a Khmer browser, reads the queue and a ticket page,
 * and no dashboard key is missing (no key shown raw, no English text in its place).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatten } from '../src/i18n/locales.ts';
import { type Browser, launchChromium } from './helpers/browser.ts';
import { playScript } from './helpers/script.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, FISHING_BOAT, PASSWORD } from './helpers/staff.ts';

let server: TestServer;
let browser: Browser;
let page: Page;
let ref: string;

const en = flatten(JSON.parse(readFileSync('locales/en/dashboard.json', 'utf8')));
const km = flatten(JSON.parse(readFileSync('locales/km/dashboard.json', 'utf8')));

/** What a page would show if a Khmer key were missing: the key itself, or the English text. */
function missingKeys(text: string): string[] {
  const found: string[] = [];
  for (const [key, value] of en) {
    if (text.includes(key)) found.push(`${key} (raw key)`);
    // The English words, without placeholders, when Khmer says something else (not "LINE", "Telegram").
    const words = String(value).split(/\{\{[^}]+\}\}/).map((s) => s.trim()).filter((s) => s.length >= 6);
    if (value !== km.get(key) && words.some((w) => new RegExp(`(^|\\W)${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|\\W)`).test(text))) found.push(`${key} (English)`);
  }
  return found;
}

beforeAll(async () => {
  server = await startServer();
  await addStaff(server, 'sokha', 'agent', 'kh-ncct', 'km');
  // A Cambodian fisher in Thailand who wants to go home and agrees to share across borders, in Khmer.
  const played = await playScript(server, 'kh-fisher', 'ជំរាបសួរ', { ...FISHING_BOAT, nationality: { choice: 'KH' } });
  ref = played.replies.find((r) => r.ticket)!.ticket!.ref;
  browser = await launchChromium({ locale: 'km-KH' });
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the staff pages in Khmer', () => {
  it('logs in, shows the queue and a ticket page in Khmer, with no key missing', async () => {
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${new URL(r.url()).pathname}`));

    // A Khmer browser gets the Khmer login page (Accept-Language), with the other languages offered.
    await page.goto(`${server.url}/staff`);
    await expect.poll(() => page.url()).toContain('/staff/login');
    expect(await page.locator('html').getAttribute('lang')).toBe('km');
    expect(missingKeys((await page.locator('body').textContent()) ?? '')).toEqual([]);
    await page.getByLabel('ឈ្មោះ', { exact: true }).fill('sokha');
    await page.getByLabel('ពាក្យសម្ងាត់').fill(PASSWORD);
    await page.getByRole('button', { name: 'ចូល', exact: true }).click();
    await page.waitForURL(`${server.url}/staff`);

    await expect.poll(() => page.locator('h1').textContent()).toBe('បញ្ជីករណី');
    const row = page.locator('table.queue tbody tr').first();
    expect(await row.locator('.ref').textContent()).toBe(ref);
    expect(await row.textContent()).toContain('P2 · ខ្ពស់');
    expect(await page.locator('#lang-switch option:checked').textContent()).toBe('ខ្មែរ');
    expect(missingKeys((await page.locator('body').textContent()) ?? '')).toEqual([]);
    await page.screenshot({ path: '/tmp/tangrod-queue-km.png', fullPage: true });

    await row.locator('.ref').click();
    await page.waitForURL(`${server.url}/staff/tickets/${ref}`);
    expect(await page.locator('h1').textContent()).toContain(`ករណី ${ref}`);
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).toContain('ការជួញដូរមនុស្សដើម្បីកម្លាំងពលកម្ម');
    expect(body).toContain('គណៈកម្មាធិការជាតិប្រយុទ្ធប្រឆាំងការជួញដូរមនុស្ស');
    expect(missingKeys(body)).toEqual([]);
    await page.getByRole('button', { name: 'ទទួលបន្ទុកករណីនេះ' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('អ្នកបានទទួលបន្ទុកករណីនេះ។');
    expect(missingKeys((await page.locator('body').textContent()) ?? '')).toEqual([]);
    await page.screenshot({ path: '/tmp/tangrod-ticket-km.png', fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);
});
