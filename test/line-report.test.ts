/**
 * LINE against the fake Messaging API: the quick exit's goodbye tells the truth (issue 10 item 4d),
 * unblocking resumes the conversation (item 10), and unsending a message takes its answer back
 * (item 15).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lineEvent } from './fakes/fake-line.ts';
import { lastQuestion, postLine, queryDb, type Step, waitFor } from './helpers/channel-app.ts';
import { playToTicket } from './helpers/play.ts';
import { useLineApp } from './helpers/line-app.ts';

const line = useLineApp();

const text = (user: string, body: string, id: string = randomUUID()) => lineEvent(user, { type: 'message', message: { id, type: 'text', text: body, quoteToken: 'q' } });
const tap = (user: string, choice: string) => lineEvent(user, { type: 'postback', postback: { data: `c=${choice}` } });
const stepEvent = (user: string, step: Step, id?: string) => ('choice' in step ? tap(user, step.choice) : 'text' in step ? text(user, step.text, id) : text(user, 'skip'));
const session = async (user: string) => (await line.ctx.services.store.transaction((tx) => tx.getSession(`line:${user}`)))?.state;
const en = () => line.ctx.services.definitions.translations.t('en');

describe('the quick exit on LINE (issue 10 item 4d)', () => {
  it('says what was erased and how to delete the chat in LINE, when there was no case', async () => {
    const user = 'Uexit-none';
    await line.send(lineEvent(user, { type: 'follow', follow: { isUnblocked: false } }));
    await line.send(tap(user, 'no'));
    await line.send(text(user, 'EXIT'));
    const bye = await waitFor(() => line.fake.texts().at(-1) === en()('exit_line.erased') && line.fake.texts().at(-1), 15_000, 'the goodbye');
    // LINE cannot delete the messages on the phone: the goodbye does not pretend it did.
    expect(bye).not.toContain(en()('exit.erased'));
    expect(bye).toMatch(/press and hold/);
  });

  it('never repeats the reference in the goodbye of a chat with a case', async () => {
    const user = 'Uexit-case';
    await line.send(lineEvent(user, { type: 'follow', follow: { isUnblocked: false } }));
    const ticket = await playToTicket(line.ctx.services, `line:${user}`, (step) => line.send(stepEvent(user, step)), { media: false });
    await line.send(text(user, 'EXIT'));
    const bye = await waitFor(() => line.fake.texts().at(-1) === en()('exit_line.closed') && line.fake.texts().at(-1), 15_000, 'the goodbye');
    expect(bye).not.toContain(ticket.ref);
    expect(bye).toContain('Delete');
  });
});

describe('the quick exit on LINE while LINE is down (issue 10 item 4a)', () => {
  it('cancels the replies still waiting: after recovery only the goodbye arrives', async () => {
    const user = 'Uexit-pending';
    await line.send(lineEvent(user, { type: 'follow', follow: { isUnblocked: false } }));
    await line.send(tap(user, 'no'));
    await line.send(tap(user, 'missing'));
    for (let i = 0; i < 5 && (await lastQuestion(line.ctx.services, `line:${user}`))?.expects?.key !== 'missing_name'; i++) {
      const q = (await lastQuestion(line.ctx.services, `line:${user}`))!;
      await line.send(tap(user, q.choices?.[0]?.id ?? 'skip'));
    }
    expect((await lastQuestion(line.ctx.services, `line:${user}`))?.expects?.key).toBe('missing_name');

    // LINE stops accepting messages: the answers to what the person writes now wait in the outbox.
    line.fake.replyStatus = 500;
    line.fake.pushFailures.push(...Array.from({ length: 1000 }, () => ({ status: 500 })));
    const before = line.fake.delivered().length;
    await postLine(line.ctx.url, { destination: 'Ubot', events: [text(user, 'Ko Aung Min')] });
    await waitFor(() => queryDb(line.ctx, `SELECT 1 FROM outbox WHERE recipient = ? AND status = 'pending'`, user).length > 0, 15_000, 'a waiting reply');
    await postLine(line.ctx.url, { destination: 'Ubot', events: [text(user, 'EXIT')] });
    await waitFor(() => queryDb(line.ctx, 'SELECT 1 FROM sessions WHERE id = ?', `line:${user}`).length === 0, 15_000, 'the exit');

    // LINE is back: the goodbye goes out, and nothing that was waiting before the exit.
    line.fake.replyStatus = 200;
    line.fake.pushFailures.length = 0;
    await waitFor(() => line.fake.texts().includes(en()('exit_line.erased')), 20_000, 'the goodbye');
    await line.ctx.idle();
    const after = line.fake.delivered().slice(before).flatMap((c) => c.messages.map((m) => m.text));
    expect(after).toEqual([en()('exit_line.erased')]);
    expect(queryDb(line.ctx, `SELECT 1 FROM outbox WHERE recipient = ? AND status = 'pending'`, user)).toEqual([]);
  });
});

describe('unblocking on LINE (issue 10 item 10)', () => {
  it('resumes where the person was instead of starting again', async () => {
    const user = 'Ublocker';
    await line.send(lineEvent(user, { type: 'follow', follow: { isUnblocked: false } }));
    await line.send(tap(user, 'no'));
    await line.send(tap(user, 'help_me'));
    const before = await session(user);
    const asked = (await lastQuestion(line.ctx.services, `line:${user}`))!.expects!.key;
    expect(before?.answers).toMatchObject({ in_danger_now: 'no' });
    const sent = line.fake.delivered().length;

    await line.send(lineEvent(user, { type: 'unfollow' }));
    await line.send(lineEvent(user, { type: 'follow', follow: { isUnblocked: true } }));
    expect(await session(user)).toEqual(before);
    // Nothing pops up on a phone someone may be looking at.
    expect(line.fake.delivered().length).toBe(sent);

    // Their next answer goes on from the same question.
    const next = await lastQuestion(line.ctx.services, `line:${user}`);
    expect(next!.expects!.key).toBe(asked);
  });

  it('a new friend (not an unblock) is greeted as before', async () => {
    await line.send(lineEvent('Unewfriend', { type: 'follow', follow: { isUnblocked: false } }));
    expect((await lastQuestion(line.ctx.services, 'line:Unewfriend'))?.expects).toBeDefined();
  });
});

describe('unsend on LINE (issue 10 item 15)', () => {
  it('takes the answer back from the session, the ticket and the summary, with an audit row', async () => {
    const user = 'Uunsend';
    const place = 'Samut Sakhon, a fish factory';
    await line.send(lineEvent(user, { type: 'follow', follow: { isUnblocked: false } }));
    const messageId = 'msg-location-1';
    const ticket = await playToTicket(
      line.ctx.services,
      `line:${user}`,
      async (step) => {
        const key = (await lastQuestion(line.ctx.services, `line:${user}`))?.expects?.key;
        await line.send(stepEvent(user, step, key === 'location' ? messageId : undefined));
      },
      { media: false },
    );
    expect(JSON.stringify(ticket.answers.location)).toContain(place);

    await line.send(lineEvent(user, { type: 'unsend', unsend: { messageId } }));
    const after = (await line.ctx.services.store.getTicket(ticket.ref))!;
    expect(after.answers.location).toBeUndefined();
    expect((await session(user))?.answers.location).toBeUndefined();
    expect(JSON.stringify(await line.ctx.services.store.transcriptOf(`line:${user}`))).not.toContain(place);
    const audit = (await line.ctx.services.store.auditOf(ticket.ref)).find((a) => a.action === 'message.unsent');
    expect(audit).toMatchObject({ actor: 'reporter', detail: { answers: ['location'] } });
    // The audit says which question, never what was written.
    expect(JSON.stringify(audit)).not.toContain('Samut');
    // Other answers stay.
    expect(after.answers.nationality).toBe(ticket.answers.nationality);
  });
});
