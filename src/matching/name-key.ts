/**
 * Names written in any of the seven scripts (Thai, Khmer, Burmese, Lao, Chinese, Vietnamese) or in
 * Latin letters, brought to one form that can be compared: transliterated to Latin letters with
 * `any-ascii`, split into words, and each word reduced to its consonant skeleton, because vowels are
 * what transliterations and spellings disagree on most ("สุข" → "sukh", Khmer "សុខ" → "sokh", and
 * the person's own "Sok" all become "sk"). Word order is ignored (family and given names swap).
 * Known limits: Thai silent letters (การันต์) and final consonants read otherwise than written
 * (ร, ล as n) are only partly caught; Chinese is compared in Mandarin pinyin.
 */
import anyAscii from 'any-ascii';

/** The words of a name in Latin letters, lower case. */
export function latinWords(name: string): string[] {
  // Thai letters under a การันต์ (์) are not pronounced: จันทร์ is "chan" (ทร์ both silent).
  const spoken = name.normalize('NFC').replace(/(?:[ทต]ร|[ก-ฮ][ิุ]?)\u0E4C/g, '');
  return anyAscii(spoken)
    // Pinyin comes joined and capitalised ("WangWei"): split before each capital.
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length > 0);
}

/** Letters that transliterations of the same sound disagree on: จ/ช/ဇ/ជ come out as c, j, ch, z, s. */
function sameSound(word: string): string {
  return word.replace(/[cjzx]/g, 's').replace(/q/g, 'k').replace(/v/g, 'w');
}

/** A word's consonants without h, w and y (which transliterations add or drop: "kh"/"k", "ph"/"p"), doubled letters once. */
function consonants(word: string): string {
  return sameSound(word).replace(/[aeiouhwy]/g, '').replace(/(.)\1+/g, '$1');
}

/**
 * A word's skeleton: its consonants ("sukh" and "sok" are both "sk"). A word with one consonant
 * keeps it with a mark ("wei" is "w_", "si" is "s_"), so that it still counts as a word.
 */
export function skeleton(word: string): string {
  const c = consonants(word);
  if (c.length >= 2) return c;
  return `${c || sameSound(word)[0]}_`;
}

/** The skeletons of a name's words. */
export function nameSkeletons(name: string): string[] {
  return latinWords(name).map(skeleton);
}


/**
 * How much two names agree, 0 to 1: the share of words whose skeletons agree, over the longer
 * name, in any order (`Sok Dara` and `สุข ดารา` give 1; `Sok Dara` and `Dara` 0.5); or 1 when the
 * whole names have the same consonants (Burmese names come without spaces: ဇော်မင်း, Zaw Min).
 */
export function nameSimilarity(a: string, b: string): number {
  const x = nameSkeletons(a);
  const y = nameSkeletons(b);
  if (!x.length || !y.length) return 0;
  const left = [...y];
  let matched = 0;
  for (const s of x) {
    const i = left.indexOf(s);
    if (i >= 0) {
      matched++;
      left.splice(i, 1);
    }
  }
  const wa = wholeName(a);
  if (wa.length >= 3 && wa === wholeName(b)) return 1;
  return matched / Math.max(x.length, y.length);
}

/** A whole name's consonants in one string (for names written without spaces). */
function wholeName(name: string): string {
  return latinWords(name).map(consonants).join('').replace(/(.)\1+/g, '$1');
}

/**
 * The keys a name is looked up by: its words' skeletons (those with one consonant only when there
 * is nothing else: they are common), and its whole consonant string.
 */
export function nameKeys(name: string): string[] {
  const words = nameSkeletons(name);
  const strong = words.filter((w) => !w.endsWith('_'));
  const whole = wholeName(name);
  return [...new Set([...(strong.length ? strong : words).map((w) => `n:${w}`), ...(whole.length >= 3 ? [`w:${whole}`] : [])])];
}
