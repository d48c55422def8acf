/**
 * Issue 9 item 4, through the simulator as a person would meet it: a first message in Latin
 * letters is answered in its language or gets the language menu; the menu takes typed language
 * names; a change of language says the welcome and safety notice again; a person who types Zawgyi
 * reads Zawgyi, with a one-tap switch to Unicode and back, while everything stored stays Unicode.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLineMessages } from '../src/channels/line/line-messages.ts';
import { toTelegramMessages } from '../src/channels/telegram/telegram-messages.ts';
import type { Reply } from '../src/conversation/reply.ts';
import type { DefinitionError } from '../src/core/errors.ts';
import { loadLatinWords } from '../src/i18n/detect.ts';
import { LanguageNames } from '../src/i18n/language-names.ts';
import { flatten } from '../src/i18n/locales.ts';
import { isZawgyi, toUnicode, toZawgyi } from '../src/i18n/zawgyi.ts';
import { addStaff, StaffClient } from './helpers/staff.ts';
import { question, startServer, type TestServer, texts } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

let n = 0;
/** A fresh simulator user for each conversation. */
const newUser = (tag: string) => `ld-${tag}-${++n}`;
const t = (lang: string) => server.services.definitions.translations.t(lang);
const say = async (user: string, body: { text: string } | { choice: string }) => {
  const res = await server.sim({ user, ...body });
  expect(res.status).toBe(200);
  return res.body.replies;
};
const session = async (user: string) => (await server.services.store.transaction((tx) => tx.getSession(`sim:${user}`)))?.state;

/** The conversation goes on in `lang`: its welcome is said in it, and the session holds it. */
async function expectAnsweredIn(user: string, replies: Reply[], lang: string) {
  const state = await session(user);
  expect(state?.lang).toBe(lang);
  // Words of danger ("help me please", "ช่วยด้วย") go down the danger path first, in that language:
  // the emergency numbers come before the welcome (issue 9, item 3).
  if (state?.answers.in_danger_now === 'yes') {
    expect(state.flow).toBe('danger');
    return;
  }
  expect(texts(replies)).toContain(t(lang)('entry.welcome'));
  expect(texts(replies)).toContain(t(lang)('entry.safety'));
  expect((await session(user))?.lang).toBe(lang);
}

/** The language menu: the question waits for `lang` and names each language in its own script. */
function expectMenu(replies: Reply[]) {
  const q = question(replies);
  expect(q?.expects?.key).toBe('lang');
  const labels = (q?.choices ?? []).map((c) => c.label).join(' | ');
  for (const own of ['ไทย', 'English', 'ខ្មែរ', 'မြန်မာ', 'ລາວ', 'Tiếng Việt', '中文']) expect(labels).toContain(own);
}

describe('a first message in Latin letters', () => {
  // [what the person writes, the language answered in, or 'menu']
  const openings: [string, string][] = [
    // Thai in Latin letters
    ['sawasdee krub chuay duay', 'th'],
    ['sawatdee ka', 'th'],
    ['chuay duay', 'th'],
    ['pom yak glub baan', 'th'],
    ['Sawasdeeee khrap', 'th'],
    // Vietnamese without its marks
    ['toi can giup do', 'vi'],
    ['xin chao', 'vi'],
    ['chao ban', 'vi'],
    ['cuu toi voi', 'vi'],
    ['em bi lua o campuchia', 'vi'],
    // English
    ['hello I need help', 'en'],
    ['hi', 'en'],
    ['help me please', 'en'],
    ["I'm locked in a room in Myawaddy", 'en'],
    // A language named as the first message
    ['Thai', 'th'],
    ['Khmer', 'km'],
    ['tieng viet', 'vi'],
    // Khmer, Burmese, Lao and Chinese in Latin letters, and words of no clear language: the menu
    ['som chuoy knhom phng', 'menu'],
    ['jumreap suor', 'menu'],
    ['mingalarpar', 'menu'],
    ['kyayzu tinpar', 'menu'],
    ['sabaidee', 'menu'],
    ['ni hao', 'menu'],
    ['Somchai', 'menu'],
    ['hi krub', 'menu'],
    // Other scripts are still read from the script
    ['สวัสดีครับ ช่วยด้วย', 'th'],
    ['Tôi cần giúp đỡ', 'vi'],
  ];
  it.each(openings)('%s -> %s', async (text, expected) => {
    const user = newUser('open');
    const replies = await say(user, { text });
    if (expected === 'menu') {
      expectMenu(replies);
      expect((await session(user))?.lang).toBeUndefined();
    } else {
      await expectAnsweredIn(user, replies, expected);
      expect(question(replies)?.expects?.key).not.toBe('lang');
    }
  });

  it.each([
    ['hello I need help', 'en', true],
    ['sawasdee krub', 'th', true],
    ['toi can giup do', 'vi', true],
    ['Thai', 'th', false],
    ['สวัสดีครับ', 'th', false],
    ['Tôi cần giúp đỡ', 'vi', false],
  ])('%s: says first how to change the language when it was a guess (%s, %s)', async (text, lang, told) => {
    const replies = await say(newUser('hint'), { text });
    expect(replies[0]!.text === t(lang)('language_switch.change_hint')).toBe(told);
  });

  it.each([
    ['they locked me in and took my passport, help', 'en'],
    ['cuu toi voi, ho nhot toi', 'vi'],
  ])('%s: on the danger path the danger notice and the emergency numbers come before the hint on changing the language', async (text, lang) => {
    const replies = await say(newUser('hint'), { text });
    const hint = replies.findIndex((r) => r.text === t(lang)('language_switch.change_hint'));
    const numbers = replies.findIndex((r) => r.text.includes('1300'));
    expect(numbers).toBeGreaterThan(0);
    expect(hint).toBeGreaterThan(numbers);
  });

  it('an English phone does not decide Latin text of no clear language; a Thai one does', async () => {
    const menu = await server.services.conversation.handle({ channel: 'sim', userId: newUser('hint'), eventId: 'hint-1', languageHint: 'en-US', content: { type: 'text', text: 'som chuoy' } }, { synchronous: true });
    expectMenu(menu.replies);
    const user = newUser('hint');
    const thai = await server.services.conversation.handle({ channel: 'sim', userId: user, eventId: 'hint-2', languageHint: 'th-TH', content: { type: 'text', text: 'som chuoy' } }, { synchronous: true });
    await expectAnsweredIn(user, thai.replies, 'th');
  });
});

