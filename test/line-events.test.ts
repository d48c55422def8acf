/**
 * LINE events that arrive together, and events without a webhookEventId, over real HTTP against
 * the fake Messaging API.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lineEvent } from './fakes/fake-line.ts';
import { postLine } from './helpers/channel-app.ts';
import { useLineApp } from './helpers/line-app.ts';

const line = useLineApp();

const text = (user: string, t: string) => lineEvent(user, { type: 'message', message: { id: randomUUID(), type: 'text', text: t, quoteToken: 'q' } });

describe('LINE reply tokens', () => {
  it('answers two events of one chat in one webhook request each with its own token, without a push', async () => {
    const user = 'Utogether';
    const first = text(user, 'hello');
    const second = text(user, '/help');
    expect((await postLine(line.ctx.url, { destination: 'Ubot', events: [first, second] })).status).toBe(200);
    await line.ctx.idle();

    expect(line.fake.calls.filter((c) => c.kind === 'push')).toEqual([]);
    const replies = line.fake.calls.filter((c) => c.kind === 'reply');
    expect(replies.map((c) => c.status)).toEqual([200, 200]);
    // Each token spent once, in order: the first event's answer with the first event's token.
    expect(replies.map((c) => c.replyToken)).toEqual([first.replyToken, second.replyToken]);
    const outs = (await line.ctx.services.store.transcriptOf(`line:${user}`)).filter((t) => t.direction === 'out').map((t) => (t.body as { text: string }).text);
    // The first answer is the report's opening; /help answers outside any report (not in its transcript).
    expect(replies[0]!.messages.map((m) => m.text)).toEqual(outs);
    expect(replies[1]!.messages[0]!.text).toBe(line.ctx.services.definitions.translations.t('en')('help.text'));
  });

  it('answers a burst of events of one chat (text and more at once) all by reply', async () => {
    const user = 'Uburst';
    const events = [text(user, 'hello'), ...['a', 'b', 'c'].map((t) => text(user, `/status ${t}`))];
    await postLine(line.ctx.url, { destination: 'Ubot', events });
    await line.ctx.idle();
    expect(line.fake.calls.filter((c) => c.kind === 'push')).toEqual([]);
    expect(new Set(line.fake.calls.map((c) => c.replyToken)).size).toBe(line.fake.calls.length);
  });
});

describe('LINE de-duplication without webhookEventId', () => {
  it('handles an event once when it comes again as a redelivery', async () => {
    const user = 'Unoid';
    const { webhookEventId: _none, ...event } = text(user, 'hello');
    await postLine(line.ctx.url, { destination: 'Ubot', events: [event] });
    await line.ctx.idle();
    const answered = line.fake.delivered().length;
    expect(answered).toBeGreaterThan(0);

    // LINE's redelivery: the same event, flagged as such, with its keys in another order.
    const again = Object.fromEntries(Object.entries({ ...event, deliveryContext: { isRedelivery: true } }).reverse());
    await postLine(line.ctx.url, { destination: 'Ubot', events: [again] });
    await line.ctx.idle();
    expect(line.fake.delivered().length).toBe(answered);
    expect((await line.ctx.services.store.transcriptOf(`line:${user}`)).filter((t) => t.direction === 'in')).toHaveLength(1);
  });
});
