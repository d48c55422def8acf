/** LINE message building: quick-reply paging, label and text limits, calls of five. */
import { describe, expect, it } from 'vitest';
import { planCalls, partKey } from '../src/channels/line/line-calls.ts';
import { choicePage, inOneCall, LINE_LIMITS, parsePostback, toLineMessages } from '../src/channels/line/line-messages.ts';
import { splitText } from '../src/channels/split-text.ts';
import { choiceCallback, parseCallback, toTelegramMessages } from '../src/channels/telegram/telegram-messages.ts';

const choices = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${i}`, label: `Choice number ${i} with a long label` }));

describe('LINE quick replies', () => {
  it('fits up to 13 choices on one page', () => {
    expect(choicePage(choices(13), 0)).toEqual({ choices: choices(13), more: false });
  });

  it('pages longer lists: 12 and "more", the last page up to 13', () => {
    const list = choices(30);
    expect(choicePage(list, 0)).toEqual({ choices: list.slice(0, 12), more: true });
    expect(choicePage(list, 1)).toEqual({ choices: list.slice(12, 24), more: true });
    expect(choicePage(list, 2)).toEqual({ choices: list.slice(24), more: false });
  });

  it('builds items with postback data, labels cut to 20, and a "more" item', () => {
    const [msg] = toLineMessages({ text: 'Which country?', choices: choices(20) }, 'More ▶');
    const items = msg!.quickReply!.items!;
    expect(items).toHaveLength(LINE_LIMITS.quickReplyItems);
    expect(items.every((i) => (i.action as { label: string }).label.length <= 20)).toBe(true);
    expect((items[0]!.action as { data: string }).data).toBe('c=c0');
    expect(items.at(-1)!.action).toMatchObject({ type: 'postback', label: 'More ▶', data: 'm=1' });
    expect(parsePostback('m=1')).toEqual({ page: 1 });
    expect(parsePostback('c=yes')).toEqual({ choice: ['yes'] });
    expect(parsePostback('c=medical,food')).toEqual({ choice: ['medical', 'food'] });
    expect(parsePostback('x=1')).toBeUndefined();
  });

  it('offers LINE’s own location, camera and photo buttons when the bot waits for them', () => {
    const skip = [{ id: 'skip', label: 'Skip' }];
    const location = toLineMessages({ text: 'Where are you?', choices: skip, expects: { key: 'location', type: 'location' }, inputLabels: { share_location: 'Share location' } }, 'More');
    const items = (m: ReturnType<typeof toLineMessages>) => m[0]?.quickReply?.items?.map((i) => i.action?.type);
    expect(items(location)).toEqual(['location', 'postback']);
    expect(location[0]?.quickReply?.items?.[0]?.action?.label).toBe('Share location');
    const photo = toLineMessages({ text: 'A photo?', choices: skip, expects: { key: 'evidence', type: 'media' }, inputLabels: { camera: 'Camera', photo_library: 'Photos' } }, 'More');
    expect(items(photo)).toEqual(['camera', 'cameraRoll', 'postback']);
  });

  it('splits texts over 5000 characters and puts the quick replies on the last piece', () => {
    const text = `${'word '.repeat(900)}\n\n${'more '.repeat(900)}`;
    const messages = toLineMessages({ text, choices: choices(2) }, 'More');
    expect(messages.length).toBe(2);
    expect(messages.every((m) => m.text.length <= 5000)).toBe(true);
    expect(messages[0]!.quickReply).toBeUndefined();
    expect(messages[1]!.quickReply?.items).toHaveLength(2);
  });

  it('groups rows into calls of at most five messages, in order, one event per group', () => {
    const m = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'text' as const, text: `${n}-${i}` }));
    let k = 0;
    const groups = planCalls(
      [
        { id: 1, replyTo: 'e1', retryKey: null, messages: m(2) },
        { id: 2, replyTo: 'e1', retryKey: null, messages: m(2) },
        { id: 3, replyTo: 'e1', retryKey: null, messages: m(2) },
        { id: 4, replyTo: 'e1', retryKey: null, messages: m(7) },
        { id: 5, replyTo: 'e2', retryKey: null, messages: m(1) },
      ],
      () => `key-${++k}`,
    );
    expect(groups.map((g) => g.ids)).toEqual([[1, 2], [3], [4], [5]]);
    expect(groups.map((g) => g.calls.map((c) => c.messages.length))).toEqual([[4], [2], [5, 2], [1]]);
    expect(groups.map((g) => g.replyTo)).toEqual(['e1', 'e1', 'e1', 'e2']);
    // The second call of a long row has its own key, derived from the row's: the same on a retry.
    expect(groups[2]!.calls[1]!.retryKey).toBe(partKey('key-3', 1));
    expect(groups[2]!.calls[1]!.retryKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps the grouping and keys fixed at the first attempt, whatever arrived since', () => {
    const m = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'text' as const, text: `${n}-${i}` }));
    const groups = planCalls(
      [
        { id: 1, replyTo: 'e1', retryKey: 'K1', messages: m(1) },
        { id: 2, replyTo: 'e1', retryKey: 'K1', messages: m(1) },
        { id: 3, replyTo: 'e1', retryKey: null, messages: m(1) },
      ],
      () => 'new',
    );
    expect(groups.map((g) => [g.ids, g.key, g.fresh])).toEqual([
      [[1, 2], 'K1', false],
      [[3], 'new', true],
    ]);
  });
});

describe("a turn's messages in one call of five", () => {
  const text = (t: string | number, buttons = false) => ({ type: 'text' as const, text: typeof t === 'number' ? 'x'.repeat(t) : t, ...(buttons ? { quickReply: { items: [] } } : {}) });
  const shape = (ms: { text: string; quickReply?: unknown }[]) => ms.map((m) => (m.quickReply ? `${m.text}+buttons` : m.text));

  it.each([
    ['five or fewer, as they are', [text('a'), text('b'), text('c')], ['a', 'b', 'c']],
    [
      // The danger path's seven: the short neighbours joined first, the long list of numbers alone.
      'seven, the shortest neighbours joined',
      [text('You may be in danger.'), text(`Call now: ${'1300 '.repeat(100)}`), text('Another language?'), text('Go somewhere safe.'), text('We never ask for money.'), text('Your reference is TR-1.'), text('Which country?', true)],
      ['You may be in danger.', `Call now: ${'1300 '.repeat(100)}`, 'Another language?\n\nGo somewhere safe.', 'We never ask for money.', 'Your reference is TR-1.\n\nWhich country?+buttons'],
    ],
    ['never past 5,000 characters: six long texts stay six', Array.from({ length: 6 }, () => text(3000)), Array.from({ length: 6 }, () => 'x'.repeat(3000))],
    [
      'a message with buttons is not joined to the one after it',
      [text('a', true), text('b'), text('c'), text('d'), text('e'), text('f')],
      ['a+buttons', 'b\n\nc', 'd', 'e', 'f'],
    ],
  ])('%s', (_, messages, expected) => {
    const fitted = inOneCall(messages);
    expect(shape(fitted)).toEqual(expected);
    expect(fitted.every((m) => m.text.length <= LINE_LIMITS.text)).toBe(true);
  });
});

describe('text splitting', () => {
  it('never cuts a surrogate pair and keeps every character', () => {
    const text = '😀'.repeat(3000);
    const parts = splitText(text, 4096);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join('')).toBe(text);
  });
});

describe('Telegram keyboards', () => {
  it('carries c:<id> in callback_data and leaves out ids over 64 bytes', () => {
    const [msg] = toTelegramMessages({ text: 'Q', choices: [{ id: 'yes', label: 'Yes' }, { id: 'x'.repeat(70), label: 'Too long' }] });
    expect(msg!.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Yes', callback_data: 'c:yes' }]] });
  });

  it('names the question in callback_data when the reply asks one: k:<key>:<id>, read back by parseCallback', () => {
    const [msg] = toTelegramMessages({ text: 'Q', choices: [{ id: 'yes', label: 'Yes' }], expects: { key: 'in_danger_now', type: 'choice' } });
    expect(msg!.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Yes', callback_data: 'k:in_danger_now:yes' }]] });
    // [callback data, what it carries]: old buttons (c:) still read; another bot's data is not ours.
    const table: [string, ReturnType<typeof parseCallback>][] = [
      ['k:in_danger_now:yes', { ids: ['yes'], key: 'in_danger_now' }],
      ['k:happened:documents,debt', { ids: ['documents', 'debt'], key: 'happened' }],
      ['c:yes', { ids: ['yes'] }],
      ['c:', undefined],
      ['k::yes', undefined],
      ['claim:TR-1', undefined],
    ];
    for (const [data, carried] of table) expect(parseCallback(data), data).toEqual(carried);
    // A key too long to fit beside the id falls back to c:<id>.
    expect(choiceCallback('yes', 'k'.repeat(70))).toBe('c:yes');
  });
});
