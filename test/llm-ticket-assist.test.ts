/**
 * Translation for staff and the case summary (issue 13 items 3 and 4), over real HTTP against the
 * fake model server: a Khmer report, read in English on the ticket page; a staff message written in
 * English goes out in Khmer only after the staff member saw the translation and pressed send.
 * Ticket pages are opened with `?personal=1`: their personal details shown (issue 14).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/conversation/reply.ts';
import { type ChatHit, type FakeOpenAI, startFakeOpenAI, userText } from './fakes/fake-openai.ts';
import { playScript } from './helpers/script.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, FISHING_BOAT, StaffClient } from './helpers/staff.ts';

/** The "model"'s dictionary: what it translates, both ways. */
const KM_EN: [string, string][] = [
  ['ពួកគេយកលិខិតឆ្លងដែនរបស់ខ្ញុំ ហើយមិនឲ្យខ្ញុំចេញ', 'They took my passport and do not let me leave'],
  ['កំពង់ផែមហាជ័យ', 'Mahachai fishing port'],
  ['តើអ្នកមានសុវត្ថិភាពឥឡូវនេះទេ?', 'Are you safe now?'],
  ['ខ្ញុំនៅកំពង់ផែ ជួយខ្ញុំផង', 'I am at the port, please help me'],
];

function translateLike(hit: ChatHit): unknown {
  const items = JSON.parse(userText(hit)) as string[];
  const toKhmer = hit.body.messages[0]!.content.includes('into Khmer');
  return { translations: items.map((s) => (toKhmer ? KM_EN.find(([, en]) => en === s)?.[0] : KM_EN.find(([km]) => km === s)?.[1]) ?? `(?) ${s}`) };
}

let server: TestServer;
let fake: FakeOpenAI;
let staff: StaffClient;
let ref: string;
const user = 'khmer-1';
beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.respond = (hit) =>
    hit.body.response_format?.json_schema?.name === 'case_summary'
      ? { summary: 'A Cambodian fisherman in Thailand whose passport was taken; he cannot leave.', indicators: ['documents_taken', 'not_free_to_leave', 'invented_indicator'] }
      : translateLike(hit);
  fake.transcript = () => 'ខ្ញុំនៅកំពង់ផែ ជួយខ្ញុំផង';
  server = await startServer({ LLM_BASE_URL: fake.url, LLM_MODEL: 'fake-model', LLM_TRANSCRIBE_MODEL: 'whisper-test', LLM_FEATURES: 'translate,summary,transcribe', LLM_TIMEOUT_MS: '3000' });
  const { replies } = await playScript(server, user, 'សួស្តី', { ...FISHING_BOAT, nationality: { choice: 'KH' }, location: { text: 'កំពង់ផែមហាជ័យ' } });
  ref = replies.find((r) => r.ticket)!.ticket!.ref;
  // After the screening, a message to the case in their own words.
  await server.sim({ user, text: KM_EN[0]![0] });
  await addStaff(server, 'nok', 'admin', undefined, 'en');
  staff = new StaffClient(server.url);
  await staff.login('nok');
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

