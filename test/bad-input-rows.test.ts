/**
 * Issue 10 item 17: bad input changes nothing. Each input below is answered (the question again),
 * and leaves no transcript row, no attachment row or file, and the session's answers and place as
 * they were. The simulator tells an image's type from its bytes, and its idempotency id is per user.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBytes, queryDb } from './helpers/channel-app.ts';
import { question, startServer, type TestServer } from './helpers/server.ts';
import { FISHING_BOAT, ticketFrom } from './helpers/staff.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

/** Everything stored of a simulator user. */
function rows(user: string) {
  const sessionId = `sim:${user}`;
  const [session] = queryDb<{ state: string }>(server, 'SELECT state FROM sessions WHERE id = ?', sessionId);
  const state = session ? (JSON.parse(session.state) as { node: string; flow: string; answers: unknown; skipped: unknown }) : undefined;
  return {
    transcript: queryDb(server, 'SELECT id FROM transcript WHERE session_id = ?', sessionId).length,
    attachments: queryDb(server, 'SELECT id FROM attachments WHERE session_id = ?', sessionId).length,
    place: state && { flow: state.flow, node: state.node, answers: state.answers, skipped: state.skipped },
  };
}

/** Files in the data folder's file store (anything that is not the database). */
function storedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (!e.name.startsWith('tangrod.db')) out.push(path.join(dir, e.name));
    }
  };
  walk(server.dataDir);
  return out;
}

const png = pngBytes('bad-input').toString('base64');
const BAD: [string, Record<string, unknown>][] = [
  ['an unknown choice', { choice: 'definitely-not-a-choice' }],
  ['empty text', { text: '   ' }],
  ['a location at a yes/no question', { location: { lat: 13.7, lon: 100.5 } }],
  ['a photo at a yes/no question', { image: { name: 'x.png', mime: 'image/png', base64: png } }],
  ['an over-long command', { text: `/start ${'x'.repeat(300)}` }],
  ['an unknown command', { text: '/deleteall' }],
  ['a program declared as a PNG', { image: { name: 'x.png', mime: 'image/png', base64: Buffer.from('MZ\x90\x00 this is not a picture').toString('base64') } }],
];

describe('bad input leaves no rows (issue 10 item 17)', () => {
  it.each(BAD)('%s', async (name, input) => {
    const user = `rows-${name.replace(/\W+/g, '-')}`;
    await server.sim({ user, text: 'hello' });
    const before = rows(user);
    const filesBefore = storedFiles().length;
    expect(before.place?.node).toBeDefined();
    const res = await server.sim({ user, ...input });
    expect(res.status).toBe(200);
    // Answered, and asked again.
    expect(res.body.replies.length).toBeGreaterThan(0);
    expect(question(res.body.replies)?.expects?.key).toBe('in_danger_now');
    expect(rows(user)).toEqual(before);
    expect(storedFiles().length).toBe(filesBefore);
    // The conversation goes on as if nothing happened.
    const next = await server.sim({ user, choice: 'no' });
    expect(question(next.body.replies)?.expects?.key).not.toBe('in_danger_now');
  });
});

describe('the simulator', () => {
  it('tells an image by its bytes: a PNG declared as a JPEG is stored as a PNG', async () => {
    const bytes = pngBytes('declared-jpeg');
    const ref = await ticketFrom(server, 'sniff', { ...FISHING_BOAT, evidence: { image: { name: 'photo.jpg', mime: 'image/jpeg', base64: bytes.toString('base64') } } });
    expect((await server.services.store.attachmentsOf(ref)).map((a) => a.mime)).toEqual(['image/png']);
  });

  it('keeps idempotency ids per user: two users may both send "m-1"', async () => {
    await server.sim({ user: 'idem-a', text: 'hello' });
    await server.sim({ user: 'idem-b', text: 'hello' });
    const a = await server.sim({ user: 'idem-a', id: 'm-1', choice: 'no' });
    const b = await server.sim({ user: 'idem-b', id: 'm-1', choice: 'no' });
    expect(a.body.duplicate).toBeUndefined();
    expect(b.body.duplicate).toBeUndefined();
    expect(question(b.body.replies)?.expects?.key).toBe(question(a.body.replies)?.expects?.key);
    // The same user's repeat is still one message.
    expect((await server.sim({ user: 'idem-b', id: 'm-1', choice: 'no' })).body).toEqual({ replies: [], duplicate: true });
  });
});
