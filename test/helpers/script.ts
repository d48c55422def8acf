import type { Reply } from '../../src/conversation/reply.ts';
import { impliedChoice, isMulti } from './quick-answers.ts';
import { question, type TestServer } from './server.ts';

/**
 * An answer a script gives: a choice id (or ids, comma-separated), text, or a location; `stop`
 * leaves the conversation there (a person who must put the phone away).
 */
export type ScriptAnswer = { choice: string } | { text: string } | { location: { lat: number; lon: number } } | { stop: true };

/** What a played conversation showed and cost. */
export interface Played {
  replies: Reply[];
  /** The keys asked, in order. */
  asked: string[];
  /**
   * Taps (and typed answers) after the first message, as a person on LINE or Telegram makes them: a
   * multi-select costs one tap per item and one for Done (the simulator takes the list at once).
   */
  taps: number;
  /** Taps up to the reply that first gave a ticket reference; undefined when none did. */
  tapsToTicket?: number;
}

/**
 * Plays a conversation through the simulator the way a person would: reads the key the bot waits
 * for and answers it from `answers` (skipping what the script does not know), until the bot stops
 * asking. Returns every reply and the keys asked, in order.
 */
export async function playScript(
  server: TestServer,
  user: string,
  first: string,
  answers: Record<string, ScriptAnswer>,
): Promise<Played> {
  const all: Reply[] = [];
  const asked: string[] = [];
  let taps = 0;
  let tapsToTicket: number | undefined;
  const given = (k: string) => {
    const a = answers[k];
    return a && 'choice' in a ? a.choice : a && 'text' in a ? a.text : undefined;
  };
  let res = await server.sim({ user, text: first });
  for (let turn = 0; turn < 60; turn++) {
    if (res.status !== 200) throw new Error(`simulator answered ${res.status}: ${JSON.stringify(res.body)}`);
    all.push(...res.body.replies);
    if (tapsToTicket === undefined && res.body.replies.some((r) => r.ticket)) tapsToTicket = taps;
    const q = question(res.body.replies);
    const done = { replies: all, asked, taps, ...(tapsToTicket !== undefined ? { tapsToTicket } : {}) };
    if (!q?.expects) return done;
    const key = q.expects.key;
    asked.push(key);
    const implied = impliedChoice(key, given);
    const answer = answers[key] ?? (implied ? { choice: implied.join(',') } : { choice: 'skip' });
    if ('stop' in answer) return done;
    const multi = 'choice' in answer && isMulti(key) && answer.choice !== 'skip';
    taps += multi ? answer.choice.split(',').length + 1 : 1;
    res = await server.sim({ user, ...answer });
    // One id at a multi-select is one tap of several: Done closes it.
    if (multi && !answer.choice.includes(',') && res.status === 200 && question(res.body.replies)?.expects?.key === key) res = await server.sim({ user, choice: 'done' });
  }
  throw new Error(`the conversation did not end within 60 turns: ${asked.slice(-5).join(' ')}`);
}
