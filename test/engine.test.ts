/**
 * The flow engine, data-driven: a list of inputs -> where the conversation waits, what it said and
 * asked, what it stored and which effects it asked for. Runs on the shipped flows, with no I/O.
 */
import { describe, expect, it } from 'vitest';
import { DANGER_FLOW, divert, initialState, readStory, step } from '../src/flow/engine.ts';
import { loadFlows } from '../src/flow/load.ts';
import type { Answers, Effect, Input, Out, Proposal, SessionState } from '../src/flow/types.ts';
import { TranslationLexicon } from '../src/i18n/lexicon.ts';
import { readLocales, Translations } from '../src/i18n/locales.ts';

const flows = loadFlows('flows');
const lexicon = new TranslationLexicon(new Translations(readLocales('locales')));

const yes: Input = { type: 'choice', ids: ['yes'] };
const no: Input = { type: 'choice', ids: ['no'] };
const pick = (...ids: string[]): Input => ({ type: 'choice', ids });
const text = (t: string): Input => ({ type: 'text', text: t });

/** Plays inputs from a fresh state; returns the last step's output and everything accumulated. */
function play(inputs: Input[], lang?: string) {
  let state: SessionState | undefined = initialState(flows, lang ? { lang } : {});
  let last: { out: Out[]; effects: Effect[] } = { out: [], effects: [] };
  const effects: Effect[] = [];
  for (const input of [{ type: 'start' } as Input, ...inputs]) {
    const r = step(flows, state, input, lexicon);
    state = r.state;
    last = r;
    effects.push(...r.effects);
  }
  return { state: state!, out: last.out, effects };
}

const said = (out: Out[]) =>
  // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every kind of Out; tsc checks that it returns
  out.map((o): string => {
    switch (o.kind) {
      case 'say':
        return o.key;
      case 'show':
        return `[${o.block}]`;
      case 'ask':
        return `?${o.key}${o.offerMessage ? '+message' : ''}${o.picked ? `(${o.picked.join(',')})` : ''}`;
      case 'picked':
        return `+${o.ids.join(',')}`;
      case 'miss':
        return `!${o.reason}`;
      case 'confirm':
        return `=${o.key}${o.proposed ? '?' : ''}`;
      case 'proposals':
        return `~${o.items.map((p) => p.key).join(',')}`;
    }
  });

interface Case {
  name: string;
  lang?: string;
  inputs: Input[];
  /** Where the conversation waits afterwards (flow/node), or 'ended'. */
  at: string;
  /** The last step's output, in order (exact). */
  out?: string[];
  /** Some of the last step's output, in this order. */
  outIncludes?: string[];
  /** Keys that must have no answer afterwards. */
  unanswered?: string[];
  answers?: Answers;
  effects?: Effect['type'][];
  misses?: number;
}

