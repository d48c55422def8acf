import type { Reply } from '../../src/conversation/reply.ts';
import { question, type TestServer } from './server.ts';

/** An answer a script gives: a choice id (or ids, comma-separated), text, or a location. */
export type ScriptAnswer = { choice: string } | { text: string } | { location: { lat: number; lon: number } };

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
): Promise<{ replies: Reply[]; asked: string[] }> {
  const all: Reply[] = [];
  const asked: string[] = [];
  let res = await server.sim({ user, text: first });
  for (let turn = 0; turn < 60; turn++) {
    if (res.status !== 200) throw new Error(`simulator answered ${res.status}: ${JSON.stringify(res.body)}`);
    all.push(...res.body.replies);
    const q = question(res.body.replies);
    if (!q?.expects) return { replies: all, asked };
    asked.push(q.expects.key);
    const answer = answers[q.expects.key] ?? { choice: 'skip' };
    res = await server.sim({ user, ...answer });
  }
  throw new Error('the conversation did not end within 60 turns');
}
