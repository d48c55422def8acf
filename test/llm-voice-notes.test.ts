/**
 * Voice notes (issue 13 item 5) on Telegram and LINE against their fakes and the fake model
 * server: the audio is kept as an attachment with its SHA-256, its transcript is the person's
 * answer, and a model that fails leaves the person answered within the timeout.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fakes/fake-openai.ts';
import { lineEvent, startFakeLine, type FakeLine } from './fakes/fake-line.ts';
import { type FakeTelegram, startFakeTelegram, tgMessage } from './fakes/fake-telegram.ts';
import { type ChannelApp, lineEnv, postLine, queryDb, startChannelApp, TELEGRAM_SECRET, TELEGRAM_TOKEN } from './helpers/channel-app.ts';

/** An Ogg Opus file's first bytes and a tag the fake "model" hears as words. */
const ogg = (words: string) => Buffer.concat([Buffer.from('OggS\0\x02\0\0\0\0\0\0\0\0', 'latin1'), Buffer.from(`|${words}|`)]);
/** An m4a (ISO base media) file's first bytes, as LINE sends audio. */
const m4a = (words: string) => Buffer.concat([Buffer.from('\0\0\0\x20ftypM4A \0\0\0\0', 'latin1'), Buffer.from(`|${words}|`)]);
/** An MP3 file's first bytes (an ID3 tag). */
const mp3 = (words: string) => Buffer.concat([Buffer.from('ID3\x04\0\0\0\0\0\0', 'latin1'), Buffer.from(`|${words}|`)]);

/** The files under the data folder's file store. */
async function storedFiles(dataDir: string): Promise<string[]> {
  const dir = path.join(dataDir, 'files');
  return (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).map((e) => e.name);
}

let model: FakeOpenAI;
beforeAll(async () => {
  model = await startFakeOpenAI();
  // The "model" hears the words between bars.
  model.transcript = (hit) => /\|([^|]+)\|/.exec(hit.raw.toString('utf8'))?.[1] ?? '';
});
afterAll(async () => model.close());
afterEach(() => {
  model.hits = [];
  model.faults = [];
});

const llmEnv = (features = 'transcribe', timeout = '1500') => ({ LLM_BASE_URL: model.url, LLM_TRANSCRIBE_MODEL: 'whisper-test', LLM_FEATURES: features, LLM_TIMEOUT_MS: timeout });

