/**
 * Typed answers read by meaning (issue 9): the table of test/data/typed-answers.ts, first on the
 * pure reader (interpret + the locale lexicon), then every row through the simulator's HTTP API, as
 * a person would type it, reading the stored answer from the session; then the read-back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpret } from '../src/flow/interpret.ts';
import { loadFlows } from '../src/flow/load.ts';
import type { SessionState } from '../src/flow/types.ts';
import { TranslationLexicon } from '../src/i18n/lexicon.ts';
import { readLocales, Translations } from '../src/i18n/locales.ts';
import { AGAIN, HELLO, TYPED } from './data/typed-answers.ts';
import { question, startServer, type TestServer, texts } from './helpers/server.ts';

const flows = loadFlows('flows');
const translations = new Translations(readLocales('locales'));
const lexicon = new TranslationLexicon(translations);
const rows = Object.entries(TYPED).flatMap(([lang, list]) => list.map(([key, typed, stored, menu]) => ({ lang, key, typed, stored, menu: menu ?? 'help_me' })));

describe('the table', () => {
  it.each(Object.keys(HELLO))('%s has at least 15 rows', (lang) => expect(TYPED[lang]!.length).toBeGreaterThanOrEqual(15));
});

describe('typed answers read whole, per language (the pure reader)', () => {
  it.each(rows)('$lang $key: "$typed" -> $stored', ({ lang, key, typed, stored }) => {
    const def = flows.dictionary[key]!;
    const r = interpret(key, def, Boolean(def.consent), { type: 'text', text: typed }, lexicon, lang);
    if (stored === AGAIN) expect(r).toEqual({ kind: 'miss', reason: 'not_an_answer' });
    else if (Array.isArray(stored)) expect(r.kind === 'pick' && [...r.ids].sort()).toEqual([...stored].sort());
    else expect(r.kind === 'answer' && r.value).toBe(stored);
  });
});

describe('the lexicon reads the whole message', () => {
  const COUNTRIES = flows.dictionary.current_country!.values!;
  const NEEDS = flows.dictionary.needs!.values!;
  const YN = ['yes', 'no', 'unsure'] as const;
  // [language, text, ids, label prefix, ids found (last mention last), fillers only, words left over]
  const READS: [string, string, readonly string[], string, string[], boolean, boolean][] = [
    ['th', 'ครับ', YN, 'value.yesno', [], true, false],
    ['th', 'ครับ ไม่มี', YN, 'value.yesno', ['no'], false, false],
    ['th', 'ไม่แน่ใจครับ', YN, 'value.yesno', ['unsure'], false, false],
    ['th', 'อาจารย์บอก', YN, 'value.yesno', [], false, true],
    ['th', 'เมีย', YN, 'value.yesno', [], false, true],
    ['km', 'នៅប្រទេសថៃ', YN, 'value.yesno', [], false, true],
    ['km', 'នៅប្រទេសថៃ', COUNTRIES, 'country', ['TH'], false, false],
    ['lo', 'ລາວຢູ່ກຳປູເຈຍ', COUNTRIES, 'country', ['KH'], false, false],
    ['lo', 'ລາວຢູ່ລາວ', COUNTRIES, 'country', ['LA'], false, false],
    ['lo', 'ລາວ', COUNTRIES, 'country', ['LA'], false, false],
    ['my', 'ဟုတ်ကဲ့ မရှိပါဘူး', YN, 'value.yesno', ['yes', 'no'], false, false],
    ['my', 'ဆေးကုသမှု၊ အိမ်ပြန်ရန်', NEEDS, 'value.needs', ['medical', 'go_home'], false, false],
    ['vi', 'dạ', YN, 'value.yesno', [], true, false],
    ['vi', 'k', YN, 'value.yesno', ['no'], false, false],
    ['en', 'k', YN, 'value.yesno', [], true, false],
    ['en', 'know', YN, 'value.yesno', [], false, true],
    ['en', 'from Myanmar, now in Thailand', COUNTRIES, 'country', ['MM', 'TH'], false, false],
    ['zh', '沒有', YN, 'value.yesno', ['no'], false, false],
    ['zh', '对不起，不知道', YN, 'value.yesno', ['unsure'], false, false],
    ['zh', '看病和回家', NEEDS, 'value.needs', ['medical', 'go_home'], false, false],
    // 打 is "hit" at the violence question, but 打电话 is a phone call.
    ['zh', '他们打电话给我家', YN, 'key.threats_or_violence', [], false, true],
    ['zh', '他们打我', YN, 'key.threats_or_violence', ['yes'], false, true],
  ];
  it.each(READS)('%s "%s"', (lang, text, ids, prefix, found, fillerOnly, rest) => {
    expect(lexicon.read(text, ids, prefix, lang)).toMatchObject({ ids: found, fillerOnly, rest });
  });

  it.each([
    ['th', '๑๕ ปี', [15]],
    ['lo', '໑໖', [16]],
    ['km', '១៧ ឆ្នាំ', [17]],
    ['my', '၁၅ နှစ်', [15]],
    ['zh', '１６岁', [16]],
  ])('%s digits: "%s"', (lang, text, numbers) => {
    expect(lexicon.read(text, ['child', 'adult', 'unknown'], 'value.age_group', lang).numbers).toEqual(numbers);
  });

  it('a whole message matches whole words only, the conversation language first', () => {
    expect(lexicon.match('Cambodia', COUNTRIES, 'country', 'en', { whole: true })).toBe('KH');
    expect(lexicon.match('I am in Cambodia', COUNTRIES, 'country', 'en', { whole: true })).toBeUndefined();
    expect(lexicon.match('ภาษาไทย', ['th', 'en', 'km', 'my', 'lo', 'vi', 'zh'], 'language', 'en')).toBe('th');
  });
});

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

/** Taps that lead to any question: no danger, "I need help", consent; everything else skipped. */
// "Which of these happened?" is answered "ask me one by one", so that each yes/no question is asked.
const ROUTE: Record<string, string> = { in_danger_now: 'no', menu: 'help_me', consent_share: 'yes', consent_cross_border: 'yes', consent_scope: 'abroad_too', happened: 'one_by_one', family_signs: 'one_by_one' };

