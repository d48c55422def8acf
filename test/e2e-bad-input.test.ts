/**
 * Bad input through the simulator: a clear answer (in the user's language, or a 4xx with a reason),
 * no crash, and no change to stored data that the input should not make.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { question, startServer, type TestServer, texts } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

/** The stored state of a simulator user: session and transcript length. */
async function stored(user: string) {
  const transcript = await server.services.store.transcriptOf(`sim:${user}`);
  const session = await server.services.store.transaction((tx) => tx.getSession(`sim:${user}`));
  return { session: session?.state, transcriptLength: transcript.length };
}

describe('malformed requests get a 4xx with a reason', () => {
  const cases: [string, unknown, RegExp][] = [
    ['broken JSON', '{"user": "u", "text": ', /not valid JSON/],
    ['no user', { text: 'hi' }, /user/],
    ['empty user', { user: '', text: 'hi' }, /user/],
    ['two kinds at once', { user: 'u', text: 'hi', choice: 'yes' }, /exactly one/],
    ['nothing to say', { user: 'u' }, /exactly one/],
    ['unknown field', { user: 'u', text: 'hi', admin: true }, /admin|Unrecognized/i],
    ['latitude out of range', { user: 'u', location: { lat: 200, lon: 0 } }, /lat/],
    ['an array', [1, 2], /expected object|body/i],
  ];
  it.each(cases)('%s', async (_name, body, reason) => {
    const res = await server.sim(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(reason);
  });

  it('a body that is not JSON at all', async () => {
    const res = await fetch(`${server.url}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/Expected \{"user"/);
  });
});

describe('messages the bot cannot use are answered and change nothing', () => {
  it('an unknown choice is answered in the user’s language and the question is asked again', async () => {
    const user = 'bad-1';
    await server.sim({ user, text: 'สวัสดี' });
    const before = await stored(user);
    const res = await server.sim({ user, choice: 'definitely-not-a-choice' });
    expect(res.status).toBe(200);
    expect(texts(res.body.replies)).toContain('ไม่เข้าใจ');
    expect(question(res.body.replies)?.expects?.key).toBe('in_danger_now');
    const after = await stored(user);
    expect(after.session?.answers).toEqual(before.session?.answers);
    expect(after.session?.node).toBe(before.session?.node);
  });

  it('a 10,000-character message is refused politely and not stored', async () => {
    const user = 'bad-2';
    await server.sim({ user, text: 'hello' });
    const before = await stored(user);
    const res = await server.sim({ user, text: 'x'.repeat(10_000) });
    expect(res.status).toBe(200);
    expect(texts(res.body.replies)).toMatch(/too long \(more than 2000 characters\)/);
    expect(question(res.body.replies)?.expects?.key).toBe('in_danger_now');
    const after = await stored(user);
    expect(after.transcriptLength).toBe(before.transcriptLength);
    expect(after.session).toEqual(before.session);
  });

  it('an empty message asks for an answer', async () => {
    const user = 'bad-3';
    await server.sim({ user, text: 'hello' });
    const res = await server.sim({ user, text: '   ' });
    expect(texts(res.body.replies)).toContain('empty');
    expect(question(res.body.replies)?.expects?.key).toBe('in_danger_now');
  });

  it('a text where a number is expected, then a number in Thai digits', async () => {
    const user = 'bad-4';
    await server.sim({ user, text: 'hello' });
    await server.sim({ user, choice: 'no' });
    await server.sim({ user, choice: 'missing' });
    const age = await server.sim({ user, text: 'Somchai' });
    expect(question(age.body.replies)?.expects).toEqual({ key: 'missing_age', type: 'number' });
    const wrong = await server.sim({ user, text: 'twenty' });
    expect(texts(wrong.body.replies)).toContain('write a number');
    const right = await server.sim({ user, text: '๑๗' });
    // What decides routing comes first: the country (relationship and last contact come after consent).
    expect(question(right.body.replies)?.expects?.key).toBe('current_country');
    const { session } = await stored(user);
    expect(session?.answers).toMatchObject({ missing_age: 17, age_group: 'child' });
  });

  it('a choice from a user the bot has never seen starts a conversation', async () => {
    const res = await server.sim({ user: 'stranger', choice: 'yes' });
    expect(res.status).toBe(200);
    expect(question(res.body.replies)?.expects?.key).toBe('lang');
  });

  it('a file type the bot does not take is answered, and stores nothing', async () => {
    const user = 'bad-5';
    await server.sim({ user, text: 'hello' });
    const res = await server.sim({ user, image: { name: 'a.exe', mime: 'application/x-msdownload', base64: Buffer.from('MZ').toString('base64') } });
    expect(texts(res.body.replies)).toContain('photo (JPEG, PNG) or a PDF');
  });

  it('the same message id twice is handled once', async () => {
    const user = 'bad-6';
    await server.sim({ user, text: 'hello' });
    const first = await server.sim({ user, id: 'm-1', choice: 'no' });
    const before = await stored(user);
    const again = await server.sim({ user, id: 'm-1', choice: 'no' });
    expect(first.body.replies.length).toBeGreaterThan(0);
    expect(again.body).toEqual({ replies: [], duplicate: true });
    expect(await stored(user)).toEqual(before);
  });
});

describe('free text where a button was expected', () => {
  it.each([
    ['yes', 'yes'],
    ['Yes!', 'yes'],
    ['ใช่ค่ะ', 'yes'],
    ['ไม่ใช่', 'no'],
    ['not sure', 'unsure'],
    ['ไม่แน่ใจ', 'unsure'],
    ['1', 'yes'],
  ])('%s means %s', async (typed, value) => {
    const user = `typed-${typed}`;
    await server.sim({ user, text: 'hello' });
    await server.sim({ user, text: typed });
    const { session } = await stored(user);
    expect(session?.answers.in_danger_now).toBe(value);
  });

  it('a country typed in Thai', async () => {
    const user = 'typed-country';
    await server.sim({ user, text: 'hello' });
    await server.sim({ user, choice: 'yes' });
    const res = await server.sim({ user, text: 'กัมพูชา' });
    expect(texts(res.body.replies)).toContain('117');
  });
});

describe('commands', () => {
  it('quick exit erases a chat with no ticket', async () => {
    const user = 'exit-1';
    await server.sim({ user, text: 'hello' });
    await server.sim({ user, choice: 'no' });
    const res = await server.sim({ user, text: 'EXIT' });
    expect(texts(res.body.replies)).toContain('erased');
    expect(await stored(user)).toEqual({ session: undefined, transcriptLength: 0 });
  });

  it('quick exit keeps the ticket of someone in danger, and /status tells its stage from the same chat only', async () => {
    const user = 'exit-2';
    await server.sim({ user, text: 'hello' });
    await server.sim({ user, choice: 'yes' });
    const emergency = await server.sim({ user, choice: 'TH' });
    const ref = emergency.body.replies.find((r) => r.ticket)!.ticket!.ref;

    const status = await server.sim({ user, text: '/status' });
    expect(texts(status.body.replies)).toContain(`${ref}`);
    expect(texts(status.body.replies)).toContain('received, waiting for staff');
    const other = await server.sim({ user: 'someone-else', text: 'hello' });
    const otherStatus = await server.sim({ user: 'someone-else', text: '/status' });
    expect(other.status).toBe(200);
    expect(texts(otherStatus.body.replies)).not.toContain(ref);

    const bye = await server.sim({ user, text: 'ออก' });
    expect(texts(bye.body.replies)).toContain(ref);
    expect(await server.services.store.getTicket(ref)).toBeDefined();
    expect((await stored(user)).session?.ended).toBe(true);
  });

  it('/status and /help work after the conversation ended, and /lang starts at the language question', async () => {
    const user = 'after-end';
    await server.sim({ user, text: 'hello' });
    await server.sim({ user, choice: 'yes' });
    const emergency = await server.sim({ user, choice: 'TH' });
    const ref = emergency.body.replies.find((r) => r.ticket)!.ticket!.ref;
    await server.sim({ user, text: '/exit' });
    const status = await server.sim({ user, text: '/status' });
    expect(texts(status.body.replies)).toContain(ref);
    expect(question(status.body.replies)).toBeUndefined();
    const help = await server.sim({ user, text: '/help' });
    expect(texts(help.body.replies)).toContain('/status');
    const lang = await server.sim({ user, text: '/lang' });
    expect(question(lang.body.replies)?.expects?.key).toBe('lang');
  });

  it('/lang changes the language and asks the same question again', async () => {
    const user = 'lang-1';
    await server.sim({ user, text: 'hello' });
    const menu = await server.sim({ user, text: '/lang' });
    expect(question(menu.body.replies)?.expects?.key).toBe('lang');
    const thai = await server.sim({ user, choice: 'th' });
    expect(question(thai.body.replies)?.expects?.key).toBe('in_danger_now');
    expect(texts(thai.body.replies)).toContain('อันตราย');
  });
});