describe('the ticket page with translate and summary on', () => {
  it('shows the reporter\'s words beside their machine translation, and a marked summary', async () => {
    const page = await staff.get(`/staff/tickets/${ref}?personal=1`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('machine translation');
    expect(page.text).toContain(KM_EN[0]![0]);
    expect(page.text).toContain('They took my passport and do not let me leave');
    // A free-text answer too.
    expect(page.text).toContain('Mahachai fishing port');
    const card = /id="ai-sum-h"[\s\S]*?<\/section>/.exec(page.text)![0];
    expect(card).toContain('machine-written');
    expect(card).toContain('whose passport was taken');
    expect(card).toContain('Documents taken');
    expect(card).toContain('Not free to leave');
    // An indicator the model made up is not shown.
    expect(card).not.toContain('invented_indicator');
    const row = /<tr><td lang="" class="original">ពួកគេយក[\s\S]*?<\/tr>/.exec(page.text)![0];
    expect(row).toContain('They took my passport');
  });

  it('asks the model into the staff member\'s language, with the schema, and caches what it translated', async () => {
    const before = fake.chats().length;
    await staff.get(`/staff/tickets/${ref}?personal=1`);
    // Same messages, same answers: nothing asked again.
    expect(fake.chats().length).toBe(before);
    const tr = fake.chats().find((h) => h.body.response_format?.json_schema?.name === 'translations')!;
    expect(tr.body.messages[0]!.content).toContain('into English');
    expect(tr.body.response_format?.json_schema?.schema).toMatchObject({ properties: { translations: { type: 'array' } } });
  });

  it('refreshes the summary when a new message arrives', async () => {
    const summaries = () => fake.chats().filter((h) => h.body.response_format?.json_schema?.name === 'case_summary').length;
    const before = summaries();
    await server.sim({ user, text: 'ខ្ញុំនៅតែនៅទីនេះ' });
    await staff.get(`/staff/tickets/${ref}?personal=1`);
    expect(summaries()).toBe(before + 1);
  });

  it('translates a staff message for checking; the reporter receives it in Khmer only after send', async () => {
    await staff.get(`/staff/tickets/${ref}?personal=1`);
    const check = await staff.post(`/staff/tickets/${ref}/assist/draft`, { message: 'Are you safe now?' });
    expect(check.status).toBe(200);
    expect(check.text).toContain('តើអ្នកមានសុវត្ថិភាពឥឡូវនេះទេ?');
    expect(check.text).toContain('Translated back into your language');
    // Nothing went to the reporter yet.
    const waiting: Reply[] = (await fetch(`${server.url}/api/sim/messages?user=${user}`).then((r) => r.json())).replies;
    expect(waiting.map((r) => r.text).join('\n')).not.toContain('សុវត្ថិភាព');

    const sent = await staff.post(`/staff/tickets/${ref}/message`, { message: /name="message" value="([^"]+)"/.exec(check.text)![1]! });
    expect(sent.status).toBe(303);
    const got: Reply[] = (await fetch(`${server.url}/api/sim/messages?user=${user}`).then((r) => r.json())).replies;
    expect(got.map((r) => r.text).join('\n')).toContain('តើអ្នកមានសុវត្ថិភាពឥឡូវនេះទេ?');
  });

  it('shows a voice note to staff with its audio, its transcript and the transcript\'s translation', async () => {
    // The simulator takes no audio: the note comes in as a channel adapter would hand it over.
    const bytes = Buffer.from('OggS\0\x02voice-note', 'latin1');
    const file = await server.services.files.save(bytes, 'audio/ogg', null);
    await server.services.conversation.handle({ channel: 'sim', userId: user, eventId: 'voice-1', messageId: 'voice-1', content: { type: 'media', file } }, { synchronous: true });
    const page = await staff.get(`/staff/tickets/${ref}?personal=1`);
    expect(page.text).toMatch(/Voice note, transcribed by machine:<\/span> ខ្ញុំនៅកំពង់ផែ ជួយខ្ញុំផង/);
    expect(page.text).toMatch(/<audio controls preload="none" src="\/staff\/tickets\/[^"]+\/attachments\/[^"]+"><\/audio>/);
    expect(page.text).toContain(`SHA-256: <code>${file.sha256}</code>`);
    expect(page.text).toContain('I am at the port, please help me');
  });

  it('every call is audited without content', async () => {
    const calls = await server.services.store.recentLlmCalls(50);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.every((c) => c.outcome === 'ok' && ['fake-model', 'whisper-test'].includes(c.model))).toBe(true);
    expect(new Set(calls.map((c) => c.feature))).toEqual(new Set(['translate', 'summary', 'transcribe']));
    expect(JSON.stringify(calls)).not.toContain('passport');
  });

  it('the admin page says which features are on, where data goes, and which are paused after failures', async () => {
    let page = await staff.get('/staff/admin');
    expect(page.text).toContain('Language-model assist');
    expect(page.text).toContain(`<code>${fake.url}</code> (this machine)`);
    expect(page.text).toMatch(/Translation for staff<\/td><td>on/);
    expect(page.text).toMatch(/Voice notes to text<\/td><td>on/);
    expect(page.text).toMatch(/Stories into answers<\/td><td>off/);
    fake.always = 'garbage';
    for (let i = 0; i < 3; i++) await server.services.assist.translate([`new text ${i}`], 'en', []);
    fake.always = undefined;
    page = await staff.get('/staff/admin');
    expect(page.text).toMatch(/Translation for staff<\/td><td><strong class="paused">paused until/);
    expect(page.text).toContain('unusable answer');
    // Paused: the ticket page still opens, with the originals.
    const ticket = await staff.get(`/staff/tickets/${ref}?personal=1`);
    expect(ticket.status).toBe(200);
  });
});