async function session(user: string): Promise<SessionState> {
  const rec = await server.services.store.transaction((tx) => tx.getSession(`sim:${user}`));
  return rec!.state as SessionState;
}

/** Starts a conversation in `lang` and taps through (from the menu's `menu`) until the bot asks `key`. */
async function reach(user: string, lang: string, key: string, menu = 'help_me') {
  let res = await server.sim({ user, text: HELLO[lang] });
  for (let turn = 0; turn < 40; turn++) {
    const q = question(res.body.replies);
    if (!q?.expects) throw new Error(`the conversation ended before ${key} was asked`);
    if (q.expects.key === key) return;
    // "One by one" is a pick of the list like the others: "done" closes the list.
    const picking = q.choices?.some((c) => c.id === 'done');
    res = await server.sim({ user, choice: q.expects.key === 'menu' ? menu : picking ? 'done' : (ROUTE[q.expects.key] ?? 'skip') });
  }
  throw new Error(`${key} was not asked within 40 turns`);
}

describe('typed answers through the simulator: what is stored, and what the person sees', () => {
  it.each(rows.map((r, i) => ({ ...r, i })))('$lang $key: "$typed" -> $stored', async ({ lang, key, typed, stored, menu, i }) => {
    const user = `typed-${lang}-${i}`;
    await reach(user, lang, key, menu);
    const t = translations.t(lang);
    const res = await server.sim({ user, text: typed });
    expect(res.status).toBe(200);
    const q = question(res.body.replies);
    const state = await session(user);

    if (stored === AGAIN) {
      // Asked again, kindly, with nothing stored.
      expect(texts(res.body.replies)).toContain(t('miss.not_an_answer'));
      expect(q?.expects?.key).toBe(key);
      expect(state.answers[key]).toBeUndefined();
      return;
    }
    if (Array.isArray(stored)) {
      // Shown back with the question open; "done" keeps exactly what was shown.
      expect(q?.expects?.key).toBe(key);
      expect([...(state.picking ?? [])].sort()).toEqual([...stored].sort());
      for (const id of stored) expect(texts(res.body.replies)).toContain(t(`value.needs.${id}`));
      await server.sim({ user, choice: 'done' });
      expect([...((await session(user)).answers[key] as string[])].sort()).toEqual([...stored].sort());
      return;
    }
    if (key !== 'in_danger_now' && state.answers.in_danger_now === 'yes') {
      // Words that say the person is in danger now ("ถูกขังไว้", "被打了") take the danger path at
      // once (issue 9 item 3): the emergency numbers come first; what the words described is kept.
      expect(state.flow).toBe('danger');
      expect(state.answers[key]).toBe(stored);
      return;
    }
    expect(state.answers[key]).toBe(stored);
    const def = flows.dictionary[key]!;
    if (def.confirm || def.consent) {
      // Read back with the key's values as buttons, unless on the way to the emergency numbers.
      if (key === 'in_danger_now' && stored === 'yes') expect(state.confirmLater?.map((c) => c.key)).toEqual(['in_danger_now']);
      else {
        expect(q?.expects?.key).toBe(key);
        expect(q?.choices?.map((c) => c.id).filter((id) => id !== 'skip')).toEqual(def.type === 'yesno' ? ['yes', 'no', 'unsure'] : def.values);
        const label = t(`${def.labels ?? (def.type === 'yesno' ? 'value.yesno' : `value.${key}`)}.${stored}`);
        expect(q?.text).toContain(label);
      }
    }
    expect(state.typed).toContain(key);
  });
});

