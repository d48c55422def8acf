/**
 * Stories into answers in the conversation (issue 13 item 2), through the simulator's HTTP API
 * against the fake model server: a story told in Khmer is read back in our own Khmer strings in the
 * answer to that very message, one proposal at a time with buttons; only what the person taps is
 * stored, in the session and on the ticket; questions a proposal answered are passed; a model that
 * reads danger takes the danger path; and off, failing or slow, the conversation goes on as before.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/conversation/reply.ts';
import { Stories } from '../src/conversation/story.ts';
import { initialState } from '../src/flow/engine.ts';
import { loadFlows } from '../src/flow/load.ts';
import type { SessionState } from '../src/flow/types.ts';
import { TranslationLexicon } from '../src/i18n/lexicon.ts';
import { readLocales, Translations } from '../src/i18n/locales.ts';
import { type ChatHit, type FakeOpenAI, startFakeOpenAI, userText } from './fakes/fake-openai.ts';
import { type FakeTelegram, startFakeTelegram, tgCallback, tgMessage } from './fakes/fake-telegram.ts';
import { type ChannelApp, lineEnv, postLine, startChannelApp, TELEGRAM_SECRET, TELEGRAM_TOKEN } from './helpers/channel-app.ts';
import { type FakeLine, lineEvent, startFakeLine } from './fakes/fake-line.ts';
import { question, startServer, type TestServer, texts } from './helpers/server.ts';

const translations = new Translations(readLocales('locales'));
const km = translations.t('km');
const flows = loadFlows('flows');
const lexicon = new TranslationLexicon(translations);

// "I came to work at a factory. The boss kept my passport. They have not paid me for three months. I work 16 hours a day."
const STORY = 'ខ្ញុំមកធ្វើការនៅរោងចក្រ។ ថៅកែយកលិខិតឆ្លងដែនរបស់ខ្ញុំទុក។ គេមិនបើកប្រាក់ខែឱ្យខ្ញុំបីខែហើយ។ ខ្ញុំធ្វើការ១៦ម៉ោងក្នុងមួយថ្ងៃ។';

/** What the fake "model" reads in {@link STORY}: three fair proposals and three that must be dropped. */
const MODEL_ANSWER = {
  danger: false,
  answers: [
    { key: 'wages_withheld', value: 'yes', evidence: 'គេមិនបើកប្រាក់ខែឱ្យខ្ញុំបីខែហើយ' },
    { key: 'documents_taken', value: 'yes', evidence: 'ថៅកែយកលិខិតឆ្លងដែនរបស់ខ្ញុំទុក' },
    { key: 'deceived_about_job', value: 'yes', evidence: 'ខ្ញុំមកធ្វើការនៅរោងចក្រ' },
    // Dropped: a key the dictionary does not know, a value it does not allow, consent.
    { key: 'boss_mood', value: 'angry', evidence: 'ថៅកែ' },
    { key: 'debt_bondage', value: 'probably', evidence: 'ថៅកែ' },
    { key: 'consent_share', value: 'yes', evidence: 'ថៅកែ' },
  ],
};

let model: FakeOpenAI;
beforeAll(async () => {
  model = await startFakeOpenAI();
});
afterAll(async () => model.close());
afterEach(() => {
  model.hits = [];
  model.faults = [];
  model.always = undefined;
  model.respond = () => ({ danger: false, answers: [] });
});

const llmEnv = (features = 'extract', timeout = '1500') => ({ LLM_BASE_URL: model.url, LLM_MODEL: 'story-test', LLM_FEATURES: features, LLM_TIMEOUT_MS: timeout, LLM_REDACT: 'on' });

