/**
 * Language: detection from a first message's script, Zawgyi input converted to Unicode, and free
 * text understood as answers in every language.
 */
import { describe, expect, it } from 'vitest';
import { YESNO_VALUES } from '../src/flow/interpret.ts';
import { detectLanguage, languageFromHint, loadLatinWords } from '../src/i18n/detect.ts';
import { TranslationLexicon } from '../src/i18n/lexicon.ts';
import { readLocales, Translations } from '../src/i18n/locales.ts';
import { isZawgyi, toUnicode } from '../src/i18n/zawgyi.ts';

const ALL = ['th', 'en', 'km', 'my', 'lo', 'vi', 'zh'];
const translations = new Translations(readLocales('locales'));
const lexicon = new TranslationLexicon(translations);
const latin = loadLatinWords('locales', ALL);

describe('detecting the language of a first message', () => {
  it.each([
    ['สวัสดีค่ะ ช่วยด้วย', 'th'],
    ['ជំរាបសួរ ខ្ញុំត្រូវការជំនួយ', 'km'],
    ['မင်္ဂလာပါ ကူညီပါ', 'my'],
    ['ສະບາຍດີ ຊ່ວຍແດ່', 'lo'],
    ['你好，请帮帮我', 'zh'],
    ['Xin chào, tôi cần giúp đỡ', 'vi'],
    ['chào', 'vi'],
    ['xin chao', 'vi'],
    ['hello, I need help', 'en'],
    ['123 456', undefined],
    ['🙏', undefined],
  ])('%s -> %s', (text, lang) => {
    expect(detectLanguage(text, ALL, latin)).toBe(lang);
  });

  it('only picks a supported language', () => {
    expect(detectLanguage('ជំរាបសួរ', ['th', 'en'])).toBeUndefined();
  });

  it.each([
    ['th-TH', 'th'],
    ['zh-Hans', 'zh'],
    ['my', 'my'],
    ['fr-FR', undefined],
    [undefined, undefined],
  ])('platform hint %s -> %s', (hint, lang) => {
    expect(languageFromHint(hint, ALL)).toBe(lang);
  });
});

describe('Burmese typed in Zawgyi', () => {
  it.each([
    // Zawgyi, Unicode
    ['ဟုတ္ကဲ့', 'ဟုတ်ကဲ့'],
    ['မ္း', 'မ်း'],
    ['ကၽြန္ေတာ္', 'ကျွန်တော်'],
  ])('%s is converted to %s', (zawgyi, unicode) => {
    expect(isZawgyi(zawgyi)).toBe(true);
    expect(toUnicode(zawgyi)).toBe(unicode);
  });

  it('leaves short Unicode words alone even when the detector is unsure of them', () => {
    for (const text of ['အကူအညီလိုသူ', 'ခမာဘာသာ', 'ကျော်မယ်']) expect(toUnicode(text)).toBe(text);
  });

  it('leaves Unicode Burmese and other scripts alone', () => {
    for (const text of ['ဟုတ်ကဲ့', 'မြန်မာ', 'hello', 'สวัสดี']) {
      expect(isZawgyi(text)).toBe(false);
      expect(toUnicode(text)).toBe(text);
    }
  });
});

describe('free text understood as an answer', () => {
  const yesno = (text: string, lang: string) => lexicon.match(text, YESNO_VALUES, 'value.yesno', lang);
  const country = (text: string, lang: string) => lexicon.match(text, ['TH', 'KH', 'MM', 'LA', 'VN', 'MY', 'CN', 'OTHER'], 'country', lang);

  // [language, yes, no, not sure]
  const words: [string, string, string, string][] = [
    ['en', 'yes', 'no', 'not sure'],
    ['th', 'ใช่', 'ไม่ใช่', 'ไม่แน่ใจ'],
    ['km', 'បាទ', 'ទេ', 'មិនប្រាកដ'],
    ['my', 'ဟုတ်ကဲ့', 'မဟုတ်ဘူး', 'မသေချာဘူး'],
    ['lo', 'ແມ່ນ', 'ບໍ່', 'ບໍ່ແນ່ໃຈ'],
    ['vi', 'có', 'không', 'không chắc'],
    ['zh', '是', '不是', '不确定'],
  ];
  it.each(words)('%s: yes, no and not sure', (lang, y, n, u) => {
    expect(yesno(y, lang)).toBe('yes');
    expect(yesno(n, lang)).toBe('no');
    expect(yesno(u, lang)).toBe('unsure');
  });

  it('polite endings and punctuation do not get in the way', () => {
    expect(yesno('ใช่ค่ะ', 'th')).toBe('yes');
    expect(yesno('Yes!!', 'en')).toBe('yes');
    expect(yesno('ចាស', 'km')).toBe('yes');
  });

  // Cambodia in each language, and Thailand.
  const countries: [string, string, string][] = [
    ['en', 'Cambodia', 'Thailand'],
    ['th', 'กัมพูชา', 'ไทย'],
    ['km', 'កម្ពុជា', 'ថៃ'],
    ['my', 'ကမ္ဘောဒီးယား', 'ထိုင်း'],
    ['lo', 'ກຳປູເຈຍ', 'ໄທ'],
    ['vi', 'Campuchia', 'Thái Lan'],
    ['zh', '柬埔寨', '泰国'],
  ];
  it.each(countries)('%s: countries by name', (lang, kh, th) => {
    expect(country(kh, lang)).toBe('KH');
    expect(country(th, lang)).toBe('TH');
  });

  it('words that mean nothing here match nothing', () => {
    expect(yesno('banana', 'en')).toBeUndefined();
    expect(country('Narnia', 'en')).toBeUndefined();
  });
});