const cases: Case[] = [
  { name: 'a new conversation asks the language first', inputs: [], at: 'entry/ask_lang', out: ['entry.choose_language', '?lang'] },
  {
    name: 'a known language goes straight to the notice and the danger question',
    lang: 'en',
    inputs: [],
    at: 'entry/ask_danger',
    out: ['entry.welcome', 'entry.safety', 'entry.ask_danger', '?in_danger_now'],
  },
  { name: 'choosing a language sets it', inputs: [pick('th')], at: 'entry/ask_danger', answers: { lang: 'th' } },
  { name: 'danger asks where the person is', lang: 'en', inputs: [yes], at: 'entry/ask_danger_country', out: ['entry.ask_danger_country', '?current_country'] },
  {
    name: 'danger shows the numbers, creates the ticket at once, then goes on',
    lang: 'en',
    inputs: [yes, pick('KH')],
    at: 'entry/ask_menu',
    out: ['[emergency_numbers]', 'emergency.stay_safe', '[ticket]', 'emergency.go_on', 'entry.ask_menu', '?menu'],
    effects: ['create_ticket'],
  },
  { name: 'no danger: who needs help', lang: 'en', inputs: [no], at: 'entry/ask_menu', effects: [] },
  { name: 'a victim is asked where they are', lang: 'en', inputs: [no, pick('help_me')], at: 'victim/ask_country' },
  { name: 'a witness is asked what they saw', lang: 'en', inputs: [no, pick('witness')], at: 'witness/ask_account', answers: { role: 'witness' } },
  { name: 'the menu sets the role', lang: 'en', inputs: [no, pick('help_me')], at: 'victim/ask_country', answers: { role: 'self' } },
  { name: 'the menu cannot be skipped', lang: 'en', inputs: [no, pick('skip')], at: 'entry/ask_menu', outIncludes: ['!required'] },
  {
    name: 'checking a case from the menu shows the status and comes back to the menu',
    lang: 'en',
    inputs: [no, pick('check_case')],
    at: 'entry/ask_menu',
    out: ['[status]', 'entry.ask_menu', '?menu'],
  },
  {
    name: 'emergency numbers from the menu, for a chosen country',
    lang: 'en',
    inputs: [no, pick('numbers'), pick('LA')],
    at: 'entry/ask_menu',
    out: ['[hotlines]', 'safety.fake_helpers', 'entry.ask_menu', '?menu'],
  },
  {
    name: 'after two unusable answers, the bot offers to take a message for staff',
    lang: 'en',
    inputs: [pick('x'), text('purple')],
    at: 'entry/ask_danger',
    out: ['!unknown_choice', 'miss.offer_message', 'entry.ask_danger', '?in_danger_now+message'],
  },
  {
    name: 'the message for staff, then consent',
    lang: 'en',
    inputs: [pick('x'), text('purple'), pick('leave_message'), text('ช่วยด้วย พวกเขายึดพาสปอร์ต')],
    at: 'finish/ask_consent',
    answers: { free_message: 'ช่วยด้วย พวกเขายึดพาสปอร์ต' },
    misses: 0,
  },
  { name: 'leave_message is not a way around a question before two misses', lang: 'en', inputs: [pick('leave_message')], at: 'entry/ask_danger', misses: 1 },
  {
    name: 'the country given in an emergency is not asked again',
    lang: 'en',
    inputs: [yes, pick('TH'), pick('help_me')],
    at: 'victim/ask_nationality',
  },
  { name: 'a family member is asked for the missing person', lang: 'en', inputs: [no, pick('missing')], at: 'family/ask_missing_name' },
  {
    name: 'an age under 18 makes the missing person a child',
    lang: 'en',
    inputs: [no, pick('missing'), text('Somchai'), text('16')],
    at: 'family/ask_country',
    answers: { missing_name: 'Somchai', missing_age: 16, age_group: 'child' },
  },
  {
    name: 'an adult age',
    lang: 'en',
    inputs: [no, pick('missing'), text('Somchai'), text('34 years')],
    at: 'family/ask_country',
    answers: { missing_age: 34, age_group: 'adult' },
  },
  // A typed age is the one number in range; two are asked for again, never run together.
  ...(
    [
      ['th', '5 ขวบ 6 เดือน', undefined],
      ['en', '2 or 3', undefined],
      ['en', '17 or 18', undefined],
      ['en', 'he is 25, went in 2023', 25],
      ['th', '16 ปี เกิดปี 2551', 16],
      ['zh', '二十五岁', 25],
      ['th', '๓๐ ปี', 30],
    ] as const
  ).map(
    ([lang, typed, age]): Case =>
      age === undefined
        ? { name: `"${typed}" (${lang}) is asked for again as one number`, lang, inputs: [no, pick('missing'), text('Somchai'), text(typed)], at: 'family/ask_missing_age', outIncludes: ['!one_number'], misses: 1 }
        : { name: `"${typed}" (${lang}) is the age ${age}`, lang, inputs: [no, pick('missing'), text('Somchai'), text(typed)], at: 'family/ask_country', answers: { missing_age: age, age_group: age < 18 ? 'child' : 'adult' } },
  ),
  {
    name: 'a ransom demand picked in the list gets advice before consent',
    lang: 'en',
    inputs: [no, pick('missing'), ...Array(4).fill(pick('skip')), pick('ransom', 'deceived')],
    at: 'finish/ask_consent',
    outIncludes: ['family.ransom_advice', '[summary]', '?consent_share'],
    answers: { ransom_demanded: 'yes', deceived_about_job: 'yes' },
  },
  {
    name: 'a ransom demand answered one by one gets advice before the next question',
    lang: 'en',
    inputs: [no, pick('missing'), ...Array(4).fill(pick('skip')), pick('one_by_one'), yes],
    at: 'family/ask_deceived',
    outIncludes: ['family.ransom_advice', '?deceived_about_job'],
  },
  {
    name: 'what decides priority and routing comes first, then the list of what happened',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('TH'), pick('MM')],
    at: 'victim/ask_age',
  },
  {
    name: 'each picked item records its key; what is not picked records nothing',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('TH'), pick('MM'), pick('adult'), pick('documents', 'cannot_leave')],
    at: 'finish/ask_consent_scope',
    answers: { documents_taken: 'yes', free_to_leave: 'no', happened: ['documents', 'cannot_leave'] },
  },
  {
    name: 'input not understood while items are tapped: the question again says what is tapped and offers "done"',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('TH'), pick('MM'), pick('adult'), pick('documents'), text('blah blah')],
    at: 'victim/ask_happened',
    outIncludes: ['+documents', '?happened(documents)'],
    misses: 1,
  },
  {
    name: 'a skip tapped (an older message\'s button) once items are tapped keeps them',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('TH'), pick('MM'), pick('adult'), pick('documents'), text('blah blah'), pick('skip')],
    at: 'finish/ask_consent_scope',
    answers: { documents_taken: 'yes', happened: ['documents'] },
  },
  {
    name: 'a skip word typed once items are tapped keeps them',
    lang: 'th',
    inputs: [no, pick('help_me'), pick('TH'), pick('MM'), pick('adult'), pick('documents'), pick('cannot_leave'), text('ข้าม')],
    at: 'finish/ask_consent_scope',
    answers: { documents_taken: 'yes', free_to_leave: 'no', happened: ['documents', 'cannot_leave'] },
  },
  {
    name: 'items tapped before turning to "write to staff" are kept',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('TH'), pick('MM'), pick('adult'), pick('documents'), pick('debt'), text('blah'), text('blah'), pick('leave_message')],
    at: 'message/ask_message',
    answers: { happened: ['documents', 'debt'], documents_taken: 'yes' },
  },
  { name: 'a typed "yes" at the read-back of a country confirms it', lang: 'en', inputs: [no, pick('help_me'), pick('TH'), text('thai'), text('yes')], at: 'victim/ask_age', answers: { nationality: 'TH' } },
  { name: 'a typed "no" at the read-back of a country asks for the right button, without "not understood"', lang: 'th', inputs: [no, pick('help_me'), pick('TH'), text('thai'), text('ไม่ใช่')], at: 'victim/ask_nationality', out: ['=nationality'], misses: 0 },
  // [language, typed] where a place is asked, then where a photo is: nothing to give is a skip.
  ...(
    [
      ['en', 'no'],
      ['th', 'ไม่มี'],
      ['zh', '不知道'],
    ] as const
  ).flatMap(([lang, typed]): Case[] => [
    { name: `"${typed}" (${lang}) where the place is asked skips it`, lang, inputs: [no, pick('help_me'), pick('TH'), ...Array(3).fill(pick('skip')), yes, pick('skip'), pick('skip'), text(typed)], at: 'finish/ask_evidence', unanswered: ['location'] },
    { name: `"${typed}" (${lang}) where a photo is asked skips it`, lang, inputs: [no, pick('help_me'), pick('TH'), ...Array(3).fill(pick('skip')), yes, pick('skip'), pick('skip'), pick('skip'), text(typed)], at: 'ended', unanswered: ['evidence'] },
  ]),
  { name: 'a skip with nothing tapped still skips the list', lang: 'en', inputs: [no, pick('help_me'), pick('TH'), pick('MM'), pick('adult'), pick('skip')], at: 'finish/ask_consent_scope', answers: { current_country: 'TH' } },
  {
    name: 'one by one asks the yes/no questions, passing those already picked',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('TH'), pick('MM'), pick('adult'), pick('documents', 'one_by_one'), yes],
    at: 'victim/ask_free_to_leave',
    answers: { deceived_about_job: 'yes', documents_taken: 'yes' },
  },
  {
    name: 'a skip word inside an answer is part of the answer',
    lang: 'th',
    inputs: [no, pick('help_me'), pick('MM'), pick('skip'), pick('skip'), pick('skip'), pick('thailand'), pick('skip'), pick('skip'), text('ข้ามไปฝั่งพม่า ที่เมียวดี')],
    at: 'finish/ask_evidence',
    answers: { location: { text: 'ข้ามไปฝั่งพม่า ที่เมียวดี' } },
  },
  { name: 'a typed skip word alone skips', lang: 'th', inputs: [no, pick('help_me'), pick('MM'), pick('skip'), pick('skip'), pick('skip'), pick('thailand'), pick('skip'), pick('skip'), text('ข้าม')], at: 'finish/ask_evidence', answers: { current_country: 'MM' } },
  { name: '"yes" to "are you under 18?" means a child', lang: 'en', inputs: [no, pick('help_me'), pick('TH'), pick('skip'), text('yes'), pick('child')], at: 'victim/ask_happened', answers: { age_group: 'child' } },
  { name: 'skip records nothing and moves on', lang: 'en', inputs: [pick('skip')], at: 'entry/ask_menu', answers: { lang: 'en' } },
  { name: 'an unknown choice is a miss, and the question is asked again', lang: 'en', inputs: [pick('maybe-later')], at: 'entry/ask_danger', out: ['!unknown_choice', 'entry.ask_danger', '?in_danger_now'], misses: 1 },
  { name: 'two misses in a row are counted', lang: 'en', inputs: [pick('x'), text('purple')], at: 'entry/ask_danger', misses: 2 },
  { name: 'a good answer resets the misses', lang: 'en', inputs: [pick('x'), no], at: 'entry/ask_menu', misses: 0 },
  { name: 'a photo where yes/no is asked is the wrong type', lang: 'en', inputs: [{ type: 'media', attachmentId: 'a1' }], at: 'entry/ask_danger', outIncludes: ['!wrong_type'] },
  {
    name: 'a shared location answers the place, after consent',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('TH'), ...Array(3).fill(pick('skip')), yes, pick('skip'), pick('skip'), { type: 'location', lat: 13.5, lon: 100.27 }],
    at: 'finish/ask_evidence',
    answers: { location: { lat: 13.5, lon: 100.27 } },
  },
  {
    name: 'needs are a multi-select, typed or tapped',
    lang: 'en',
    inputs: [no, pick('help_me'), ...Array(4).fill(pick('skip')), yes, pick('skip'), text('shelter, To go home'), pick('done')],
    at: 'finish/ask_location',
    answers: { needs: ['shelter', 'go_home'] },
  },
  {
    name: 'a multi-select tapped one at a time: each tap is added and the rest offered',
    lang: 'en',
    inputs: [no, pick('help_me'), ...Array(4).fill(pick('skip')), yes, pick('skip'), pick('shelter'), pick('food')],
    at: 'finish/ask_needs',
    out: ['+shelter,food', 'victim.ask_needs', '?needs(shelter,food)'],
  },
  {
    name: '"done" answers the multi-select with what was tapped',
    lang: 'en',
    inputs: [no, pick('help_me'), ...Array(4).fill(pick('skip')), yes, pick('skip'), pick('shelter'), pick('food'), pick('done')],
    at: 'finish/ask_location',
    answers: { needs: ['shelter', 'food'] },
  },
  {
    name: 'the same tap twice counts once',
    lang: 'en',
    inputs: [no, pick('help_me'), ...Array(4).fill(pick('skip')), yes, pick('skip'), pick('go_home'), pick('go_home'), pick('done')],
    at: 'finish/ask_location',
    answers: { needs: ['go_home'] },
  },
  {
    name: 'consent cannot be skipped',
    lang: 'en',
    inputs: [no, pick('help_me'), ...Array(4).fill(pick('skip')), pick('skip')],
    at: 'finish/ask_consent',
    outIncludes: ['!required', '?consent_share'],
  },
  {
    name: 'no consent: numbers to call, no ticket, the end',
    lang: 'en',
    inputs: [no, pick('help_me'), ...Array(4).fill(pick('skip')), no],
    at: 'ended',
    out: ['consent.declined', '[hotlines]', 'safety.fake_helpers', 'end.goodbye'],
    // Not in danger and no consent: a ticket opened on words read as danger would be closed.
    effects: ['withdraw_ticket', 'end'],
  },
  {
    name: 'a Thai in Thailand is asked yes or no, not about other countries',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('TH'), pick('TH'), pick('skip'), pick('skip')],
    at: 'finish/ask_consent',
  },
  {
    name: 'a Thai abroad is asked one consent question with three answers',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('KH'), pick('TH'), pick('skip'), pick('skip')],
    at: 'finish/ask_consent_scope',
    out: ['[summary]', 'quick.ask_scope', '?consent_scope'],
  },
  {
    name: '"also the other country" sets both consents',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('KH'), pick('TH'), pick('skip'), pick('skip'), pick('abroad_too')],
    at: 'finish/ask_contact',
    answers: { consent_share: 'yes', consent_cross_border: 'yes' },
    effects: ['create_ticket'],
  },
  {
    name: '"in Thailand" shares in Thailand only',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('KH'), pick('TH'), pick('skip'), pick('skip'), pick('thailand')],
    at: 'finish/ask_contact',
    answers: { consent_share: 'yes', consent_cross_border: 'no' },
  },
  {
    name: '"no" of the three shares nothing',
    lang: 'en',
    inputs: [no, pick('help_me'), pick('KH'), pick('TH'), pick('skip'), pick('skip'), pick('no')],
    at: 'ended',
    answers: { consent_share: 'no' },
    effects: ['withdraw_ticket', 'end'],
  },
  {
    name: 'the summary is read back with the consent question, before anything is sent',
    lang: 'en',
    inputs: [no, pick('help_me'), ...Array(4).fill(pick('skip'))],
    at: 'finish/ask_consent',
    out: ['[summary]', 'consent.ask_share', '?consent_share'],
    effects: [],
  },
  {
    name: 'consent creates the ticket at once; what follows enriches it',
    lang: 'en',
    inputs: [no, pick('help_me'), ...Array(4).fill(pick('skip')), yes],
    at: 'finish/ask_contact',
    out: ['[ticket]', 'quick.more', 'consent.ask_contact', '?contact_ok'],
    effects: ['create_ticket'],
  },
  {
    name: 'the screening ends after the last question',
    lang: 'en',
    inputs: [no, pick('help_me'), ...Array(4).fill(pick('skip')), yes, ...Array(4).fill(pick('skip'))],
    at: 'ended',
    out: ['ticket.next_steps', 'safety.fake_helpers', 'end.goodbye'],
    effects: ['create_ticket', 'end'],
  },
];

