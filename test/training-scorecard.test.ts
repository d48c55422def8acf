/**
 * The scorecard's reading of words: a note, message or reason that treats the person as an
 * offender is flagged in any staff language; the same word after a negation ("not a suspect") is
 * not; a word inside another is not (English); Thai and Khmer, written without spaces, match inside
 * a sentence.
 */
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../src/definitions.ts';
import { loadTrainingSet } from '../src/training/scenario.ts';
import { suspectWordsIn } from '../src/training/scorecard.ts';

const defs = loadDefinitions('flows', 'locales');
const { suspectWords } = loadTrainingSet('flows', { dictionary: defs.flows.dictionary, policy: defs.policy, directory: defs.directory, languages: defs.translations.languages, staffLanguages: defs.staffLanguages.codes });

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