describe('what is a story (read by the model) and what is an answer', () => {
  const stories = new Stories(flows, lexicon, { enabled: true, extract: async () => undefined });
  const at = (where: string, extra: Partial<SessionState> = {}): SessionState => {
    const [flow, node] = where.split('/') as [string, string];
    return { ...initialState(flows, { lang: 'en' }), flow, node, ...extra };
  };
  const LONG = 'I came for a job in a factory, but the boss keeps everything and shouts every day';
  it.each([
    ['victim/ask_happened', 'They took my passport.', true],
    ['victim/ask_happened', 'passport', false],
    ['family/ask_signs', 'They want money to let him go', true],
    ['message/ask_message', 'I need help with my boss', true],
    ['witness/ask_account', 'I saw children working at night', true],
    ['victim/ask_country', 'Thailand', false],
    ['victim/ask_country', 'I am from Myanmar and I work in Thailand at a factory', true],
    ['victim/ask_country', LONG, true],
    ['victim/ask_documents', LONG, true],
    ['finish/ask_consent_scope', `${LONG}, yes send it`, false],
    ['finish/ask_consent', `${LONG}, yes send it`, false],
    ['entry/ask_menu', LONG, false],
    ['entry/ask_lang', LONG, false],
    ['danger/confirm', LONG, false],
  ] as const)('%s: "%s" -> %s', (where, text, expected) => {
    expect(stories.isStory(at(where), text)).toBe(expected);
  });
  it.each([
    ['ended', { ended: true }],
    ['at a read-back', { confirming: { key: 'current_country', value: 'TH', required: false, resume: 'next' as const } }],
    ['choosing a language', { choosingLanguage: true }],
  ])('never %s', (_name, extra) => {
    expect(stories.isStory(at('victim/ask_happened', extra), LONG)).toBe(false);
  });
});

