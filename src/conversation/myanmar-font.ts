/**
 * Which encoding a person's phone shows Burmese in. Someone who types Zawgyi most likely cannot read
 * Unicode Burmese (medials and asat land in the wrong places), so they are answered in Zawgyi, with
 * a one-tap switch to Unicode on every question, and back. The preference lives in the session
 * state; replies are only marked here ({@link Reply.script}) and converted by the channel as it
 * sends them, so that everything stored stays Unicode.
 */
import type { SessionState } from '../flow/types.ts';
import { foldName } from '../i18n/language-names.ts';
import type { Translations } from '../i18n/locales.ts';
import { toUnicode } from '../i18n/zawgyi.ts';
import type { InboundContent, Reply } from './reply.ts';

/** How Burmese replies are encoded for this person. */
export type MyanmarFont = NonNullable<SessionState['myanmarFont']>;

/** The choice id of the one-tap switch to Unicode, and back to Zawgyi. */
export const FONT_CHOICE: Record<MyanmarFont, string> = { unicode: 'font_unicode', zawgyi: 'font_zawgyi' };

/** Locale keys this file uses (for the locale check). */
export const FONT_KEYS = ['zawgyi_notice', 'now_unicode', 'now_zawgyi', 'to_unicode', 'to_zawgyi', 'words_unicode', 'words_zawgyi'].map((k) => `font.${k}`);

/** What a message means for the font: a switch the person asked for, or Zawgyi typed. */
export class MyanmarFonts {
  private readonly words = new Map<string, MyanmarFont>();
  private readonly translations: Translations;

  constructor(translations: Translations) {
    this.translations = translations;
    for (const lang of translations.languages) {
      for (const font of ['unicode', 'zawgyi'] as const) {
        for (const w of translations.raw(lang, `font.words_${font}`)?.split('|') ?? []) if (foldName(w)) this.words.set(foldName(w), font);
      }
    }
  }

  /** The font the person asks for: the switch tapped, or "unicode" / "zawgyi" typed as the whole message. */
  asked(content: InboundContent): MyanmarFont | undefined {
    if (content.type === 'choice' && content.ids.length === 1) return content.ids[0] === FONT_CHOICE.unicode ? 'unicode' : content.ids[0] === FONT_CHOICE.zawgyi ? 'zawgyi' : undefined;
    return content.type === 'text' ? this.words.get(foldName(content.text)) : undefined;
  }

  /**
   * The font after a message arrives (the raw text, before conversion): Zawgyi once the person types
   * it. A choice they made stands: someone who asked for Unicode may still have a Zawgyi keyboard.
   */
  onArrival(current: MyanmarFont | undefined, content: InboundContent): MyanmarFont | undefined {
    if (current) return current;
    // The same test as the conversion of input: short Unicode words can score as Zawgyi, and are
    // only taken for it when converting them reads as less Zawgyi-like.
    return content.type === 'text' && toUnicode(content.text) !== content.text ? 'zawgyi' : undefined;
  }

  /**
   * Replies as this person should get them. In Zawgyi: each is marked for conversion, the question
   * (the last reply) carries the switch to Unicode, and the first time a short notice says why.
   * Just after a switch to Unicode, the switch back is offered once.
   */
  present(replies: Reply[], font: MyanmarFont | undefined, opts: { lang: string | undefined; fresh: boolean; switchedTo?: MyanmarFont }): Reply[] {
    if (!font || opts.lang !== 'my') return font === 'zawgyi' ? replies.map((r) => ({ ...r, script: 'zawgyi' })) : replies;
    const t = this.translations.t(opts.lang);
    if (font === 'unicode') {
      if (opts.switchedTo !== 'unicode') return replies;
      return withChoice(replies, { id: FONT_CHOICE.zawgyi, label: t('font.to_zawgyi') });
    }
    const shown = [...(opts.fresh ? [{ text: t('font.zawgyi_notice') }] : []), ...replies];
    return withChoice(shown, { id: FONT_CHOICE.unicode, label: t('font.to_unicode') }).map((r) => ({ ...r, script: 'zawgyi' }));
  }
}

/**
 * Adds a button to the question (the last reply, where LINE shows quick replies), after its own
 * choices. A reply that waits for nothing gets none: the switch is offered again at the next question.
 */
function withChoice(replies: Reply[], choice: { id: string; label: string }): Reply[] {
  const last = replies.at(-1);
  if (!last?.expects) return replies;
  return [...replies.slice(0, -1), { ...last, choices: [...(last.choices ?? []), choice] }];
}