describe('the language menu takes a typed language name', () => {
  // [typed at the menu, language picked]
  const names: [string, string][] = [
    ['Thai', 'th'],
    ['ภาษาไทย', 'th'],
    ['ไทย', 'th'],
    ['thai language', 'th'],
    ['English', 'en'],
    ['อังกฤษ', 'en'],
    ['tiếng Anh', 'en'],
    ['Khmer', 'km'],
    ['ខ្មែរ', 'km'],
    ['ភាសាខ្មែរ', 'km'],
    ['เขมร', 'km'],
    ['Burmese', 'my'],
    ['Myanmar', 'my'],
    ['မြန်မာ', 'my'],
    ['မြန်မာစာ', 'my'],
    ['พม่า', 'my'],
    ['Lao', 'lo'],
    ['ພາສາລາວ', 'lo'],
    ['ລາວ', 'lo'],
    ['tiếng Lào', 'lo'],
    ['tiếng Miên', 'km'],
    ['tiếng Miến', 'my'],
    ['Vietnamese', 'vi'],
    ['tiếng Việt', 'vi'],
    ['Tieng Viet', 'vi'],
    ['Chinese', 'zh'],
    ['中文', 'zh'],
    ['汉语', 'zh'],
    ['華語', 'zh'],
    ['ພາສາຈີນ', 'zh'],
    ['3', 'km'],
  ];

  it.each(names)('at the first menu: %s -> %s', async (typed, lang) => {
    const user = newUser('menu');
    expectMenu(await say(user, { text: '🙏' }));
    await expectAnsweredIn(user, await say(user, { text: typed }), lang);
  });

  it.each(names.filter(([, lang]) => lang !== 'en'))('after /lang: %s -> %s, and back to the same question', async (typed, lang) => {
    const user = newUser('relang');
    const first = await say(user, { text: 'hello' });
    const waiting = question(first)?.expects?.key;
    expectMenu(await say(user, { text: '/lang' }));
    const replies = await say(user, { text: typed });
    await expectAnsweredIn(user, replies, lang);
    expect(question(replies)?.expects?.key).toBe(waiting);
  });

  it('a word that names no language is not taken for one', async () => {
    const user = newUser('menu');
    await say(user, { text: '🙏' });
    const replies = await say(user, { text: 'banana' });
    expect(question(replies)?.expects?.key).toBe('lang');
    expect((await session(user))?.lang).toBeUndefined();
  });
});

describe('a change of language says the welcome and the safety notice again', () => {
  it.each(['th', 'km', 'my', 'lo', 'vi', 'zh'])('English -> %s by the menu, mid-screening', async (lang) => {
    const user = newUser('switch');
    await say(user, { text: 'hello' });
    const menu = await say(user, { choice: 'no' });
    const waiting = question(menu)?.expects?.key;
    expect(waiting).toBeDefined();
    await say(user, { text: '/lang' });
    const replies = await say(user, { choice: lang });
    await expectAnsweredIn(user, replies, lang);
    // The notice comes before the question, which is the one the person was at, now in the new language.
    const at = replies.findIndex((r) => r.text.includes(t(lang)('entry.safety')));
    expect(at).toBeLessThan(replies.length - 1);
    expect(question(replies)?.expects?.key).toBe(waiting);
    expect(question(replies)?.choices?.map((c) => c.id)).toEqual(question(menu)?.choices?.map((c) => c.id));
    expect(question(replies)?.text).not.toBe(question(menu)?.text);
  });

  it('the same language again asks the question without repeating the welcome', async () => {
    const user = newUser('same');
    await say(user, { text: 'hello' });
    await say(user, { text: '/lang' });
    const replies = await say(user, { choice: 'en' });
    expect(texts(replies)).not.toContain(t('en')('entry.welcome'));
    expect(question(replies)?.expects?.key).toBe('in_danger_now');
  });
});