describe('a story in Khmer', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(llmEnv());
  });
  afterAll(async () => s.close());

  const say = async (user: string, msg: { text: string } | { choice: string }) => {
    const res = await s.sim({ user, ...msg });
    expect(res.status).toBe(200);
    return res.body.replies;
  };
  const answers = async (user: string) => (await s.services.store.transaction((tx) => tx.getSession(`sim:${user}`)))!.state.answers;
  /** Khmer, not in danger, "help for me", in Thailand, Cambodian, an adult: at "what happened?". */
  const toWhatHappened = async (user: string) => {
    expect(question(await say(user, { text: 'សួស្តី' }))?.expects?.key).toBe('in_danger_now');
    await say(user, { choice: 'no' });
    await say(user, { choice: 'help_me' });
    await say(user, { choice: 'TH' });
    await say(user, { choice: 'KH' });
    expect(question(await say(user, { choice: 'adult' }))?.expects?.key).toBe('happened');
  };

  it('is read back in Khmer, confirmed twice and corrected once; the session and the ticket hold what was tapped', async () => {
    const user = 'story-km-1';
    await toWhatHappened(user);
    model.respond = () => MODEL_ANSWER;

    // The answer to the story itself reads back what was understood, in our Khmer strings.
    let replies = await say(user, { text: STORY });
    expect(model.chats()).toHaveLength(1);
    const list = replies.find((r) => r.text.startsWith(km('story.understood')))!;
    expect(list.text).toContain(`${km('summary.label.deceived_about_job')}${km('format.label')}${km('value.yesno.yes')}`);
    expect(list.text).toContain(km('summary.label.documents_taken'));
    expect(list.text).toContain(km('summary.label.wages_withheld'));
    // Unknown keys and values, and consent, were dropped: they are not read back.
    expect(list.text).not.toContain(km('summary.label.debt_bondage'));
    expect(list.text).not.toContain(km('summary.label.consent_share'));
    expect(list.text).not.toMatch(/boss_mood|angry|probably/);
    // No model text: every line is ours (the story's words are not quoted back either).
    expect(texts(replies)).not.toContain('ថៅកែ');
    // One at a time, in dictionary order, with the key's values as buttons.
    let q = question(replies)!;
    expect(q.expects?.key).toBe('deceived_about_job');
    expect(q.text).toBe(km('story.check', { answer: `${km('summary.label.deceived_about_job')}${km('format.label')}${km('value.yesno.yes')}`, value: km('value.yesno.yes') }));
    expect(q.choices?.map((c) => c.id)).toEqual(['yes', 'no', 'unsure', 'skip']);
    // Nothing is stored before a tap.
    expect(await answers(user)).not.toHaveProperty('documents_taken');
    expect(await answers(user)).not.toHaveProperty('deceived_about_job');

    // Corrected: the job was as promised.
    q = question(await say(user, { choice: 'no' }))!;
    expect(q.expects?.key).toBe('documents_taken');
    // Confirmed twice.
    q = question(await say(user, { choice: 'yes' }))!;
    expect(q.expects?.key).toBe('wages_withheld');
    replies = await say(user, { choice: 'yes' });
    expect(await answers(user)).toMatchObject({ deceived_about_job: 'no', documents_taken: 'yes', wages_withheld: 'yes' });
    expect(await answers(user)).not.toHaveProperty('debt_bondage');
    expect(await answers(user)).not.toHaveProperty('boss_mood');

    // The list again, with what the confirmed answers stand for already picked.
    q = question(replies)!;
    expect(q.expects?.key).toBe('happened');
    expect(q.choices?.map((c) => c.id)).toContain('done');
    expect(q.choices?.map((c) => c.id)).not.toContain('documents');
    expect(q.choices?.map((c) => c.id)).not.toContain('unpaid');
    q = question(await say(user, { choice: 'done' }))!;

    // On to consent, and the ticket.
    let ref: string | undefined;
    for (let i = 0; i < 12 && !ref; i++) {
      const key = q.expects?.key;
      const choice = key === 'consent_scope' ? 'thailand' : key === 'contact_ok' ? 'no' : 'skip';
      replies = await say(user, { choice });
      ref ??= replies.find((r) => r.ticket)?.ticket?.ref;
      q = question(replies) ?? q;
    }
    expect(ref).toBeDefined();
    const ticket = await s.services.store.getTicket(ref!);
    expect(ticket?.answers).toMatchObject({ deceived_about_job: 'no', documents_taken: 'yes', wages_withheld: 'yes', happened: ['documents', 'unpaid'] });
    expect(ticket?.answers).not.toHaveProperty('debt_bondage');
    expect(ticket?.answers).not.toHaveProperty('boss_mood');
    const session = await answers(user);
    for (const key of ['deceived_about_job', 'documents_taken', 'wages_withheld']) expect(ticket?.answers[key]).toBe(session[key]);
  });

  it('where a question is expected: the questions its confirmed answers settle are passed', async () => {
    const user = 'story-km-2';
    expect(question(await say(user, { text: 'សួស្តី' }))?.expects?.key).toBe('in_danger_now');
    await say(user, { choice: 'no' });
    expect(question(await say(user, { choice: 'help_me' }))?.expects?.key).toBe('current_country');
    // "I am Khmer, now in Thailand. The boss keeps my passport." at "which country are you in now?"
    const story = 'ខ្ញុំជាជនជាតិខ្មែរ ឥឡូវនៅប្រទេសថៃ។ ថៅកែយកលិខិតឆ្លងដែនរបស់ខ្ញុំទុក។';
    model.respond = () => ({
      danger: false,
      answers: [
        { key: 'current_country', value: 'TH', evidence: 'ឥឡូវនៅប្រទេសថៃ' },
        { key: 'nationality', value: 'KH', evidence: 'ខ្ញុំជាជនជាតិខ្មែរ' },
        { key: 'documents_taken', value: 'yes', evidence: 'ថៅកែយកលិខិតឆ្លងដែនរបស់ខ្ញុំទុក' },
      ],
    });
    let q = question(await say(user, { text: story }))!;
    expect(q.expects?.key).toBe('current_country');
    q = question(await say(user, { choice: 'TH' }))!;
    expect(q.expects?.key).toBe('nationality');
    q = question(await say(user, { choice: 'KH' }))!;
    expect(q.expects?.key).toBe('documents_taken');
    // Country and nationality are answered: the next question is the age.
    const replies = await say(user, { choice: 'yes' });
    q = question(replies)!;
    expect(q.expects?.key).toBe('age_group');
    expect(replies.map((r) => r.text)).toContain(km('victim.ask_age'));
    expect(await answers(user)).toMatchObject({ current_country: 'TH', nationality: 'KH', documents_taken: 'yes' });
    // The answers the story gave were read back, not taken as typed guesses: the summary marks none.
    const typed = (await s.services.store.transaction((tx) => tx.getSession(`sim:${user}`)))!.state.typed ?? [];
    expect(typed).toEqual([]);
  });

  it('a proposal waved away is not stored, and its question is asked in its turn', async () => {
    const user = 'story-km-3';
    await toWhatHappened(user);
    model.respond = () => ({ danger: false, answers: [{ key: 'documents_taken', value: 'yes', evidence: 'ថៅកែយកលិខិតឆ្លងដែនរបស់ខ្ញុំទុក' }] });
    expect(question(await say(user, { text: STORY }))?.expects?.key).toBe('documents_taken');
    // What the phrase reader finds in the same words is read back too ("not paid"), though the model left it out.
    expect(question(await say(user, { choice: 'skip' }))?.expects?.key).toBe('wages_withheld');
    const q = question(await say(user, { choice: 'skip' }))!;
    // Nothing confirmed: the list is asked again as it was.
    expect(q.expects?.key).toBe('happened');
    expect(q.choices?.map((c) => c.id)).toContain('documents');
    expect(await answers(user)).not.toHaveProperty('documents_taken');
    expect(await answers(user)).not.toHaveProperty('wages_withheld');
  });

  it('what the typed-answer reader and the phrase reader find is proposed too, where the model left it out', async () => {
    const user = 'story-en-1';
    for (const m of [{ text: 'hello' }, { choice: 'no' }, { choice: 'help_me' }, { choice: 'TH' }, { choice: 'KH' }]) await say(user, m);
    expect(question(await say(user, { choice: 'adult' }))?.expects?.key).toBe('happened');
    model.respond = () => ({ danger: false, answers: [{ key: 'wages_withheld', value: 'yes', evidence: 'no pay for two months' }] });
    // "Phone taken" and "very long hours" are labels of the list; "no pay" a phrase of the reader.
    const replies = await say(user, { text: 'Phone taken, and very long hours, no pay for two months now' });
    const en = new Translations(readLocales('locales')).t('en');
    const list = replies.find((r) => r.text.startsWith(en('story.understood')))!.text;
    const order = ['wages_withheld', 'excessive_hours', 'isolation'].map((k) => list.indexOf(en(`summary.label.${k}`)));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(question(replies)?.expects?.key).toBe('wages_withheld');
  });

  it('a model that reads danger takes the danger path at once; the proposals come after the numbers and the danger question', async () => {
    const user = 'story-km-4';
    await toWhatHappened(user);
    model.respond = () => ({ ...MODEL_ANSWER, danger: true });
    let replies = await say(user, { text: STORY });
    expect(texts(replies)).toContain(km('danger.understood'));
    expect(replies.some((r) => r.ticket)).toBe(true);
    let q = question(replies)!;
    expect(q.expects?.key).toBe('in_danger_now');
    replies = await say(user, { choice: 'yes' });
    q = question(replies)!;
    // Back where the person was: the story's answers are read back now.
    expect(texts(replies)).toContain(km('story.understood'));
    expect(q.expects?.key).toBe('deceived_about_job');
  });

  it('danger the matcher finds goes down the danger path without asking the model', async () => {
    const user = 'story-km-5';
    await toWhatHappened(user);
    // "The boss took my passport and I cannot leave. They beat me." (the matcher reads danger)
    const replies = await say(user, { text: 'ខ្ញុំមកធ្វើការនៅរោងចក្រ។ ថៅកែយកលិខិតឆ្លងដែនរបស់ខ្ញុំ ហើយខ្ញុំចេញមិនបានទេ។ គេវាយខ្ញុំម្ដង។' });
    expect(texts(replies)).toContain(km('danger.understood'));
    expect(model.hits).toHaveLength(0);
  });

  it('a typed answer is read as one (and read back by the typed-answer reader): no request', async () => {
    const user = 'story-km-6';
    expect(question(await say(user, { text: 'សួស្តី' }))?.expects?.key).toBe('in_danger_now');
    await say(user, { choice: 'no' });
    await say(user, { choice: 'help_me' });
    model.respond = () => MODEL_ANSWER;
    const replies = await say(user, { text: 'ខ្ញុំនៅប្រទេសថៃ' });
    expect(texts(replies)).toContain(km('confirm.read_back', { answer: km('country.TH') }));
    expect(texts(replies)).not.toContain(km('story.understood'));
    expect(model.hits).toHaveLength(0);
  });

  it('a redelivered story is read once', async () => {
    const user = 'story-km-7';
    await toWhatHappened(user);
    model.respond = () => MODEL_ANSWER;
    const first = await s.sim({ user, id: 'story-1', text: STORY });
    const again = await s.sim({ user, id: 'story-1', text: STORY });
    expect(first.body.replies.length).toBeGreaterThan(0);
    expect(again.body.duplicate).toBe(true);
    expect(model.chats()).toHaveLength(1);
  });

  it('a number or words are confirmed with "right": a number is stored as a number', async () => {
    const user = 'story-km-9';
    expect(question(await say(user, { text: 'សួស្តី' }))?.expects?.key).toBe('in_danger_now');
    await say(user, { choice: 'no' });
    await say(user, { choice: 'missing' });
    await say(user, { choice: 'skip' });
    await say(user, { choice: 'skip' });
    await say(user, { choice: 'KH' });
    expect(question(await say(user, { choice: 'KH' }))?.expects?.key).toBe('family_signs');
    // "My younger brother is 17. He went to work in Sihanoukville and they want money to let him go."
    const story = 'ប្អូនប្រុសខ្ញុំអាយុ ១៧ ឆ្នាំ។ គាត់ទៅធ្វើការនៅក្រុងព្រះសីហនុ ហើយគេទាមទារលុយដើម្បីដោះលែងគាត់។';
    model.respond = () => ({ danger: false, answers: [{ key: 'missing_age', value: '17', evidence: 'អាយុ ១៧ ឆ្នាំ' }, { key: 'relationship', value: 'ប្អូនប្រុស', evidence: 'ប្អូនប្រុសខ្ញុំ' }] });
    let q = question(await say(user, { text: story }))!;
    expect(q.expects?.key).toBe('missing_age');
    expect(q.choices?.map((c) => c.id)).toEqual(['right', 'wrong']);
    expect(q.choices?.map((c) => c.label)).toEqual([km('story.right'), km('story.wrong')]);
    q = question(await say(user, { choice: 'right' }))!;
    expect(q.expects?.key).toBe('relationship');
    await say(user, { choice: 'right' });
    expect(await answers(user)).toMatchObject({ missing_age: 17, relationship: 'ប្អូនប្រុស' });
  });

  it('sends no name of the conversation to the model', async () => {
    const user = 'story-km-8';
    expect(question(await say(user, { text: 'សួស្តី' }))?.expects?.key).toBe('in_danger_now');
    await say(user, { choice: 'no' });
    await say(user, { choice: 'missing' });
    // The missing person's name, then a story about him at "how old is he?".
    await say(user, { text: 'សុខា' });
    model.respond = () => ({ danger: false, answers: [] });
    await say(user, { text: 'សុខា ទៅធ្វើការនៅក្រុងព្រះសីហនុ តាំងពីខែមុន ហើយខ្ញុំមិនដឹងថាគាត់អាយុប៉ុន្មានទេ' });
    const sent = model.chats().map((h: ChatHit) => userText(h));
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toContain('សុខា');
    expect(sent[0]).toContain('ក្រុងព្រះសីហនុ');
  });
});

