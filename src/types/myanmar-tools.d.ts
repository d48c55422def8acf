/** Types for `myanmar-tools` (Google's Zawgyi detector and converter), which ships none. */
declare module 'myanmar-tools' {
  export class ZawgyiDetector {
    /** The probability (0..1) that a string is Zawgyi; -Infinity when it has no Myanmar letters. */
    getZawgyiProbability(text: string): number;
  }
  export class ZawgyiConverter {
    zawgyiToUnicode(text: string): string;
    unicodeToZawgyi(text: string): string;
  }
  const tools: { ZawgyiDetector: typeof ZawgyiDetector; ZawgyiConverter: typeof ZawgyiConverter };
  export default tools;
}
