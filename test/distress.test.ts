/**
 * Danger in the person's own words (issue 9 item 3), through the simulator's HTTP API: a message that
 * says the person is in danger now, in each of the 7 languages, at the first message, in the middle
 * of the screening and as a free message to staff, gets the emergency numbers in the very next reply
 * and a ticket that staff can read. Negations ("I am not in danger") do not. And a free message that
 * describes indicators is not filed as `unclear` P3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalReader } from '../src/i18n/signals.ts';
import { LANGS } from './helpers/scenario-table.ts';
import { question, startServer, type TestServer, texts } from './helpers/server.ts';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startServer();
  token = await server.token('all');
});
afterAll(async () => server?.close());

/** Per language: messages in danger now, and messages that must not be read as danger. */
const WORDS: Record<string, { danger: string[]; calm: string[] }> = {
  en: { danger: ['they took my phone, I am locked in a room in Myawaddy', 'help me now', 'he threatened to kill me'], calm: ['I am not in danger', 'they did not beat me', 'Samut Sakhon, fishing port'] },
  th: { danger: ['ช่วยด้วย ถูกขังอยู่ในห้อง', 'พวกเขาขู่จะฆ่าฉัน', 'ฉันไม่ปลอดภัย'], calm: ['ฉันไม่ได้ถูกขัง', 'ฉันไม่ได้อยู่ในอันตราย', 'สวัสดีค่ะ'] },
  km: { danger: ['ជួយខ្ញុំផង គេចាក់សោខ្ញុំក្នុងបន្ទប់', 'គេវាយខ្ញុំរាល់ថ្ងៃ'], calm: ['ខ្ញុំមិនមានគ្រោះថ្នាក់ទេ', 'ជំរាបសួរ'] },
  my: { danger: ['ကယ်ပါ အခန်းထဲမှာ ပိတ်ထားတယ်', 'သူတို့ ကျွန်တော့်ကို သတ်မယ်လို့ ပြောတယ်'], calm: ['ပိတ်မထားဘူး', 'အန္တရာယ်မရှိပါဘူး', 'မင်္ဂလာပါ'] },
  lo: { danger: ['ຊ່ວຍແດ່ ຂ້ອຍຖືກຂັງ', 'ເຂົາຂູ່ຈະຂ້າຂ້ອຍ'], calm: ['ຂ້ອຍບໍ່ມີອັນຕະລາຍ', 'ສະບາຍດີ'] },
  vi: { danger: ['cứu tôi với, tôi bị nhốt trong phòng', 'họ đánh tôi mỗi ngày'], calm: ['tôi không gặp nguy hiểm', 'Xin chào'] },
  zh: { danger: ['救命，我被关在房间里', '他们说要杀了我'], calm: ['我没有危险', '你好'] },
};

/** The emergency title in each language, read from the locales the bot uses. */
const title = (lang: string) => server.services.definitions.translations.t(lang)('emergency.title');

/** The ticket a reply gave, read back through the staff API. */
async function ticketOf(replies: { ticket?: { ref: string } }[]) {
  const ref = replies.find((r) => r.ticket)?.ticket?.ref;
  expect(ref, 'a reply gives the reference').toBeDefined();
  const { status, body } = await server.api(`/api/tickets/${ref}`, token);
  expect(status).toBe(200);
  return body;
}

const casesOf = (u: string) => server.services.store.transaction((tx) => tx.ticketsOfUser('sim', u));

let n = 0;
const user = (what: string) => `distress-${what}-${n++}`;

describe('the words are read by meaning, with negation', () => {
  const reader = () => new SignalReader(server.services.definitions.translations);
  const rows = Object.entries(WORDS).flatMap(([lang, w]) => [...w.danger.map((t) => ({ lang, text: t, danger: true })), ...w.calm.map((t) => ({ lang, text: t, danger: false }))]);
  it.each(rows)('$lang: "$text" -> danger $danger', ({ text, danger }) => {
    expect(reader().read(text).danger).toBe(danger);
  });
});

