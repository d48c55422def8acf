/**
 * Redaction (issue 13 item 6): personal details are replaced by placeholders before a request
 * leaves, and put back in the result. What it finds: e-mail addresses, phone numbers, ID, passport
 * and bank numbers (any run of 6 or more digits, with spaces or dashes), the conversation's own
 * sensitive answers (dictionary keys marked `sensitive`), and names introduced by a cue ("my name is", "ชื่อ").
 */

/** A placeholder: `[[EMAIL_1]]`. Brackets and capitals survive translation by every model tried. */
const placeholder = (kind: string, n: number) => `[[${kind}_${n}]]`;

/** Patterns, most specific first: an e-mail's digits must not be taken for a phone number. */
const PATTERNS: [kind: string, re: RegExp][] = [
  ['EMAIL', /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu],
  // Passports: one or two Latin letters then 6-9 digits (TH AA1234567, KH N01234567, MM MA123456).
  ['PASSPORT', /\b[A-Z]{1,2}\d{6,9}\b/g],
  // Phone, national ID, bank account: 6+ digits with optional +, spaces, dots and dashes between,
  // in any script's digits (Thai ๐๘๑, Khmer ០១២, Lao, Myanmar).
  ['NUMBER', /\+?\p{Nd}(?:[\s.-]?\p{Nd}){5,}/gu],
];

/** Words after which a name follows, in the seven languages (the name is up to two words). */
const NAME_CUES = [
  /(?:my name is|i am called|name:)\s+(\p{Lu}\p{L}+(?:\s\p{Lu}\p{L}+)?)/giu,
  /(?:ชื่อ|ชื่อว่า)\s*([\u0E00-\u0E7F]{2,}(?:\s[\u0E00-\u0E7F]{2,})?)/gu,
  /(?:tên (?:tôi |em |anh |chị )?là|tên là)\s+(\p{L}+(?:\s\p{L}+){0,2})/giu,
  /(?:叫做|名字是|叫)\s*([\u4E00-\u9FFF]{2,3})/gu,
  // Khmer ឈ្មោះ, Lao ຊື່, Burmese နာမည်: one word (these scripts write a name without spaces).
  /ឈ្មោះ\s*([\u1780-\u17DD]{2,})/gu,
  /ຊື່\s*([\u0E80-\u0EFF]{2,})/gu,
  /နာမည်\s*([\u1000-\u1049\u104C-\u109F]{2,})/gu,
];

/** One conversation's redaction: the same detail always gets the same placeholder. */
export class Redaction {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  private readonly known: string[];

  /** @param known the conversation's own sensitive answers (names...), replaced wherever they appear. */
  constructor(known: string[] = []) {
    // Longest first, so that "Somchai Jaidee" goes before "Somchai".
    this.known = [...new Set(known.map((k) => k.trim()).filter((k) => k.length >= 2))].sort((a, b) => b.length - a.length);
  }

  /** How many details were replaced so far. */
  get size(): number {
    return this.byValue.size;
  }

  private token(kind: string, value: string): string {
    const seen = this.byValue.get(value);
    if (seen) return seen;
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    const p = placeholder(kind, n);
    this.byValue.set(value, p);
    this.byPlaceholder.set(p, value);
    return p;
  }

  /** The text with every detail found replaced. */
  redact(text: string): string {
    let out = text;
    for (const k of this.known) out = out.split(k).join(this.token('NAME', k));
    for (const cue of NAME_CUES) out = out.replace(cue, (whole, name: string) => whole.replace(name, this.token('NAME', name)));
    for (const [kind, re] of PATTERNS) out = out.replace(re, (m) => this.token(kind, m));
    return out;
  }

  /** Puts the details back in a text from the model. */
  restore(text: string): string {
    return text.replace(/\[\[([A-Z]+_\d+)\]\]/g, (m) => this.byPlaceholder.get(m) ?? m);
  }

  /** Puts the details back in every string of a parsed result. */
  restoreDeep<T>(value: T): T {
    if (typeof value === 'string') return this.restore(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.restoreDeep(v)) as T;
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.restoreDeep(v)])) as T;
    return value;
  }
}

/**
 * The sensitive answers of a conversation (keys marked `sensitive: true` in the dictionary or a
 * flow's own keys: names, places, employers), as strings to redact wherever they appear.
 */
export function sensitiveAnswers(answers: Record<string, unknown>, dictionary: Record<string, { sensitive?: boolean | undefined }>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(answers)) {
    if (!dictionary[key]?.sensitive) continue;
    if (typeof value === 'string') {
      out.push(value);
      // A name is also written in part ("Sokha" for "Sokha Chan"): each of its words is hidden too.
      if (key.includes('name')) out.push(...value.split(/\s+/).filter((w) => w.length >= 2));
    }
    else if (value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string') out.push((value as { text: string }).text);
  }
  return out;
}
