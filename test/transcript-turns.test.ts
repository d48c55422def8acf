/**
 * A turn's answers are one transcript row (decision 0035), and everyone who reads the transcript
 * still sees each answer: the ticket view, the person's data export, the last question asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDb } from './helpers/channel-app.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

describe('the transcript of a turn with several answers', () => {
  it('is one row, read back as the answers the person was sent, in order', async () => {
    const user = 'turn-rows';
    const first = await server.sim({ user, text: 'hello' });
    expect(first.status).toBe(200);
    const sent = first.body.replies.map((r) => r.text);
    expect(sent.length).toBeGreaterThan(1);

    const outRows = queryDb(server, `SELECT id FROM transcript WHERE session_id = ? AND direction = 'out'`, `sim:${user}`);
    expect(outRows).toHaveLength(1);
    const transcript = await server.services.store.transcriptOf(`sim:${user}`);
    expect(transcript.map((t) => t.direction)).toEqual(['in', ...sent.map(() => 'out')]);
    expect(transcript.filter((t) => t.direction === 'out').map((t) => (t.body as { text: string }).text)).toEqual(sent);
    // The last answer is the question the bot waits on: what a resumed chat asks again.
    expect(await server.services.store.transaction((tx) => tx.lastOutbound(`sim:${user}`))).toMatchObject({ text: sent.at(-1), expects: expect.anything() });
  });
});