describe('flow engine', () => {
  it.each(cases)('$name', (c) => {
    const { state, out, effects } = play(c.inputs, c.lang);
    expect(state.ended ? 'ended' : `${state.flow}/${state.node}`).toBe(c.at);
    if (c.out) expect(said(out)).toEqual(c.out);
    if (c.outIncludes) {
      const s = said(out);
      const positions = c.outIncludes.map((k) => s.indexOf(k));
      expect(positions.every((p) => p >= 0), `${s.join(' ')} should include ${c.outIncludes.join(' ')}`).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
    if (c.answers) expect(state.answers).toMatchObject(c.answers);
    for (const key of c.unanswered ?? []) expect(state.answers[key], key).toBeUndefined();
    if (c.effects) expect(effects.map((e) => e.type)).toEqual(c.effects);
    if (c.misses !== undefined) expect(state.misses).toBe(c.misses);
  });

  it('an ended conversation starts again on the next input, keeping the language', () => {
    const ended = play([no, pick('help_me'), ...Array(4).fill(pick('skip')), no], 'th').state;
    const again = step(flows, ended, text('hello'), lexicon);
    expect(`${again.state.flow}/${again.state.node}`).toBe('entry/ask_danger');
    expect(again.state.lang).toBe('th');
    expect(again.state.answers).toEqual({ lang: 'th' });
  });

  it('is pure: the state passed in is not changed', () => {
    const before = play([no], 'en').state;
    const copy = structuredClone(before);
    step(flows, before, pick('help_me'), lexicon);
    expect(before).toEqual(copy);
  });
});

describe('the danger path, from any step', () => {
  const danger = { flow: DANGER_FLOW, node: flows.flows.get(DANGER_FLOW)!.start };

  it('shows the numbers and creates the ticket at once, confirms with one tap, and goes back to the question', () => {
    const mid = play([no, pick('help_me'), pick('TH')], 'en').state;
    expect(`${mid.flow}/${mid.node}`).toBe('victim/ask_nationality');
    const d = divert(flows, mid, danger, { set: { in_danger_now: 'yes' }, resume: { flow: mid.flow, node: mid.node } });
    expect(said(d.out)).toEqual(['danger.understood', '[emergency_numbers]', 'emergency.stay_safe', '[ticket]', 'danger.confirm', '?in_danger_now']);
    expect(d.effects.map((e) => e.type)).toEqual(['create_ticket']);
    expect(d.state.answers.in_danger_now).toBe('yes');
    const back = step(flows, d.state, yes, lexicon);
    expect(`${back.state.flow}/${back.state.node}`).toBe('victim/ask_nationality');
    expect(said(back.out)).toEqual(['emergency.go_on', 'victim.ask_nationality', '?nationality']);
    expect(back.state.resume).toBeUndefined();
  });

  it('asks the country after every country’s numbers when it is not known', () => {
    const fresh = initialState(flows, { lang: 'en' });
    const d = divert(flows, fresh, danger, { set: { in_danger_now: 'yes' } });
    expect(said(d.out)).toEqual(['danger.understood', '[emergency_numbers]', 'emergency.stay_safe', 'entry.safety', '[ticket]', 'danger.ask_country', '?current_country']);
    const local = step(flows, d.state, pick('KH'), lexicon);
    expect(said(local.out)).toEqual(['[emergency_numbers]', 'danger.confirm', '?in_danger_now']);
    // A new conversation: the welcome and the menu follow, the danger question already answered.
    const after = step(flows, local.state, no, lexicon);
    expect(`${after.state.flow}/${after.state.node}`).toBe('entry/ask_menu');
    expect(said(after.out)).toEqual(['entry.welcome', 'entry.ask_menu', '?menu']);
    expect(after.state.answers.in_danger_now).toBe('no');
  });

  it('an ended conversation comes alive for the danger path and ends again', () => {
    const ended = play([no, pick('help_me'), ...Array(4).fill(pick('skip')), yes, ...Array(4).fill(pick('skip'))], 'en').state;
    expect(ended.ended).toBe(true);
    const d = divert(flows, ended, danger, { set: { in_danger_now: 'yes' }, resume: { flow: ended.flow, node: ended.node } });
    expect(d.state.ended).toBe(false);
    // The country was skipped before: asked now, skipped again; then the one-tap confirm.
    const after = step(flows, d.state, pick('skip'), lexicon);
    expect(`${after.state.flow}/${after.state.node}`).toBe('danger/confirm');
    const confirmed = step(flows, after.state, yes, lexicon);
    expect(confirmed.state.ended).toBe(true);
    expect(said(confirmed.out)).toEqual(['emergency.go_on', 'end.goodbye']);
  });
});

describe("a story's proposals (issue 13 item 2), pure", () => {
  const story = text('a story in the person’s own words');
  /** [name, inputs before the story, proposals, taps after it, where it waits, last output, answers (undefined: absent)] */
  const STORIES: [string, Input[], Proposal[], Input[], string, string[], Record<string, unknown>][] = [
    [
      'read back at once, one at a time, nothing stored before a tap',
      [no, pick('help_me')],
      [{ key: 'documents_taken', value: 'yes' }, { key: 'nationality', value: 'KH' }],
      [],
      'victim/ask_country',
      ['~documents_taken,nationality', '=documents_taken?'],
      { documents_taken: undefined, nationality: undefined },
    ],
    [
      'a confirmed answer to the question passes it, and the next ones it settles',
      [no, pick('help_me')],
      [{ key: 'current_country', value: 'TH' }, { key: 'nationality', value: 'KH' }],
      [pick('TH'), pick('KH')],
      'victim/ask_age',
      ['victim.ask_age', '?age_group'],
      { current_country: 'TH', nationality: 'KH' },
    ],
    [
      'a correction is stored as corrected',
      [no, pick('help_me')],
      [{ key: 'nationality', value: 'KH' }],
      [pick('MM')],
      'victim/ask_country',
      ['victim.ask_country', '?current_country'],
      { nationality: 'MM' },
    ],
    [
      'skip stores nothing',
      [no, pick('help_me')],
      [{ key: 'documents_taken', value: 'yes' }],
      [pick('skip')],
      'victim/ask_country',
      ['victim.ask_country', '?current_country'],
      { documents_taken: undefined },
    ],
    [
      'a list is confirmed with "right", and "wrong" drops it',
      [no, pick('help_me')],
      [{ key: 'needs', value: ['shelter'] }, { key: 'missing_age', value: 30 }],
      [pick('wrong'), pick('right')],
      'victim/ask_country',
      ['victim.ask_country', '?current_country'],
      { needs: undefined, missing_age: 30 },
    ],
    [
      'a typed "yes" confirms a list; typed words that say nothing ask again',
      [no, pick('help_me')],
      [{ key: 'needs', value: ['shelter'] }],
      [text('purple'), text('yes')],
      'victim/ask_country',
      ['victim.ask_country', '?current_country'],
      { needs: ['shelter'] },
    ],
    [
      'at "which of these happened?", the list comes back with the confirmed ones picked',
      [no, pick('help_me'), pick('TH'), pick('KH'), pick('adult')],
      [{ key: 'documents_taken', value: 'yes' }, { key: 'wages_withheld', value: 'yes' }],
      [yes, no],
      'victim/ask_happened',
      ['+documents', 'quick.ask_happened', '?happened(documents)'],
      { documents_taken: 'yes', wages_withheld: 'no' },
    ],
    [
      'at a question that takes words, the words are stored first; the question is passed after',
      [no, pick('witness')],
      [{ key: 'current_country', value: 'TH' }],
      [pick('TH')],
      'witness/ask_nationality',
      ['victim.ask_nationality', '?nationality'],
      { witness_account: 'a story in the person’s own words', current_country: 'TH' },
    ],
    [
      'a proposal for a key already answered is dropped',
      [no, pick('help_me'), pick('TH')],
      [{ key: 'current_country', value: 'KH' }, { key: 'documents_taken', value: 'yes' }],
      [],
      'victim/ask_nationality',
      ['~documents_taken', '=documents_taken?'],
      { current_country: 'TH' },
    ],
  ];
  it.each(STORIES)('%s', (_name, before, proposals, taps, at, out, answers) => {
    let { state } = play(before, 'en');
    let r = readStory(flows, state, story as Extract<Input, { type: 'text' }>, proposals, lexicon);
    state = r.state;
    for (const tap of taps) ({ state } = r = step(flows, state, tap, lexicon));
    expect(`${state.flow}/${state.node}`).toBe(at);
    expect(said(r.out)).toEqual(out);
    for (const [key, value] of Object.entries(answers)) expect(state.answers[key]).toEqual(value);
  });

  it('on the way to the emergency numbers, the proposals wait for the first question after them', () => {
    const { state } = play([yes], 'en');
    const r = readStory(flows, state, story as Extract<Input, { type: 'text' }>, [{ key: 'documents_taken', value: 'yes' }], lexicon);
    expect(said(r.out)).not.toContain('=documents_taken?');
    const after = step(flows, r.state, pick('KH'), lexicon);
    expect(said(after.out).slice(0, 2)).toEqual(['[emergency_numbers]', 'emergency.stay_safe']);
    expect(said(after.out)).toContain('=documents_taken?');
  });
});
