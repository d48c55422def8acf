/**
 * LINE end to end against our fake Messaging API: signed webhooks in, replies out through the
 * outbox, tickets and files in the store.
 */
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lineEvent } from './fakes/fake-line.ts';
import { lineEnv, pngBytes, postLine, startChannelApp, type Step, waitFor, queryDb } from './helpers/channel-app.ts';
import { playToTicket } from './helpers/play.ts';
import { useLineApp } from './helpers/line-app.ts';

const line = useLineApp();

function stepEvent(user: string, step: Step, image?: Buffer): Record<string, unknown> {
  if ('choice' in step) return lineEvent(user, { type: 'postback', postback: { data: `c=${step.choice}` } });
  if ('text' in step) return lineEvent(user, { type: 'message', message: { id: randomUUID(), type: 'text', text: step.text, quoteToken: 'q' } });
  const id = `img-${randomUUID()}`;
  line.fake.content.set(id, { bytes: image ?? pngBytes(), type: 'image/png' });
  return lineEvent(user, { type: 'message', message: { id, type: 'image', contentProvider: { type: 'line' }, quoteToken: 'q' } });
}

function query<T>(sql: string, ...args: unknown[]): T[] {
  return queryDb<T>(line.ctx, sql, ...args);
}

describe('LINE webhook', () => {
  it('plays a whole conversation to a ticket, with choices as quick replies and a photo stored with its SHA-256', async () => {
    const user = 'U1234567890abcdef';
    const photo = pngBytes('line-evidence');
    await line.send(lineEvent(user, { type: 'follow', follow: { isUnblocked: false } }));
    const ticket = await playToTicket(line.ctx.services, `line:${user}`, (step) => line.send(stepEvent(user, step, photo)));

    expect(ticket.channel).toBe('line');
    expect(ticket.userId).toBe(user);
    expect(ticket.language).toBe('en');
    expect(ticket.answers.nationality).toBe('KH');
    expect(ticket.referrals.length).toBeGreaterThan(0);
    // The person saw the reference.
    expect(line.fake.texts().some((t) => t.includes(ticket.ref))).toBe(true);
    // Choices went out as quick replies carrying c=<id>, with labels of at most 20 characters.
    const items = line.fake.delivered().flatMap((c) => c.messages.flatMap((m) => m.quickReply?.items ?? []));
    expect(items.some((i) => i.action.data === 'c=yes')).toBe(true);
    expect(items.every((i) => i.action.label.length <= 20)).toBe(true);
    expect(line.fake.delivered().every((c) => c.messages.length <= 5)).toBe(true);

    const attachments = await line.ctx.services.store.attachmentsOf(ticket.ref);
    expect(attachments).toHaveLength(1);
    expect(attachments[0]!.sha256).toBe(createHash('sha256').update(photo).digest('hex'));
    expect(attachments[0]!.mime).toBe('image/png');
  });

  it('answers a photo at a yes/no question and stores nothing of it (issue 10 item 17)', async () => {
    const user = 'Uphoto';
    const photo = pngBytes('unprompted');
    await line.send(lineEvent(user, { type: 'follow', follow: { isUnblocked: false } }));
    const transcriptBefore = query<{ n: number }>('SELECT COUNT(*) AS n FROM transcript WHERE session_id = ?', `line:${user}`)[0]!.n;
    await line.send(stepEvent(user, { media: true }, photo));
    expect(query('SELECT sha256 FROM attachments WHERE session_id = ?', `line:${user}`)).toEqual([]);
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM transcript WHERE session_id = ?', `line:${user}`)[0]!.n).toBe(transcriptBefore);
    // The person was told, and the question asked again.
    expect(line.fake.texts().at(-1)).toBeDefined();
    expect(line.fake.delivered().length).toBeGreaterThan(1);
  });

  it('answers a photo over MAX_UPLOAD_BYTES with a clear message and stores nothing', async () => {
    await line.ctx.close();
    line.ctx = await startChannelApp({ ...lineEnv(line.fake.origin), SIMULATOR: 'off', MAX_UPLOAD_BYTES: '2048' });
    const user = 'Ubig';
    await line.send(lineEvent(user, { type: 'follow', follow: { isUnblocked: false } }));
    const before = line.fake.texts().length;
    await line.send(stepEvent(user, { media: true }, Buffer.concat([pngBytes(), Buffer.alloc(4096)])));
    expect(query('SELECT 1 FROM attachments')).toEqual([]);
    expect(line.fake.texts().length).toBeGreaterThan(before);
    const t = line.ctx.services.definitions.translations.t('en');
    expect(line.fake.texts().slice(before).join('\n')).toContain(t('miss.file_too_large'));
  });

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    const body = { destination: 'Ubot', events: [lineEvent('Uevil', { type: 'message', message: { id: '1', type: 'text', text: 'hello' } })] };
    expect((await postLine(line.ctx.url, body, 'bm90IHRoZSBzaWduYXR1cmU=')).status).toBe(401);
    const res = await fetch(`${line.ctx.url}/webhooks/line`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(401);
    await line.ctx.idle();
    expect(query('SELECT * FROM inbox')).toEqual([]);
    expect(query('SELECT * FROM inbound_events')).toEqual([]);
    expect(query('SELECT * FROM sessions')).toEqual([]);
    expect(line.fake.calls).toEqual([]);
  });

  it('answers the console Verify request (no events) with 200', async () => {
    expect((await postLine(line.ctx.url, { destination: 'Ubot', events: [] })).status).toBe(200);
  });

  it('handles the same event twice only once', async () => {
    const event = lineEvent('Udup', { type: 'message', message: { id: 'm1', type: 'text', text: 'hello' } });
    await line.send(event);
    const calls = line.fake.delivered().length;
    expect(calls).toBeGreaterThan(0);
    await line.send({ ...event, deliveryContext: { isRedelivery: true } });
    await line.send(event, event);
    expect(line.fake.delivered().length).toBe(calls);
    expect(query('SELECT direction FROM transcript WHERE direction = ?', 'in')).toHaveLength(1);
  });

  it('pushes when the reply token is refused', async () => {
    line.fake.replyStatus = 400;
    await line.send(lineEvent('Upush', { type: 'message', message: { id: 'm2', type: 'text', text: 'hello' } }));
    expect(line.fake.calls[0]).toMatchObject({ kind: 'reply', status: 400 });
    const pushes = line.fake.delivered();
    expect(pushes.length).toBeGreaterThan(0);
    expect(pushes.every((c) => c.kind === 'push' && c.to === 'Upush')).toBe(true);
    expect(pushes[0]!.messages).toEqual(line.fake.calls[0]!.messages);
    expect(pushes[0]!.retryKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('uses the reply token when it works', async () => {
    await line.send(lineEvent('Ureply', { type: 'message', message: { id: 'm3', type: 'text', text: 'hello' } }));
    expect(line.fake.delivered()[0]!.kind).toBe('reply');
  });

  it('removes an unsent message from the transcript and marks a blocking user unreachable', async () => {
    const user = 'Uunsend';
    await line.send(lineEvent(user, { type: 'message', message: { id: 'secret-msg', type: 'text', text: 'hello' } }));
    expect(query('SELECT 1 FROM transcript WHERE message_id = ?', 'secret-msg')).toHaveLength(1);
    await line.send(lineEvent(user, { type: 'unsend', unsend: { messageId: 'secret-msg' }, replyToken: undefined }));
    expect(query('SELECT 1 FROM transcript WHERE message_id = ?', 'secret-msg')).toHaveLength(0);

    await line.send(lineEvent(user, { type: 'unfollow', replyToken: undefined }));
    expect(query<{ unreachable: number }>('SELECT unreachable FROM sessions WHERE id = ?', `line:${user}`)).toEqual([{ unreachable: 1 }]);
    await line.send(lineEvent(user, { type: 'follow', follow: { isUnblocked: true } }));
    expect(query<{ unreachable: number }>('SELECT unreachable FROM sessions WHERE id = ?', `line:${user}`)).toEqual([{ unreachable: 0 }]);
  });

  it('starts in the language of the LINE profile', async () => {
    line.fake.profileLanguage = 'th';
    await line.send(lineEvent('Uthai', { type: 'follow', follow: { isUnblocked: false } }));
    await waitFor(() => line.fake.delivered().length > 0);
    const session = query<{ state: string }>('SELECT state FROM sessions WHERE id = ?', 'line:Uthai')[0]!;
    expect(JSON.parse(session.state).lang).toBe('th');
  });
});