describe.each(Object.keys(WORDS))('danger in the words, in %s', (lang) => {
  const words = WORDS[lang]!.danger;

  it('as the first message: every country’s numbers at once, the ticket, then the country', async () => {
    const u = user(`first-${lang}`);
    const res = await server.sim({ user: u, text: words[0]! });
    const shown = texts(res.body.replies);
    expect(shown).toContain(title(lang));
    expect(shown).toContain('191');
    expect(shown).toContain('117');
    // A new conversation: the quick exit is taught in the same reply (the phone may be checked).
    expect(shown).toContain(server.services.definitions.translations.t(lang)('entry.safety'));
    const ticket = await ticketOf(res.body.replies);
    expect(ticket).toMatchObject({ priority: 'P1', language: lang, basis: 'vital_interest' });
    expect(ticket.answers.in_danger_now).toBe('yes');
    // Then the country, its numbers, and one tap to confirm.
    expect(question(res.body.replies)?.expects?.key).toBe('current_country');
    const country = await server.sim({ user: u, choice: 'KH' });
    expect(texts(country.body.replies)).toContain('117');
    expect(question(country.body.replies)?.expects).toEqual({ key: 'in_danger_now', type: 'choice' });
    // Words that say it again confirm it, as a tap would.
    const confirmed = await server.sim({ user: u, text: words.at(-1)! });
    expect(question(confirmed.body.replies)?.expects?.key).toBe('menu');
    const stored = await server.services.store.transaction((tx) => tx.getSession(`sim:${u}`));
    expect(stored?.state.answers.in_danger_now).toBe('yes');
  });

  it('in the middle of the screening: the country’s numbers in the next reply, then back to the question', async () => {
    const u = user(`mid-${lang}`);
    await server.sim({ user: u, text: LANGS[lang]!.hello });
    await server.sim({ user: u, choice: 'no' });
    await server.sim({ user: u, choice: 'help_me' });
    const before = await server.sim({ user: u, choice: 'TH' });
    expect(question(before.body.replies)?.expects?.key).toBe('nationality');

    const res = await server.sim({ user: u, text: words[1] ?? words[0]! });
    const shown = texts(res.body.replies);
    expect(shown).toContain(title(lang));
    for (const number of ['191', '1155', '1300']) expect(shown).toContain(number);
    const ticket = await ticketOf(res.body.replies);
    expect(ticket).toMatchObject({ priority: 'P1', language: lang });
    expect(ticket.answers).toMatchObject({ in_danger_now: 'yes', current_country: 'TH', role: 'self' });

    expect(question(res.body.replies)?.expects?.key).toBe('in_danger_now');
    const back = await server.sim({ user: u, choice: 'yes' });
    expect(question(back.body.replies)?.expects?.key).toBe('nationality');
  });

  it('in a free message to staff: numbers, a ticket holding the message, then consent', async () => {
    const u = user(`free-${lang}`);
    await server.sim({ user: u, text: LANGS[lang]!.hello });
    await server.sim({ user: u, choice: 'x' });
    const offer = await server.sim({ user: u, choice: 'y' });
    expect(question(offer.body.replies)?.choices?.map((c) => c.id)).toContain('leave_message');
    const ask = await server.sim({ user: u, choice: 'leave_message' });
    expect(question(ask.body.replies)?.expects?.key).toBe('free_message');

    const res = await server.sim({ user: u, text: words[0]! });
    expect(texts(res.body.replies)).toContain(title(lang));
    const ticket = await ticketOf(res.body.replies);
    expect(ticket).toMatchObject({ priority: 'P1' });
    expect(ticket.answers.free_message).toBe(words[0]);
    await server.sim({ user: u, choice: 'TH' });
    const back = await server.sim({ user: u, choice: 'yes' });
    expect(question(back.body.replies)?.expects?.key).toMatch(/^consent_(share|scope)$/);
  });

  it('words that deny the danger do not open the danger path', async () => {
    const u = user(`calm-${lang}`);
    const res = await server.sim({ user: u, text: WORDS[lang]!.calm[0]! });
    expect(texts(res.body.replies)).not.toContain(title(lang));
    expect(res.body.replies.some((r) => r.ticket)).toBe(false);
  });
});

describe('the language of the words', () => {
  it('Vietnamese without accents, in danger, is answered in Vietnamese', async () => {
    const res = await server.sim({ user: user('vi-latin'), text: 'cuu toi voi, toi bi nhot' });
    expect(texts(res.body.replies)).toContain(title('vi'));
    expect((await ticketOf(res.body.replies)).language).toBe('vi');
  });
});

describe('after the screening ended', () => {
  it('danger in a later message makes the open case urgent and shows the numbers', async () => {
    const u = user('after');
    const answers: Record<string, string> = { in_danger_now: 'no', menu: 'help_me', current_country: 'KH', nationality: 'TH', happened: 'unpaid', consent_scope: 'thailand', contact_ok: 'yes' };
    let res = await server.sim({ user: u, text: 'hello' });
    for (let i = 0; i < 20 && question(res.body.replies)?.expects; i++) {
      const key = question(res.body.replies)!.expects!.key;
      res = await server.sim({ user: u, choice: answers[key] ?? (key === 'happened' ? 'done' : 'skip') });
      if (key === 'happened' && question(res.body.replies)?.expects?.key === 'happened') res = await server.sim({ user: u, choice: 'done' });
    }
    const mine = (await casesOf(u))[0]!;
    expect(mine.priority).toBe('P3');

    const later = await server.sim({ user: u, text: 'they found me, they beat me again, help me now' });
    const shown = texts(later.body.replies);
    expect(shown).toContain('Call for help now');
    expect(shown).toContain('117');
    const ticket = (await server.api(`/api/tickets/${mine.ref}`, token)).body;
    expect(ticket).toMatchObject({ priority: 'P1' });
    // One case, not a second one; staff see that the reporter wrote.
    expect(await casesOf(u)).toHaveLength(1);
    expect((await casesOf(u))[0]!.updatedByReporterAt).not.toBeNull();
  });
});

