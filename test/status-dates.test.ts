/**
 * `/status` names each case with the day it was opened as the person's language writes a date, in
 * Thai time (the service's days): a case opened at 00:30 in Bangkok on 5 December is from the 5th,
 * though it is still the 4th in UTC, and a Thai reader sees the Buddhist year.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './helpers/care.ts';
import { LANGS } from './helpers/scenario-table.ts';
import { startServer, type TestServer } from './helpers/server.ts';

// 17:30 UTC on 4 December 2026 is 00:30 on 5 December in Bangkok.
const time = testClock('2026-12-04T17:30:00.000Z');
let server: TestServer;

beforeAll(async () => {
  server = await startServer({}, time.clock);
});
afterAll(async () => {
  await server?.close();
});

// language -> the day as its readers write it
const DAYS: [string, string][] = [
  ['th', '5 ธ.ค. 2569'],
  ['en', 'Dec 5, 2026'],
  ['zh', '2026年12月5日'],
  ['vi', '5 thg 12, 2026'],
  ['km', '5 ធ្នូ 2026'],
  ['lo', '5 ທ.ວ. 2026'],
  ['my', '၂၀၂၆ ဒီ ၅'],
];

describe('/status', () => {
  it.each(DAYS)('in %s shows the day the case was opened as %s', async (lang, day) => {
    const user = `status-date-${lang}`;
    await server.sim({ user, text: LANGS[lang]!.hello });
    await server.sim({ user, choice: 'yes' });
    const emergency = await server.sim({ user, choice: 'TH' });
    const ref = emergency.body.replies.find((r) => r.ticket)!.ticket!.ref;
    const status = (await server.sim({ user, text: '/status' })).body.replies[0]!.text;
    expect(status).toContain(ref);
    expect(status).toContain(day);
    expect(status).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});
