/**
 * The scorecard's reading of words: a note, message or reason that treats the person as an
 * offender is flagged in any staff language; the same word after a negation ("not a suspect") is
 * not; a word inside another is not (English); Thai and Khmer, written without spaces, match inside
 * a sentence. And its first action: what stamps a ticket's response time in the queue and the
 * committee's report counts, a note or an export does not.
 */
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../src/definitions.ts';
import { loadTrainingSet } from '../src/training/scenario.ts';
import type { TicketRecord } from '../src/store/store.ts';
import { scoreRun, suspectWordsIn } from '../src/training/scorecard.ts';

const defs = loadDefinitions('flows', 'locales');
const { suspectWords, scenarios } = loadTrainingSet('flows', { dictionary: defs.flows.dictionary, policy: defs.policy, directory: defs.directory, languages: defs.translations.languages, staffLanguages: defs.staffLanguages.codes });

describe('words that treat a victim as a suspect', () => {
  it.each([
    ['He is a suspect in the fraud.', ['suspect']],
    ['Illegal worker, overstayed.', ['illegal worker']],
    ['Arrested at the border, then sent to shelter', ['arrested']],
    ['Victim of forced criminality, not a suspect.', []],
    ['He is not an offender: forced to scam.', []],
    ['Suspected broken arm, needs a doctor', []],
    ['Criminality forced on him by the gang', []],
    ['เป็นผู้ต้องหาคดีฉ้อโกง', ['ผู้ต้องหา']],
    ['ผู้เสียหาย ไม่ใช่ผู้ต้องหา ส่งต่อ พม.', []],
    ['แรงงานเถื่อน ให้ผลักดันกลับ', ['แรงงานเถื่อน', 'ผลักดันกลับ']],
    ['គាត់ជាជនសង្ស័យក្នុងករណីបោកប្រាស់', ['ជនសង្ស័យ']],
    ['ជនរងគ្រោះ មិនមែនជាជនសង្ស័យទេ', []],
    ['ពលករខុសច្បាប់ ត្រូវចាប់ខ្លួន', ['ចាប់ខ្លួន', 'ពលករខុសច្បាប់']],
  ])('%s', (text, expected) => {
    expect(suspectWordsIn(text, suspectWords).sort()).toEqual([...expected].sort());
  });
});

describe("the trainee's first action", () => {
  const created = Date.parse('2026-03-01T08:00:00.000Z');
  const scenario = scenarios[0]!;
  const ticket = { ref: 'TR-TRAIN-1', createdAt: new Date(created).toISOString(), updatedAt: new Date(created).toISOString(), priority: 'p1', status: 'triaged', outcome: null, answers: {}, referrals: [] } as unknown as TicketRecord;
  const score = (actions: string[]) =>
    scoreRun({
      scenario,
      traineeId: 't1',
      ticket,
      audit: actions.map((action, i) => ({ ticketRef: ticket.ref, actor: 'staff:t1', action, at: new Date(created + (i + 1) * 60_000).toISOString() })),
      notes: [],
      transcript: [],
      targets: { p1: 3_600_000, p2: 7_200_000, p3: 86_400_000 },
      directory: defs.directory,
      suspectWords,
      now: new Date(created + 30 * 60_000),
    }).firstAction;
  it.each([
    [['ticket.claimed'], 'ok', 60_000],
    [['message.sent'], 'ok', 60_000],
    [['service.status_changed'], 'ok', 60_000],
    [['return.step_changed'], 'ok', 60_000],
    // Not acting on the case, as the queue's response time does not count them either.
    [['note.added'], 'pending', undefined],
    [['evidence.exported'], 'pending', undefined],
    [['ticket.viewed', 'note.added', 'referral.created'], 'ok', 180_000],
  ] as const)('%j: %s', (actions, mark, ms) => {
    const first = score([...actions]);
    expect([first.mark, first.ms]).toEqual([mark, ms]);
  });
});