describe('reading back what was understood', () => {
  it('a typed "yes" at the danger question: emergency numbers and ticket first, the read-back after, and a correction re-triages', async () => {
    const user = 'readback-danger';
    await server.sim({ user, text: 'hello' });
    const first = await server.sim({ user, text: 'yes' });
    // Nothing comes between "yes" and the danger path: the next question is where they are.
    expect(question(first.body.replies)?.expects?.key).toBe('current_country');
    const numbers = await server.sim({ user, choice: 'TH' });
    const replies = numbers.body.replies;
    const at191 = replies.findIndex((r) => r.text.includes('191'));
    const ref = replies.find((r) => r.ticket)?.ticket?.ref;
    const readBack = replies.findIndex((r) => r.expects?.key === 'in_danger_now');
    expect(at191).toBeGreaterThanOrEqual(0);
    expect(ref).toBeDefined();
    expect(readBack).toBeGreaterThan(at191);
    expect(replies[readBack]!.text).toContain('I understood: Yes');
    const token = await server.token('all');
    expect((await server.api(`/api/tickets/${ref}`, token)).body.priority).toBe('P1');

    // "No" corrects it: the ticket is re-triaged, and the menu comes next.
    const corrected = await server.sim({ user, choice: 'no' });
    expect(question(corrected.body.replies)?.expects?.key).toBe('menu');
    const ticket = (await server.api(`/api/tickets/${ref}`, token)).body;
    expect(ticket.answers.in_danger_now).toBe('no');
    expect(ticket.priority).toBe('P3');
  });

  it('on the danger path a typed country is read back after the numbers; a corrected country gets its own numbers', async () => {
    const user = 'readback-danger-country';
    await server.sim({ user, text: 'hello' });
    await server.sim({ user, text: 'yes' });
    const shown = await server.sim({ user, text: 'I am in Cambodia' });
    // Cambodia's numbers at once, then the two read-backs, danger first.
    expect(texts(shown.body.replies)).toContain('117');
    expect(question(shown.body.replies)?.expects?.key).toBe('in_danger_now');
    const country = await server.sim({ user, choice: 'yes' });
    expect(question(country.body.replies)?.expects?.key).toBe('current_country');
    expect(question(country.body.replies)?.text).toContain('I understood: Cambodia');
    const corrected = await server.sim({ user, choice: 'TH' });
    expect(texts(corrected.body.replies)).toContain('191');
    expect(question(corrected.body.replies)?.expects?.key).toBe('menu');
    expect((await session(user)).answers).toMatchObject({ in_danger_now: 'yes', current_country: 'TH' });
  });

  it('a typed "no" at the danger question is read back before the menu; tapping it confirms', async () => {
    const user = 'readback-no';
    await server.sim({ user, text: 'สวัสดีครับ' });
    const res = await server.sim({ user, text: 'ครับ ไม่มี' });
    const q = question(res.body.replies)!;
    expect(q.expects).toEqual({ key: 'in_danger_now', type: 'choice' });
    expect(q.text).toContain('ไม่ใช่');
    const next = await server.sim({ user, choice: 'no' });
    expect(question(next.body.replies)?.expects?.key).toBe('menu');
    const state = await session(user);
    expect(state.answers.in_danger_now).toBe('no');
    expect(state.typed ?? []).not.toContain('in_danger_now');
  });

  it('a doubtful typed consent is a no until the person taps yes', async () => {
    const user = 'readback-consent';
    await reach(user, 'en', 'consent_share');
    const doubtful = await server.sim({ user, text: 'yes I think' });
    const q = question(doubtful.body.replies)!;
    expect(q.expects?.key).toBe('consent_share');
    expect(q.text).toContain('I am not sure I understood');
    expect(q.text).toContain('No');
    expect(q.choices?.map((c) => c.id)).toEqual(['yes', 'no']);
    expect((await session(user)).answers.consent_share).toBe('no');
    // Nothing goes on until the tap.
    const tapped = await server.sim({ user, choice: 'yes' });
    expect(question(tapped.body.replies)?.expects?.key).not.toBe('consent_share');
    expect((await session(user)).answers.consent_share).toBe('yes');
  });

  it('a typed "yes" to consent is read back too, and only a tap (or the same clear yes again) settles it', async () => {
    const user = 'readback-consent-yes';
    await reach(user, 'vi', 'consent_share');
    const res = await server.sim({ user, text: 'dạ đồng ý' });
    expect(question(res.body.replies)?.expects?.key).toBe('consent_share');
    const again = await server.sim({ user, text: 'có' });
    expect(question(again.body.replies)?.expects?.key).not.toBe('consent_share');
    expect((await session(user)).answers.consent_share).toBe('yes');
  });

  it('words typed at a read-back are read again: another answer is read back again', async () => {
    const user = 'readback-retype';
    await reach(user, 'zh', 'free_to_leave');
    await server.sim({ user, text: '走不了' });
    const res = await server.sim({ user, text: '可以走' });
    const q = question(res.body.replies)!;
    expect(q.expects?.key).toBe('free_to_leave');
    expect(q.text).toContain('是');
    expect((await session(user)).answers.free_to_leave).toBe('yes');
  });

  it('help during a read-back comes back to the read-back', async () => {
    const user = 'readback-help';
    await reach(user, 'en', 'free_to_leave');
    await server.sim({ user, text: 'no' });
    const res = await server.sim({ user, text: '/help' });
    expect(question(res.body.replies)?.expects?.key).toBe('free_to_leave');
    expect(question(res.body.replies)?.text).toContain('I understood: No');
  });

  it('a typed Lao answer "she is in Cambodia" is Cambodia, read back in Lao', async () => {
    const user = 'readback-lao';
    await reach(user, 'lo', 'current_country');
    const res = await server.sim({ user, text: 'ລາວຢູ່ກຳປູເຈຍ' });
    expect(question(res.body.replies)?.text).toContain(translations.t('lo')('country.KH'));
    expect((await session(user)).answers.current_country).toBe('KH');
  });

  it.each([
    ['ဟုတ္ကဲ့ မရွိပါဘူး', 'in_danger_now', 'no'],
    ['ဟုတ္ကဲ့ မသိပါဘူး', 'in_danger_now', 'unsure'],
    ['ထြက္လို႔မရဘူး', 'free_to_leave', 'no'],
  ])('Burmese typed in Zawgyi is read the same: "%s" -> %s %s', async (zawgyi, key, stored) => {
    const user = `zawgyi-${key}-${stored}`;
    await reach(user, 'my', key);
    await server.sim({ user, text: zawgyi });
    expect((await session(user)).answers[key]).toBe(stored);
  });

  // [language, key, typed] -> read back with buttons, never stored silently: each holds a "no"
  // word but says yes, and was stored as "no" without a word (the words of the question's "yes"
  // are not all known to the reader).
  const unclear: [string, string, string][] = [
    ['en', 'deceived_about_job', 'not what they promised'],
    ['en', 'wages_withheld', 'they never pay me'],
    ['th', 'wages_withheld', 'ไม่เคยได้เงินเลยครับ'],
    ['zh', 'wages_withheld', '他们不给我工资'],
    ['vi', 'isolation', 'không liên lạc được với gia đình'],
  ];
  it.each(unclear)('%s %s: "%s" is read back with buttons before it counts', async (lang, key, typed) => {
    const user = `unclear-${lang}-${key}`;
    await reach(user, lang, key);
    const res = await server.sim({ user, text: typed });
    const q = question(res.body.replies);
    expect(q?.expects?.key).toBe(key);
    expect(q?.choices?.map((c) => c.id)).toEqual(expect.arrayContaining(['yes', 'no']));
    expect((await session(user)).confirming?.key).toBe(key);
    // The right answer tapped is what counts.
    await server.sim({ user, choice: 'yes' });
    expect((await session(user)).answers[key]).toBe('yes');
  });

  it('danger written while a read-back waits: the danger question takes its taps, and the read-back comes after', async () => {
    const user = 'readback-then-danger';
    await reach(user, 'en', 'nationality');
    await server.sim({ user, text: 'thai' });
    expect((await session(user)).confirming?.key).toBe('nationality');
    const danger = await server.sim({ user, text: 'they locked me in a room' });
    expect(texts(danger.body.replies)).toContain('191');
    let res = danger;
    // Through the danger path's own questions: every tap is taken, none is "not understood".
    for (let turn = 0; turn < 6 && question(res.body.replies)?.expects?.key !== 'nationality'; turn++) {
      const key = question(res.body.replies)!.expects!.key;
      res = await server.sim({ user, choice: key === 'in_danger_now' ? 'yes' : key === 'current_country' ? 'TH' : (ROUTE[key] ?? 'skip') });
      expect(texts(res.body.replies)).not.toContain(translations.t('en')('miss.unknown_choice'));
    }
    const state = await session(user);
    expect(state.answers.in_danger_now).toBe('yes');
    expect(state.answers.nationality).toBe('TH');
    // The read-back of what was typed before comes back, and its tap counts.
    expect(state.confirming?.key).toBe('nationality');
    await server.sim({ user, choice: 'TH' });
    expect((await session(user)).confirming).toBeUndefined();
  });

  it('danger written in the middle of the list: after the danger path the list comes back with what was tapped', async () => {
    const user = 'list-then-danger';
    await reach(user, 'en', 'happened');
    await server.sim({ user, choice: 'documents' });
    await server.sim({ user, choice: 'debt' });
    let res = await server.sim({ user, text: 'they took my phone, I am locked in a room' });
    for (let turn = 0; turn < 6 && question(res.body.replies)?.expects?.key !== 'happened'; turn++) {
      const key = question(res.body.replies)!.expects!.key;
      res = await server.sim({ user, choice: key === 'in_danger_now' ? 'yes' : key === 'current_country' ? 'TH' : (ROUTE[key] ?? 'skip') });
    }
    const list = question(res.body.replies)!;
    expect(list.expects?.key).toBe('happened');
    expect(list.choices?.map((c) => c.id)).toContain('done');
    expect(list.choices?.map((c) => c.id)).not.toContain('documents');
    await server.sim({ user, choice: 'done' });
    const { answers } = await session(user);
    expect([...(answers.happened as string[])].sort()).toEqual(['debt', 'documents']);
    expect(answers.documents_taken).toBe('yes');
  });

  it('the summary marks the answers that came from typed words', async () => {
    const user = 'summary-typed';
    await reach(user, 'th', 'wages_withheld');
    // A clear typed yes is stored at once (one not read whole is read back first: below).
    let res = await server.sim({ user, text: 'ใช่ครับ' });
    // The summary is read back with the consent question.
    const title = translations.t('th')('summary.title');
    for (let turn = 0; turn < 30 && !res.body.replies.some((r) => r.text.includes(title)); turn++) {
      const key = question(res.body.replies)!.expects!.key;
      res = await server.sim({ user, choice: ROUTE[key] ?? 'skip' });
    }
    const summary = res.body.replies.find((r) => r.text.includes(translations.t('th')('summary.title')))!.text;
    const line = summary.split('\n').find((l) => l.includes(translations.t('th')('summary.label.wages_withheld')))!;
    expect(line).toContain(translations.t('th')('summary.typed'));
    const tappedLine = summary.split('\n').find((l) => l.includes(translations.t('th')('summary.label.in_danger_now')))!;
    expect(tappedLine).not.toContain(translations.t('th')('summary.typed'));
  });
});

describe('quick exit words', () => {
  it.each(Object.keys(HELLO))('%s: EXIT and the traditional Chinese 離開 end the chat', async (lang) => {
    for (const word of ['EXIT', '離開']) {
      const user = `exit-${lang}-${word}`;
      await server.sim({ user, text: HELLO[lang] });
      const res = await server.sim({ user, text: word });
      expect(res.body.replies.map((r) => r.text)).toEqual([translations.t(lang)('exit.erased')]);
    }
  });
});

describe('a typed consent is taken only from a clear yes', () => {
  const consent = flows.dictionary.consent_share!;
  it.each([
    ['en', 'yes', 'yes', true],
    ['en', 'no thanks', 'no', true],
    ['en', 'yes I think', 'no', false],
    ['th', 'ได้เลย', 'yes', true],
    ['th', 'ครับ ไม่ได้', 'no', true],
    ['zh', '可以吧', 'yes', true],
    ['zh', '可能可以', 'no', false],
    ['vi', 'dạ không', 'no', true],
  ])('%s "%s" -> %s (clear: %s)', (lang, text, value, clear) => {
    expect(interpret('consent_share', consent, true, { type: 'text', text }, lexicon, lang)).toEqual({ kind: 'answer', value, typed: { clear } });
  });
});
