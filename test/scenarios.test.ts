/**
 * Whole conversations through the simulator, in every language: answers -> case type, priority,
 * agencies and the emergency numbers shown (the table is in helpers/scenario-table.ts). The replies
 * must be in the language of the first message. And the taps: the median from the first message to
 * the reference is at most 12 (issue 9), counted as a person on LINE taps (a "which of these
 * happened?" list costs one tap per item and one for Done).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANG_IDS, LANGS, median, playScenario, scenarios } from './helpers/scenario-table.ts';
import { startServer, type TestServer, texts } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

const tapsToReference: number[] = [];
const tapsToEnd: number[] = [];

describe(`scenarios (${scenarios.length}), rotating through ${LANG_IDS.length} languages`, () => {
  it('covers at least 40 scenarios', () => expect(scenarios.length).toBeGreaterThanOrEqual(40));

  it.each(scenarios.map((s, i) => ({ ...s, lang: LANG_IDS[i % LANG_IDS.length]! })))('$lang: $name', async (s) => {
    const user = `scenario-${s.lang}-${s.name}`;
    const { replies, taps, tapsToTicket } = await playScenario(server, user, s, s.lang);

    // The conversation is in the language of the first message.
    expect(replies.slice(0, 2).map((r) => r.text).join(' ')).toMatch(LANGS[s.lang]!.script);
    for (const shown of s.shows ?? []) expect(texts(replies)).toContain(shown);
    for (const hidden of s.hides ?? []) expect(texts(replies)).not.toContain(hidden);

    const tickets = (await server.services.store.listTickets({})).filter((t) => t.userId === user);
    if (s.ticket === null) {
      expect(tickets).toEqual([]);
      return;
    }
    expect(tickets).toHaveLength(1);
    const t = tickets[0]!;
    // A referral made on an unknown nationality that no longer applies is withdrawn (issue 10 item 12).
    expect({ caseType: t.caseType, priority: t.priority, agencies: t.referrals.filter((r) => r.status !== 'withdrawn').map((r) => r.agency).sort() }).toEqual({ ...s.ticket, agencies: [...s.ticket.agencies].sort() });
    expect(t.language).toBe(s.lang);
    // The reference was given in the conversation.
    expect(replies.some((r) => r.ticket?.ref === t.ref)).toBe(true);
    tapsToReference.push(tapsToTicket!);
    tapsToEnd.push(taps);
  });

  it('reaches the reference in a median of at most 12 taps, and ends the screening in at most 16', () => {
    expect(tapsToReference.length).toBe(scenarios.filter((s) => s.ticket).length);
    expect(median(tapsToReference)).toBeLessThanOrEqual(12);
    expect(median(tapsToEnd)).toBeLessThanOrEqual(16);
  });
});
