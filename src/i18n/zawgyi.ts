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

/**
 * The text in Unicode: converted when it is Zawgyi, unchanged otherwise. Short Unicode words can
 * score high as Zawgyi too, so a conversion is kept only when its result reads as less Zawgyi-like
 * than the input did: real Zawgyi drops to near 0 once converted, misjudged Unicode does not.
 */
export function toUnicode(text: string): string {
  if (!isZawgyi(text)) return text;
  const converted = converter.zawgyiToUnicode(text);
  return detector.getZawgyiProbability(converted) < detector.getZawgyiProbability(text) ? converted : text;
}