describe('a person who types Zawgyi reads Zawgyi', () => {
  const my = (key: string) => t('my')(key);
  const zawgyiOpening = 'ကၽြန္ေတာ္ အကူအညီလိုပါတယ္'; // "I need help", typed in Zawgyi

  it('is answered in Zawgyi, with a notice and a one-tap switch to Unicode; everything stored is Unicode', async () => {
    const user = newUser('zg');
    const replies = await say(user, { text: zawgyiOpening });
    const all = texts(replies);
    expect(all).toContain(toZawgyi(my('font.zawgyi_notice')));
    expect(all).toContain(toZawgyi(my('entry.welcome')));
    expect(all).not.toContain(my('entry.welcome'));
    // What a Zawgyi phone reads as Zawgyi, by the detector, not only by our own conversion.
    for (const r of replies) if (/[\u1000-\u109f]{8}/.test(r.text)) expect(isZawgyi(r.text)).toBe(true);
    const q = question(replies)!;
    expect(q.choices?.find((c) => c.id === 'yes')?.label).toBe(toZawgyi(my('value.yesno.yes')));
    expect(q.choices?.at(-1)).toEqual({ id: 'font_unicode', label: toZawgyi(my('font.to_unicode')) });

    const state = await session(user);
    expect(state).toMatchObject({ lang: 'my', myanmarFont: 'zawgyi' });
    const transcript = await server.services.store.transcriptOf(`sim:${user}`);
    expect(transcript[0]).toMatchObject({ direction: 'in', body: { text: 'ကျွန်တော် အကူအညီလိုပါတယ်' } });
    const out = transcript.filter((r) => r.direction === 'out').map((r) => (r.body as Reply).text);
    expect(out).toContain(my('entry.welcome'));
    expect(out.join('\n')).not.toContain(toZawgyi(my('entry.welcome')));

    // The next question stays in Zawgyi, still with the switch; the notice is not said again.
    const next = await say(user, { choice: 'no' });
    expect(texts(next)).not.toContain(toZawgyi(my('font.zawgyi_notice')));
    expect(texts(next)).toContain(toZawgyi(my('entry.ask_menu')));
    expect(question(next)?.choices?.at(-1)?.id).toBe('font_unicode');
  });

  it('one tap switches to Unicode, asks the same question again, and offers Zawgyi back once', async () => {
    const user = newUser('zg-switch');
    const first = await say(user, { text: zawgyiOpening });
    const waiting = question(first)?.expects?.key;
    const switched = await say(user, { choice: 'font_unicode' });
    expect(switched[0]?.text).toBe(my('font.now_unicode'));
    expect(texts(switched)).toContain(my('entry.ask_danger'));
    expect(question(switched)?.expects?.key).toBe(waiting);
    expect(question(switched)?.choices?.at(-1)).toEqual({ id: 'font_zawgyi', label: my('font.to_zawgyi') });
    expect((await session(user))?.myanmarFont).toBe('unicode');

    // Unicode from now on, even if the keyboard still types Zawgyi; no more switch buttons.
    const next = await say(user, { text: 'မဟုတ္ဘူး' });
    expect(texts(next)).not.toContain(toZawgyi(my('entry.ask_menu')));
    expect(question(next)?.choices?.some((c) => c.id.startsWith('font_'))).toBe(false);
    expect((await session(user))?.myanmarFont).toBe('unicode');

    // And back to Zawgyi by typing its name.
    const back = await say(user, { text: 'Zawgyi' });
    expect(back[0]?.text).toBe(toZawgyi(my('font.now_zawgyi')));
    expect(question(back)?.choices?.at(-1)?.id).toBe('font_unicode');
  });

  it.each(['ကျွန်တော် အကူအညီလိုပါတယ်', 'အကူအညီလိုသူ', 'ကျော်မယ်'])('a person who types Unicode Burmese (%s) gets Unicode and no switch', async (text) => {
    const user = newUser('uni');
    const replies = await say(user, { text });
    expect(texts(replies)).toContain(my('entry.welcome'));
    expect(texts(replies)).not.toContain(my('font.zawgyi_notice'));
    expect(question(replies)?.choices?.some((c) => c.id.startsWith('font_'))).toBe(false);
    expect((await session(user))?.myanmarFont).toBeUndefined();
  });

  it('the preference outlives a new start (/start)', async () => {
    const user = newUser('zg-start');
    await say(user, { text: zawgyiOpening });
    const again = await say(user, { text: '/start' });
    expect(texts(again)).toContain(toZawgyi(my('entry.welcome')));
    expect((await session(user))?.myanmarFont).toBe('zawgyi');
  });
});

