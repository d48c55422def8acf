/**
 * Names across the seven scripts and Latin letters (src/matching/name-key.ts): the same name as a
 * family writes it and as the person writes it agree; different names do not.
 */
import { describe, expect, it } from 'vitest';
import { nameSimilarity } from '../src/matching/name-key.ts';
import { handleKeys, phoneKeys } from '../src/matching/match-score.ts';

const SAME: [string, string, string][] = [
  ['Thai letters, Khmer name', 'สุข ดารา', 'Sok Dara'],
  ['Khmer letters', 'សុខ ដារ៉ា', 'Sok Dara'],
  ['Khmer letters, words swapped', 'ដារ៉ា សុខ', 'Sok Dara'],
  ['Khmer in Thai letters, silent letters', 'จันทร์ ธี', 'Chan Thy'],
  ['Khmer', 'ចាន់ ធី', 'Chan Thy'],
  ['Lao', 'ຄຳ ສີ', 'Kham Si'],
  ['Lao, one word', 'ສົມພອນ', 'Somphone'],
  ['Burmese, with a space', 'ဇော် မင်း', 'Zaw Min'],
  ['Burmese, without a space', 'ဇော်မင်း', 'Zaw Min'],
  ['Burmese name in Thai letters', 'ซอ มิน', 'Zaw Min'],
  ['Chinese', '王伟', 'Wang Wei'],
  ['Vietnamese without marks', 'Nguyễn Văn An', 'Nguyen Van An'],
  ['Thai', 'สมชาย ใจดี', 'Somchai Jaidee'],
];
const DIFFERENT: [string, string][] = [
  ['Sok Dara', 'Chan Thy'],
  ['สมชาย', 'Somsak'],
  ['Mya Mya', 'Aye Aye'],
  ['王伟', 'Li Na'],
];

describe('names in any script', () => {
  it.each(SAME)('%s: %s = %s', (_what, a, b) => {
    expect(nameSimilarity(a, b)).toBe(1);
    expect(nameSimilarity(b, a)).toBe(1);
  });
  it.each(DIFFERENT)('%s is not %s', (a, b) => {
    expect(nameSimilarity(a, b)).toBe(0);
  });
  it('half a name is half a match', () => {
    expect(nameSimilarity('Sok Dara', 'ดารา')).toBe(0.5);
  });
  it('finds phone numbers in any digits, and chat handles', () => {
    expect(phoneKeys('โทร ๐๘๑-๒๓๔-๕๖๗๘')).toEqual(['12345678']);
    expect(phoneKeys('+66 81 234 5678, ០៨១២៣៤៥៦៧៨')).toEqual(['12345678', '12345678']);
    expect(phoneKeys('born 1999')).toEqual([]);
    expect(handleKeys('LINE: sokdara99, or @dara_k on Telegram')).toEqual(['dara_k', 'sokdara99']);
  });
});
