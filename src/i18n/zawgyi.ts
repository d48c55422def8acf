/**
 * Burmese typed in Zawgyi. Many phones in Myanmar still use the Zawgyi font encoding, which shares
 * code points with Unicode but means other letters; text in it is converted to Unicode before it is
 * matched or stored, so that staff read it and words like "ဟုတ်ကဲ့" (yes) are understood.
 */
import myanmarTools from 'myanmar-tools';

const detector = new myanmarTools.ZawgyiDetector();
const converter = new myanmarTools.ZawgyiConverter();

/** Above this probability a text is taken as Zawgyi (the library's model is sharp: ~0.99 vs ~0.01). */
const ZAWGYI_THRESHOLD = 0.95;

const MYANMAR = /[\u1000-\u109F]/;

/** Whether a text is (very likely) Zawgyi. */
export function isZawgyi(text: string): boolean {
  return MYANMAR.test(text) && detector.getZawgyiProbability(text) > ZAWGYI_THRESHOLD;
}

/** The text in Unicode: converted when it is Zawgyi, unchanged otherwise. */
export function toUnicode(text: string): string {
  return isZawgyi(text) ? converter.zawgyiToUnicode(text) : text;
}
