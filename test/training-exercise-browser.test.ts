/**
 * An exercise in a real browser (Debian's Chromium through playwright-core): a trainer starts an
 * exercise over three scenarios for a trainee; the trainee triages in the ordinary dashboard (claim,
 * accept, write to the reporter, who answers from the script, export evidence, close with an
 * outcome) one case well, one badly, and leaves the third; the scorecard shows the marks each
 * handling deserves, and its CSV says the same.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './helpers/browser.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, PASSWORD } from './helpers/staff.ts';

const SCENARIOS = ['th-scam-kh-consent', 'km-fisher-go-home', 'km-fisher-no-consent'];
const MINUTE = 60_000;
let offset = 0;
/** The server's clock, which the test moves forward. */
const clock = () => new Date(Date.now() + offset);

let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer({ TRAINING: 'on', TRAINING_REPLY_SECONDS: '0' }, clock);
  await addStaff(server, 'trainer', 'admin');
  await addStaff(server, 'ploy', 'supervisor', 'th-police-atp', 'en');
  browser = await launchChromium({ locale: 'en-GB' });
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function login(name: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${server.url}/staff/login?lang=en`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${server.url}/staff`);
}

const status = () => page.getByRole('status').first().textContent();

/** The marks of one scorecard row, by column class. */
async function marksOf(scenario: string): Promise<string[]> {
  const row = page.locator(`table.scorecard tr[data-scenario="${scenario}"]`);
  return row.locator('td.mark').evaluateAll((cells) => cells.map((c) => [...c.classList].find((k) => k.startsWith('mark-'))!.slice(5)));
}

