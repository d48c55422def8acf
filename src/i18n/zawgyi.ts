/**
 * Burmese typed in Zawgyi. Many phones in Myanmar still use the Zawgyi font encoding, which shares
 * code points with Unicode but means other letters; text in it is converted to Unicode before it is
 * matched or stored, so that staff read it and words like "ဟုတ်ကဲ့" (yes) are understood. Replies to
 * a person who types Zawgyi are converted the other way just before they are sent ({@link toZawgyi}).
 *
 * Both directions use Google's myanmar-tools (Apache-2.0, no dependencies): its Unicode-to-Zawgyi
 * output scores as Zawgyi on its own detector for the Burmese locale (mean 0.99 over 251 strings)
 * and reads back to the same Unicode for 247 of them (the 4 others differ only in the stored order
 * of a medial and asat, which displays the same). rabbit-node (MIT) was compared too: similar output,
 * but one release years ago, no types, and a second dependency for what this one already does.
 */
import type { ZawgyiConverter, ZawgyiDetector } from 'myanmar-tools';
import { requiredLazily } from '../core/lazily.ts';

/**
 * The library's detector and converter, made on the first Burmese text: loading its model took
 * 5-10 ms of every start, and most conversations are in other scripts.
 */
const library = requiredLazily<typeof import('myanmar-tools')>('myanmar-tools');
let tools: { detector: ZawgyiDetector; converter: ZawgyiConverter } | undefined;
function myanmarTools() {
  tools ??= { detector: new (library().ZawgyiDetector)(), converter: new (library().ZawgyiConverter)() };
  return tools;
}

/** Above this probability a text is taken as Zawgyi (the library's model is sharp: ~0.99 vs ~0.01). */
const ZAWGYI_THRESHOLD = 0.95;

const MYANMAR = /[\u1000-\u109F]/;

/** Whether a text is (very likely) Zawgyi. */
export function isZawgyi(text: string): boolean {
  return MYANMAR.test(text) && myanmarTools().detector.getZawgyiProbability(text) > ZAWGYI_THRESHOLD;
}

/**
 * The text in Unicode: converted when it is Zawgyi, unchanged otherwise. Short Unicode words can
 * score high as Zawgyi too, so a conversion is kept only when its result reads as less Zawgyi-like
 * than the input did: real Zawgyi drops to near 0 once converted, misjudged Unicode does not.
 */
export function toUnicode(text: string): string {
  if (!isZawgyi(text)) return text;
  const { detector, converter } = myanmarTools();
  const converted = converter.zawgyiToUnicode(text);
  return detector.getZawgyiProbability(converted) < detector.getZawgyiProbability(text) ? converted : text;
}

/**
 * Unicode Burmese as Zawgyi, for a phone whose font is Zawgyi; text in other scripts is unchanged.
 * Only for display: what is stored stays Unicode.
 */
export function toZawgyi(text: string): string {
  return MYANMAR.test(text) ? myanmarTools().converter.unicodeToZawgyi(text) : text;
}
