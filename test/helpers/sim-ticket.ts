/** A ticket in a few simulator messages: a reporter in danger in Cambodia. */
import { question, type TestServer } from './server.ts';

/** Answers "in danger: yes" and "Cambodia", anything else with English or the first choice, until a reference comes. */
export async function dangerTicket(s: TestServer, user: string): Promise<string> {
  let replies = (await s.sim({ user, text: 'hello' })).body.replies;
  for (let i = 0; i < 20; i++) {
    const ref = replies.find((r) => r.ticket)?.ticket?.ref;
    if (ref) return ref;
    const q = question(replies);
    if (!q) throw new Error('the bot stopped asking before a ticket');
    const ids = (q.choices ?? []).map((c) => c.id);
    const answer = q.expects!.key === 'in_danger_now' ? 'yes' : q.expects!.key === 'current_country' ? 'KH' : (ids.find((id) => id === 'en') ?? ids[0]);
    replies = (await s.sim(answer ? { user, choice: answer } : { user, text: 'not sure' })).body.replies;
  }
  throw new Error('no ticket after 20 answers');
}