describe('what a Zawgyi phone receives outside the conversation, and on LINE and Telegram', () => {
  const my = (key: string) => t('my')(key);

  it('a staff message reaches a Zawgyi reporter in Zawgyi, and stays Unicode in the case', async () => {
    const user = newUser('zg-staff');
    await say(user, { text: 'ကၽြန္ေတာ္ အကူအညီလိုပါတယ္' });
    await say(user, { choice: 'yes' });
    const emergency = await say(user, { choice: 'TH' });
    const ref = emergency.find((r) => r.ticket)!.ticket!.ref;
    await addStaff(server, 'ld-admin', 'admin');
    const admin = new StaffClient(server.url);
    await admin.login('ld-admin');
    await admin.get(`/staff/tickets/${ref}`);
    const body = 'အခု လုံခြုံရဲ့လား';
    expect((await admin.post(`/staff/tickets/${ref}/message`, { message: body })).status).toBe(303);
    const later: Reply[] = (await fetch(`${server.url}/api/sim/messages?user=${user}`).then((r) => r.json())).replies;
    expect(later).toEqual([{ text: toZawgyi(`${my('update.staff_prefix')}\n${body}`) }]);
    const transcript = await server.services.store.transcriptOf(`sim:${user}`);
    expect(transcript.at(-1)).toMatchObject({ direction: 'out', body: { text: body } });
  });

  it('LINE and Telegram messages of a marked reply are in Zawgyi, buttons included', () => {
    const reply: Reply = { text: my('entry.ask_danger'), choices: [{ id: 'yes', label: my('value.yesno.yes') }], expects: { key: 'in_danger_now', type: 'choice' }, script: 'zawgyi' };
    const [line] = toLineMessages(reply, 'More');
    expect(line!.text).toBe(toZawgyi(my('entry.ask_danger')));
    expect(line!.quickReply!.items![0]!.action).toMatchObject({ label: toZawgyi(my('value.yesno.yes')), data: 'c=yes' });
    const [telegram] = toTelegramMessages(reply);
    expect(telegram!.text).toBe(toZawgyi(my('entry.ask_danger')));
    expect(telegram!.reply_markup!.inline_keyboard[0]![0]!.text).toBe(toZawgyi(my('value.yesno.yes')));
    // LINE's "more" button of a long list too.
    const many = { ...reply, choices: Array.from({ length: 20 }, (_, i) => ({ id: `c${i}`, label: my('value.yesno.yes') })) };
    expect(toLineMessages(many, my('channel.more'))[0]!.quickReply!.items!.at(-1)!.action).toMatchObject({ label: toZawgyi(my('channel.more')) });
    // Unmarked replies go out as they are.
    expect(toTelegramMessages({ ...reply, script: undefined })[0]!.text).toBe(my('entry.ask_danger'));
  });
});

describe('the language data', () => {
  const translations = () => server.services.definitions.translations;

  it('no name is shared by two languages', () => {
    expect(new LanguageNames(translations()).clashes).toEqual([]);
  });

  it('the new Burmese strings are Unicode, not Zawgyi', () => {
    const flat = flatten(translations().resources.my!.bot as Record<string, unknown>);
    for (const [key, value] of flat) {
      // Short names are the same bytes in both encodings; what matters is that they are left as typed.
      if (key.startsWith('language_names.')) for (const name of String(value).split('|')) expect(toUnicode(name), key).toBe(name);
      if (key.startsWith('font.') && String(value).length > 20) expect(isZawgyi(String(value)), key).toBe(false);
    }
  });

  it('a broken word list names its file and entry', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'latin-words-'));
    writeFileSync(path.join(dir, 'latin-words.yaml'), 'answer: [en, xx]\nwords:\n  en: [hello, "two words"]\n');
    const problems = () => {
      try {
        loadLatinWords(dir, ['en', 'th']);
      } catch (err) {
        return (err as DefinitionError).problems;
      }
      return [];
    };
    expect(problems()).toEqual([expect.objectContaining({ file: path.join(dir, 'latin-words.yaml'), path: 'words.en.1' })]);
    writeFileSync(path.join(dir, 'latin-words.yaml'), 'answer: [en, xx]\nwords:\n  en: [hello]\n');
    expect(problems()).toEqual([expect.objectContaining({ path: 'answer.1', message: expect.stringContaining('"xx"') })]);
  });
});