describe('with LLM_FEATURES empty', () => {
  it('not one request is made: conversation, ticket page, admin page', async () => {
    const quiet = await startFakeOpenAI();
    const off = await startServer({ LLM_BASE_URL: quiet.url, LLM_MODEL: 'fake-model', LLM_FEATURES: '' });
    try {
      const { replies } = await playScript(off, 'km-2', 'សួស្តី', { ...FISHING_BOAT, location: { text: 'កំពង់ផែមហាជ័យ' } });
      const r = replies.find((x) => x.ticket)!.ticket!.ref;
      await addStaff(off, 'pim', 'admin', undefined, 'en');
      const c = new StaffClient(off.url);
      await c.login('pim');
      const page = await c.get(`/staff/tickets/${r}?personal=1`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('machine translation');
      expect((await c.get('/staff/admin')).text).toContain('nothing is ever sent to a model');
      expect(quiet.hits).toHaveLength(0);
    } finally {
      await off.close();
      await quiet.close();
    }
  });
});

describe('with redaction on', () => {
  it('no name, phone or passport number of the conversation reaches the model from the ticket page', async () => {
    const model = await startFakeOpenAI();
    model.respond = (hit) =>
      hit.body.response_format?.json_schema?.name === 'case_summary'
        ? { summary: 'A family reports [[NAME_1]] missing in Cambodia.', indicators: ['ransom_demanded'] }
        : { translations: (JSON.parse(userText(hit)) as string[]).map((t) => `EN: ${t}`) };
    const s = await startServer({ LLM_BASE_URL: model.url, LLM_MODEL: 'fake-model', LLM_FEATURES: 'translate,summary', LLM_REDACT: 'on' });
    try {
      const { replies } = await playScript(s, 'fam-1', 'hello', {
        in_danger_now: { choice: 'no' },
        menu: { choice: 'missing' },
        missing_name: { text: 'Sokha Chan' },
        missing_age: { text: '19' },
        relationship: { text: 'my brother' },
        last_contact: { text: 'Sokha called from a compound, his passport AB1234567 was taken; call me on +66 81 234 5678' },
        current_country: { choice: 'KH' },
        ransom_demanded: { choice: 'yes' },
        consent_share: { choice: 'yes' },
        contact_ok: { choice: 'yes' },
        confirm_send: { choice: 'send' },
      });
      const r = replies.find((x) => x.ticket)!.ticket!.ref;
      await addStaff(s, 'dao', 'admin', undefined, 'th');
      const c = new StaffClient(s.url);
      await c.login('dao');
      const page = await c.get(`/staff/tickets/${r}?personal=1`);
      expect(model.chats().length).toBeGreaterThanOrEqual(2);
      const sent = model.chats().map((h) => userText(h)).join('\n');
      for (const secret of ['Sokha', 'Chan', 'AB1234567', '81 234 5678']) expect(sent).not.toContain(secret);
      // Put back for staff.
      expect(page.text).toContain('A family reports Sokha Chan missing in Cambodia.');
      expect(page.text).toContain('EN: Sokha called from a compound, his passport AB1234567 was taken; call me on +66 81 234 5678');
      expect((await s.services.store.recentLlmCalls(5)).every((x) => x.redacted)).toBe(true);
    } finally {
      await s.close();
      await model.close();
    }
  });
});

describe('a model that hangs', () => {
  it('the ticket page opens within the timeout, with the originals and a note that the model did not answer', async () => {
    const model = await startFakeOpenAI();
    model.always = 'hang';
    const s = await startServer({ LLM_BASE_URL: model.url, LLM_MODEL: 'fake-model', LLM_FEATURES: 'translate,summary', LLM_TIMEOUT_MS: '800' });
    try {
      const { replies } = await playScript(s, 'km-3', 'សួស្តី', { ...FISHING_BOAT, location: { text: 'កំពង់ផែមហាជ័យ' } });
      const r = replies.find((x) => x.ticket)!.ticket!.ref;
      await addStaff(s, 'som', 'admin', undefined, 'en');
      const c = new StaffClient(s.url);
      await c.login('som');
      const started = Date.now();
      const page = await c.get(`/staff/tickets/${r}?personal=1`);
      expect(Date.now() - started).toBeLessThan(800 + 1000);
      expect(page.status).toBe(200);
      expect(page.text).toContain('The language model did not answer');
      expect(page.text).toContain('កំពង់ផែមហាជ័យ');
      expect((await s.services.store.recentLlmCalls(5)).map((x) => x.outcome)).toEqual(['timeout', 'timeout']);
    } finally {
      await s.close();
      await model.close();
    }
  });
});