describe('a free message that describes indicators', () => {
  it('records what the words say, reads it back, and is not filed as unclear P3', async () => {
    const u = user('indicators');
    await server.sim({ user: u, text: 'hello' });
    await server.sim({ user: u, choice: 'x' });
    await server.sim({ user: u, choice: 'y' });
    await server.sim({ user: u, choice: 'leave_message' });
    const res = await server.sim({ user: u, text: 'The agent keeps my passport and they make us scam people online' });
    const shown = texts(res.body.replies);
    expect(shown).toContain('From your message we noted');
    expect(shown).toContain('Passport or ID kept by others: Yes');
    expect(question(res.body.replies)?.expects?.key).toBe('consent_share');
    const sent = await server.sim({ user: u, choice: 'yes' });
    const ticket = await ticketOf(sent.body.replies);
    expect(ticket).toMatchObject({ priority: 'P2', caseType: 'forced_criminality' });
    expect(ticket.indicators).toEqual(expect.arrayContaining(['documents_taken', 'forced_criminality']));
  });
});

describe('a first message that already says what happened', () => {
  it.each([
    { lang: 'en', text: 'hello, the agent keeps my passport and they do not pay me', keys: { documents_taken: 'yes', wages_withheld: 'yes' } },
    { lang: 'th', text: 'สวัสดีครับ นายจ้างยึดพาสปอร์ตผม', keys: { documents_taken: 'yes' } },
    { lang: 'zh', text: '你好，他们收走护照，不给工资', keys: { documents_taken: 'yes', wages_withheld: 'yes' } },
    { lang: 'vi', text: 'Xin chào, công ty giữ hộ chiếu của tôi', keys: { documents_taken: 'yes' } },
  ])('$lang: the answers are kept, and read back before the first question', async ({ lang, text, keys }) => {
    const u = user(`first-words-${lang}`);
    const res = await server.sim({ user: u, text });
    const noted = server.services.definitions.translations.t(lang)('danger.noted', { noted: '' }).split(':')[0]!;
    expect(texts(res.body.replies)).toContain(noted.split('：')[0]!);
    expect(question(res.body.replies)?.expects?.key).toBe('in_danger_now');
    const session = await server.services.store.transaction((tx) => tx.getSession(`sim:${u}`));
    expect(session?.state.answers).toMatchObject(keys);
  });

  it('a denied indicator is not noted', async () => {
    const u = user('first-words-denied');
    const res = await server.sim({ user: u, text: 'hello, they did not take my passport' });
    expect(texts(res.body.replies)).not.toContain('From your message we noted');
    const session = await server.services.store.transaction((tx) => tx.getSession(`sim:${u}`));
    expect(session?.state.answers.documents_taken).toBeUndefined();
  });
});

describe('words misread as danger', () => {
  it('a person who says they are not in danger and do not consent leaves no open case', async () => {
    const u = user('misread');
    const first = await server.sim({ user: u, text: 'help me now' });
    const ref = first.body.replies.find((r) => r.ticket)!.ticket!.ref;
    await server.sim({ user: u, choice: 'KH' });
    const safe = await server.sim({ user: u, choice: 'no' });
    expect(question(safe.body.replies)?.expects?.key).toBe('menu');
    let res = await server.sim({ user: u, choice: 'help_me' });
    for (let i = 0; i < 6 && question(res.body.replies)?.expects?.key !== 'consent_scope'; i++) res = await server.sim({ user: u, choice: 'skip' });
    await server.sim({ user: u, choice: 'no' });
    const ticket = (await server.api(`/api/tickets/${ref}`, token)).body;
    expect(ticket).toMatchObject({ status: 'closed', basis: 'vital_interest' });
    expect(ticket.answers).toMatchObject({ in_danger_now: 'no', consent_share: 'no' });
    expect((await server.services.store.auditOf(ref)).map((a) => a.action)).toContain('ticket.withdrawn');
  });

  it('a person in danger who does not consent keeps the alert open', async () => {
    const u = user('danger-no-consent');
    const first = await server.sim({ user: u, text: 'help me now' });
    const ref = first.body.replies.find((r) => r.ticket)!.ticket!.ref;
    await server.sim({ user: u, choice: 'KH' });
    await server.sim({ user: u, choice: 'yes' });
    let res = await server.sim({ user: u, choice: 'help_me' });
    for (let i = 0; i < 6 && question(res.body.replies)?.expects?.key !== 'consent_scope'; i++) res = await server.sim({ user: u, choice: 'skip' });
    const declined = await server.sim({ user: u, choice: 'no' });
    expect(texts(declined.body.replies)).toContain(server.services.definitions.translations.t('en')('consent.declined_emergency'));
    expect((await server.api(`/api/tickets/${ref}`, token)).body).toMatchObject({ status: 'new', priority: 'P1' });
  });
});