describe('Telegram voice', () => {
  let tg: FakeTelegram;
  let ctx: ChannelApp;
  const start = async (env: Record<string, string>) => {
    tg = await startFakeTelegram(TELEGRAM_TOKEN);
    ctx = await startChannelApp({ TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET, SIMULATOR: 'off', ...env });
  };
  afterEach(async () => {
    await ctx?.close();
    await tg?.close();
  });
  const post = async (update: unknown) => {
    const res = await fetch(`${ctx.url}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }, body: JSON.stringify(update) });
    expect(res.status).toBe(200);
    await ctx.idle();
  };
  const voice = (update: number, user: number, bytes: Buffer) => {
    const id = `voice-${update}`;
    tg.files.set(id, { bytes, path: `voice/file_${update}.oga` });
    return tgMessage(update, user, { voice: { file_id: id, file_unique_id: id, duration: 2, mime_type: 'audio/ogg', file_size: bytes.length } }, 'en');
  };

  it('keeps the voice note with its SHA-256 and answers the question with its transcript', async () => {
    await start(llmEnv());
    await post(tgMessage(1, 801, { text: 'hello' }, 'en'));
    const note = ogg('No');
    await post(voice(2, 801, note));

    const files = queryDb<{ sha256: string; mime: string; size: number }>(ctx, 'SELECT sha256, mime, size FROM attachments');
    expect(files).toEqual([{ sha256: createHash('sha256').update(note).digest('hex'), mime: 'audio/ogg', size: note.length }]);
    const session = await ctx.services.store.transaction((tx) => tx.getSession('telegram:801'));
    expect(session?.state.answers.in_danger_now).toBe('no');
    const rows = queryDb<{ body: string }>(ctx, "SELECT body FROM transcript WHERE direction = 'in' ORDER BY id");
    expect(JSON.parse(rows.at(-1)!.body)).toMatchObject({ mime: 'audio/ogg', transcript: 'No' });
    // The audio went to the transcription endpoint with the configured model.
    const hit = model.hits.find((h) => h.kind === 'audio');
    expect(hit && 'model' in hit ? hit.model : undefined).toBe('whisper-test');
    expect((await ctx.services.store.recentLlmCalls(1))[0]).toMatchObject({ feature: 'transcribe', outcome: 'ok' });
  });

  it('a model that hangs: the person is asked to type, within the timeout, and the audio is kept', async () => {
    await start(llmEnv('transcribe', '800'));
    await post(tgMessage(1, 802, { text: 'hello' }, 'en'));
    model.faults = ['hang'];
    const started = Date.now();
    await post(voice(2, 802, ogg('Yes')));
    expect(Date.now() - started).toBeLessThan(800 + 1500);
    // Said, then the question again, as one message (a turn goes as one on Telegram).
    expect(tg.sent.at(-1)?.text ?? '').toContain('could not understand your voice message');
    const session = await ctx.services.store.transaction((tx) => tx.getSession('telegram:802'));
    expect(session?.state.answers.in_danger_now).toBeUndefined();
    expect(queryDb(ctx, 'SELECT id FROM attachments')).toHaveLength(1);
    expect((await ctx.services.store.recentLlmCalls(1))[0]?.outcome).toBe('timeout');
  });

  it('"exit" said in a voice note is the quick exit: the chat and the audio are erased', async () => {
    await start(llmEnv());
    await post(tgMessage(1, 804, { text: 'hello' }, 'en'));
    await post(voice(2, 804, ogg('exit')));
    expect(tg.sent.at(-1)?.text ?? '').toBe(ctx.services.definitions.translations.t('en')('exit.erased'));
    expect(await ctx.services.store.transaction((tx) => tx.getSession('telegram:804'))).toBeUndefined();
    expect(queryDb(ctx, 'SELECT id FROM attachments')).toEqual([]);
    expect(await storedFiles(ctx.dataDir)).toEqual([]);
  });

  it('danger said in a voice note takes the danger path, as typed words would', async () => {
    await start(llmEnv());
    await post(tgMessage(1, 807, { text: 'hello' }, 'en'));
    await post(voice(2, 807, ogg('I am locked in a room, please help me')));
    const t = ctx.services.definitions.translations.t('en');
    expect(tg.sent.map((m) => m.text).join('\n')).toContain(t('danger.understood'));
    const session = await ctx.services.store.transaction((tx) => tx.getSession('telegram:807'));
    expect(session?.state.answers.in_danger_now).toBe('yes');
  });

  it.each([
    ['an audio file', (id: string, bytes: Buffer) => ({ audio: { file_id: id, file_unique_id: id, duration: 2, mime_type: 'audio/mpeg', file_name: 'note.mp3', file_size: bytes.length } }), mp3],
    ['a video note', (id: string, bytes: Buffer) => ({ video_note: { file_id: id, file_unique_id: id, length: 240, duration: 2, file_size: bytes.length } }), m4a],
  ] as const)('%s is taken as a voice note', async (_name, fields, make) => {
    await start(llmEnv());
    await post(tgMessage(1, 805, { text: 'hello' }, 'en'));
    const bytes = make('No');
    tg.files.set('spoken-2', { bytes, path: 'music/file_2' });
    await post(tgMessage(2, 805, fields('spoken-2', bytes), 'en'));
    const session = await ctx.services.store.transaction((tx) => tx.getSession('telegram:805'));
    expect(session?.state.answers.in_danger_now).toBe('no');
    expect(queryDb<{ sha256: string }>(ctx, 'SELECT sha256 FROM attachments')).toEqual([{ sha256: createHash('sha256').update(bytes).digest('hex') }]);
  });

  it('a voice event handled twice (the inbound queue tries a failed row again) is transcribed once', async () => {
    await start(llmEnv());
    await post(tgMessage(1, 806, { text: 'hello' }, 'en'));
    const file = await ctx.services.files.save(ogg('No'), 'audio/ogg', null);
    const msg = { channel: 'telegram', userId: '806', eventId: 'voice-twice', messageId: '2', content: { type: 'media' as const, file } };
    expect((await ctx.services.conversation.handle(msg)).duplicate).toBe(false);
    expect((await ctx.services.conversation.handle(msg)).duplicate).toBe(true);
    expect(model.hits.filter((h) => h.kind === 'audio')).toHaveLength(1);
  });

  it('with transcribe off, a voice note is answered as before: nothing stored, no request', async () => {
    await start({ LLM_BASE_URL: model.url, LLM_MODEL: 'm', LLM_FEATURES: 'summary' });
    await post(tgMessage(1, 803, { text: 'hello' }, 'en'));
    await post(voice(2, 803, ogg('Yes')));
    expect(queryDb(ctx, 'SELECT id FROM attachments')).toEqual([]);
    expect(model.hits).toEqual([]);
  });
});

describe('LINE audio', () => {
  let line: FakeLine;
  let ctx: ChannelApp;
  afterEach(async () => {
    await ctx?.close();
    await line?.close();
  });

  it('keeps the audio with its SHA-256 and uses its transcript as the person\'s text', async () => {
    line = await startFakeLine();
    ctx = await startChannelApp({ ...lineEnv(line.origin), SIMULATOR: 'off', ...llmEnv() });
    const user = 'Uvoice';
    const send = async (...events: Record<string, unknown>[]) => {
      expect((await postLine(ctx.url, { destination: 'Ubot', events })).status).toBe(200);
      await ctx.idle();
    };
    await send(lineEvent(user, { type: 'message', message: { id: randomUUID(), type: 'text', text: 'hello', quoteToken: 'q' } }));
    const note = m4a('Yes');
    const id = `audio-${randomUUID()}`;
    line.content.set(id, { bytes: note, type: 'audio/x-m4a' });
    await send(lineEvent(user, { type: 'message', message: { id, type: 'audio', duration: 2000, contentProvider: { type: 'line' } } }));

    const files = queryDb<{ sha256: string; mime: string }>(ctx, 'SELECT sha256, mime FROM attachments');
    expect(files).toEqual([{ sha256: createHash('sha256').update(note).digest('hex'), mime: 'audio/mp4' }]);
    const session = await ctx.services.store.transaction((tx) => tx.getSession(`line:${user}`));
    expect(session?.state.answers.in_danger_now).toBe('yes');
  });
});