describe('on Telegram', () => {
  let tg: FakeTelegram;
  let ctx: ChannelApp;
  beforeAll(async () => {
    tg = await startFakeTelegram(TELEGRAM_TOKEN);
    ctx = await startChannelApp({ TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET, SIMULATOR: 'off', ...llmEnv() });
  });
  afterAll(async () => {
    await ctx.close();
    await tg.close();
  });
  let update = 0;
  const post = async (user: number, fields: Record<string, unknown>) => {
    update++;
    const body = 'text' in fields ? tgMessage(update, user, fields) : tgCallback(update, user, `c:${fields.choice}`);
    const res = await fetch(`${ctx.url}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    await ctx.idle();
  };

  it('the reply to the story reads it back with buttons', async () => {
    for (const m of [{ text: 'សួស្តី' }, { choice: 'no' }, { choice: 'help_me' }, { choice: 'TH' }, { choice: 'KH' }, { choice: 'adult' }]) await post(901, m);
    model.respond = () => MODEL_ANSWER;
    const before = tg.sent.length;
    await post(901, { text: STORY });
    const sent = tg.sent.slice(before);
    expect(sent.map((m) => m.text).join('\n')).toContain(km('story.understood'));
    const buttons = (sent.at(-1)?.reply_markup?.inline_keyboard ?? []).flat().map((b: { callback_data: string }) => b.callback_data);
    expect(buttons).toEqual(['k:deceived_about_job:yes', 'k:deceived_about_job:no', 'k:deceived_about_job:unsure', 'k:deceived_about_job:skip']);
    await post(901, { choice: 'no' });
    const session = await ctx.services.store.transaction((tx) => tx.getSession('telegram:901'));
    expect(session?.state.answers.deceived_about_job).toBe('no');
    expect(session?.state.answers.documents_taken).toBeUndefined();
  });
});

describe('on LINE', () => {
  let line: FakeLine;
  let ctx: ChannelApp;
  beforeAll(async () => {
    line = await startFakeLine();
    ctx = await startChannelApp({ ...lineEnv(line.origin), SIMULATOR: 'off', ...llmEnv() });
  });
  afterAll(async () => {
    await ctx.close();
    await line.close();
  });
  const send = async (event: Record<string, unknown>) => {
    expect((await postLine(ctx.url, { destination: 'Ubot', events: [event] })).status).toBe(200);
    await ctx.idle();
  };
  const text = (user: string, body: string, id: string = randomUUID()) => lineEvent(user, { type: 'message', message: { id, type: 'text', text: body, quoteToken: 'q' } });
  const tap = (user: string, choice: string) => lineEvent(user, { type: 'postback', postback: { data: `c=${choice}` } });

  it('a story taken back (unsend) takes back what it proposed and was not yet tapped', async () => {
    const user = 'Ustory';
    await send(text(user, 'សួស្តី'));
    for (const choice of ['no', 'help_me', 'TH', 'KH', 'adult']) await send(tap(user, choice));
    model.respond = () => MODEL_ANSWER;
    await send(text(user, STORY, 'story-msg'));
    const state = async () => (await ctx.services.store.transaction((tx) => tx.getSession(`line:${user}`)))!.state;
    expect((await state()).confirming?.key).toBe('deceived_about_job');
    await send(tap(user, 'no'));
    expect((await state()).confirming?.key).toBe('documents_taken');
    expect((await state()).proposed?.map((p) => p.key)).toEqual(['wages_withheld']);

    await send(lineEvent(user, { type: 'unsend', unsend: { messageId: 'story-msg' } }));
    const after = await state();
    expect(after.confirming).toBeUndefined();
    expect(after.proposed).toBeUndefined();
    expect(after.answers.documents_taken).toBeUndefined();
    // What was tapped is the person's own answer, and stays; the story's words are gone.
    expect(after.answers.deceived_about_job).toBe('no');
    expect(JSON.stringify(await ctx.services.store.transcriptOf(`line:${user}`))).not.toContain('ថៅកែ');
  });
});

describe('without the feature, or with a model that fails', () => {
  /** The conversation up to the story and the answer to it, with `env`; the model's part is counted. */
  const play = async (env: Record<string, string>): Promise<{ story: Reply[]; ms: number }> => {
    const s = await startServer(env);
    try {
      const user = 'story-off';
      for (const m of [{ text: 'សួស្តី' }, { choice: 'no' }, { choice: 'help_me' }, { choice: 'TH' }, { choice: 'KH' }, { choice: 'adult' }]) await s.sim({ user, ...m });
      const started = Date.now();
      const story = (await s.sim({ user, text: STORY })).body.replies;
      return { story, ms: Date.now() - started };
    } finally {
      await s.close();
    }
  };
  let off: Reply[];
  beforeAll(async () => {
    off = (await play({ LLM_FEATURES: '' })).story;
  });

  it('off: not one request, and the story is answered as any unclear answer is', async () => {
    expect(model.hits).toHaveLength(0);
    expect(question(off)?.expects?.key).toBe('happened');
    expect(texts(off)).not.toContain(km('story.understood'));
  });

  it.each(['hang', 'error', 'garbage', 'refuse'] as const)('%s: the same answer as without the feature, within the timeout', async (fault) => {
    model.always = fault;
    model.respond = () => MODEL_ANSWER;
    const { story, ms } = await play(llmEnv('extract', '800'));
    expect(model.chats().length).toBeGreaterThan(0);
    expect(story).toEqual(off);
    expect(ms).toBeLessThan(800 + 1500);
  });
});