describe('a training exercise', () => {
  it('is started by a trainer, triaged by a trainee, and scored', async () => {
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${new URL(r.url()).pathname}`));

    // The trainer picks three scenarios and the trainee.
    await login('trainer');
    expect(await page.locator('.training-banner').textContent()).toContain('Training workspace');
    await page.getByRole('link', { name: 'Training' }).click();
    for (const box of await page.locator('input[name^="scenario."]').all()) await box.uncheck();
    for (const id of SCENARIOS) await page.locator(`input[name="scenario.${id}"]`).check();
    await page.getByLabel(/ploy · Supervisor/).check();
    await page.getByRole('button', { name: 'Start the exercise' }).click();
    await expect.poll(status).toContain('The exercise was started: 3 reports are in the queue.');
    const scorecardUrl = page.url().split('?')[0]!;
    const exercise = server.services.training!.list()[0]!;
    const refOf = (scenario: string) => exercise.runs.find((r) => r.scenario === scenario)!.ref!;
    await page.screenshot({ path: '/tmp/tangrod-training-start.png', fullPage: true });

    // The trainee finds the three reports in the ordinary queue, and on their own list.
    await login('ploy');
    const queue = (await page.locator('table.queue').textContent()) ?? '';
    for (const s of SCENARIOS) expect(queue).toContain(refOf(s));
    await page.getByRole('link', { name: 'Training' }).click();
    expect(await page.locator('main table a.ref').allTextContents()).toEqual(expect.arrayContaining(SCENARIOS.map(refOf)));

    // Handled well: claim, accept, write (the reporter answers from the script), export to NCCT, close.
    const good = refOf('th-scam-kh-consent');
    await page.goto(`${server.url}/staff/tickets/${good}`);
    await page.getByRole('button', { name: 'Claim this ticket' }).click();
    await expect.poll(status).toContain('You claimed this ticket.');
    await page.locator('#dec-accept').check();
    await page.getByRole('button', { name: 'Save decision' }).click();
    await expect.poll(status).toContain('The decision was saved.');
    await page.locator('#message').fill('นี่คือเจ้าหน้าที่สายด่วนครับ ตอนนี้คุณปลอดภัยไหม');
    await page.getByRole('button', { name: 'Send message' }).click();
    await expect.poll(status).toContain('The message was sent to the reporter.');
    await expect
      .poll(async () => (await page.reload(), (await page.locator('body').textContent()) ?? ''), { timeout: 10_000 })
      .toContain('ผมยังอยู่ในตึกครับ เขายึดพาสปอร์ตไว้');
    await page.locator('#ev-dest').selectOption('kh-ncct');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export package' }).click();
    expect((await download).suggestedFilename()).toMatch(/^TRAINING-evidence-.*-kh-ncct-.*\.zip$/);
    await page.goto(`${server.url}/staff/tickets/${good}`);
    await page.locator('#note').fill('Victim of forced criminality, not a suspect. Consular help asked for.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(status).toContain('The note was added.');
    await page.locator('#status').selectOption('closed');
    await page.locator('#outcome').selectOption('assisted');
    await page.getByRole('button', { name: 'Change status' }).click();
    await expect.poll(status).toContain('The status was changed.');

    // Handled badly: a note that makes him an offender, a referral that does not belong, closed as
    // "not trafficking" without the evidence NCCT needs for his return.
    const bad = refOf('km-fisher-go-home');
    await page.goto(`${server.url}/staff/tickets/${bad}`);
    await page.getByRole('button', { name: 'Claim this ticket' }).click();
    await expect.poll(status).toContain('You claimed this ticket.');
    await page.locator('#note').fill('Illegal worker, overstayed. Treat as a suspect.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(status).toContain('The note was added.');
    await page.locator('#to-agency').selectOption('th-doe-1694');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(status).toContain('The ticket was sent to the agency.');
    await page.locator('#status').selectOption('closed');
    await page.locator('#outcome').selectOption('not_trafficking');
    await page.getByRole('button', { name: 'Change status' }).click();
    await expect.poll(status).toContain('The status was changed.');

    // The third waits: NCCT cannot even be chosen (no cross-border consent), and five hours pass.
    const left = refOf('km-fisher-no-consent');
    await page.goto(`${server.url}/staff/tickets/${left}`);
    expect(await page.locator('#to-agency option[value="kh-ncct"]').isDisabled()).toBe(true);
    offset += 5 * 60 * MINUTE;

    // The trainer's scorecard: first action, referrals, consent, victim, evidence, outcome, time limit.
    await login('trainer');
    await page.goto(scorecardUrl);
    expect(await marksOf('th-scam-kh-consent')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(await marksOf('km-fisher-go-home')).toEqual(['ok', 'wrong', 'ok', 'wrong', 'wrong', 'wrong', 'ok']);
    expect(await marksOf('km-fisher-no-consent')).toEqual(['wrong', 'ok', 'ok', 'ok', 'na', 'pending', 'wrong']);
    const badRow = (await page.locator('tr[data-scenario="km-fisher-go-home"]').textContent()) ?? '';
    expect(badRow).toContain('should not have: th-doe-1694');
    expect(badRow).toMatch(/note: (illegal worker, suspect|suspect, illegal worker)/i);
    expect(badRow).toContain('closed as not trafficking');
    expect(badRow).toContain('to kh-ncct');
    expect(await page.locator('tr[data-scenario="th-scam-kh-consent"] td.score').textContent()).toBe('7 of 7');
    expect(await page.locator('tr[data-scenario="km-fisher-go-home"] td.score').textContent()).toBe('3 of 7');
    expect(await page.locator('ul.totals').textContent()).toContain('ploy: 13 of 19');
    await page.screenshot({ path: '/tmp/tangrod-training-scorecard.png', fullPage: true });

    // The CSV says the same.
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), `${scorecardUrl}/scorecard.csv`);
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('exercise,trainee,scenario,title,ticket,first_action,first_action_detail,referrals,referrals_detail,consent,consent_detail,victim,victim_detail,evidence,evidence_detail,outcome,outcome_detail,time_limit,time_limit_detail,ok,of');
    const badLine = lines.find((l) => l.includes(',km-fisher-go-home,'))!;
    expect(badLine).toContain(`${bad},ok,`);
    expect(badLine).toMatch(/,wrong,should not have: th-doe-1694,ok,,wrong,/);
    expect(badLine.endsWith(',3,7')).toBe(true);
    expect(problems).toEqual([]);
  }, 120_000);
});
