/**
 * What the assist adds to the ticket page (issue 13 items 3 and 4): the reporter's messages and
 * free-text answers in the staff member's language, a short machine-written summary naming the
 * indicators it relies on, and a staff message translated (with a back-translation) before it is
 * sent. Model text is only ever shown to staff; the reporter receives a staff message only after a
 * person has read its translation and pressed send.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Dictionary } from '../flow/types.ts';
import type { TicketRecord } from '../store/store.ts';
import type { LlmClient } from './llm-client.ts';
import { promptLanguage } from './prompt-language.ts';
import { sensitiveAnswers } from './redact.ts';


/** Entries kept in each cache; older ones go first. */
const CACHE_LIMIT = 2000;

/** One text of the reporter's (a message or a free-text answer) with its translation, if any. */
export interface TranslatedText {
  /** `message` or the dictionary key of a free-text answer. */
  source: string;
  original: string;
  translation: string | undefined;
  at?: string;
}

/** A machine-written summary and the indicators it names. */
export interface CaseSummary {
  summary: string;
  indicators: string[];
}

/** A staff message and what the reporter would receive. */
export interface Draft {
  original: string;
  translation: string;
  backTranslation: string;
}

type TranscriptEntry = { direction: 'in' | 'out'; body: unknown; createdAt: string };

const translationsSchema = z.strictObject({ translations: z.array(z.string().max(8000)).max(200) });
const summarySchema = z.strictObject({ summary: z.string().min(1).max(3000), indicators: z.array(z.string().max(60)).max(30) });

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  cache.set(key, value);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return value;
}

/** The reporter's own words in a ticket: typed messages, voice-note transcripts, free-text answers. */
export function reporterTexts(ticket: TicketRecord, transcript: TranscriptEntry[], dictionary: Dictionary): TranslatedText[] {
  const out: TranslatedText[] = [];
  for (const m of transcript) {
    if (m.direction !== 'in') continue;
    const b = (m.body ?? {}) as { text?: unknown; transcript?: unknown };
    const text = typeof b.text === 'string' ? b.text : typeof b.transcript === 'string' ? b.transcript : undefined;
    // Commands and one-word replies are not worth a translation.
    if (text && !text.startsWith('/') && text.trim().length > 1) out.push({ source: 'message', original: text, translation: undefined, at: m.createdAt });
  }
  for (const [key, value] of Object.entries(ticket.answers)) {
    const def = dictionary[key];
    const text = typeof value === 'string' && def?.type === 'text' ? value : value && typeof value === 'object' && !Array.isArray(value) && typeof value.text === 'string' ? value.text : undefined;
    if (text) out.push({ source: key, original: text, translation: undefined });
  }
  return out;
}

/** The assist's ticket-page features over the shared client. */
export class TicketAssist {
  private readonly llm: LlmClient;
  private readonly dictionary: Dictionary;
  private readonly translations = new Map<string, string>();
  private readonly summaries = new Map<string, CaseSummary>();

  /** Drops every kept translation and summary (an erasure: they repeat the erased words). */
  forget(): void {
    this.translations.clear();
    this.summaries.clear();
  }
  private readonly indicatorIds: string[];

  /** @param indicatorIds the policy's indicator ids (flows/policy.yaml), the only ones a summary may name. */
  constructor(llm: LlmClient, dictionary: Dictionary, indicatorIds: string[]) {
    this.llm = llm;
    this.dictionary = dictionary;
    this.indicatorIds = indicatorIds;
  }

  get translates(): boolean {
    return this.llm.configured('translate');
  }

  get summarizes(): boolean {
    return this.llm.configured('summary');
  }

  private sensitive(ticket: TicketRecord): string[] {
    return sensitiveAnswers(ticket.answers, this.dictionary);
  }

  /**
   * Texts translated into `target`, in one request for those not translated before; any failure
   * leaves them untranslated (the page shows the originals). Texts already in `target` are kept.
   */
  async translate(texts: string[], target: string, sensitive: string[]): Promise<(string | undefined)[]> {
    const key = (t: string) => `${target}|${createHash('sha256').update(t).digest('hex')}`;
    const missing = [...new Set(texts.filter((t) => !this.translations.has(key(t))))];
    if (missing.length && this.llm.enabled('translate')) {
      const got = await this.llm.structured({
        feature: 'translate',
        system:
          `You translate messages for staff of an anti-trafficking hotline into ${promptLanguage(target)}. ` +
          'Translate each item of the JSON array faithfully and completely, in the same order, one output per input; keep placeholders like [[NAME_1]] exactly as they are; add nothing, explain nothing. ' +
          'Answer with {"translations": [...]}.',
        user: JSON.stringify(missing),
        schemaName: 'translations',
        schema: translationsSchema,
        sensitive,
      });
      // A list of the wrong length cannot be matched to its inputs: dropped, like garbage.
      if (got && got.translations.length === missing.length) {
        for (const [i, t] of missing.entries()) remember(this.translations, key(t), got.translations[i]!);
      }
    }
    return texts.map((t) => this.translations.get(key(t)));
  }

  /** The reporter's texts of a ticket with their translations into the staff member's language. */
  async translatedTexts(ticket: TicketRecord, transcript: TranscriptEntry[], staffLang: string): Promise<TranslatedText[]> {
    const texts = reporterTexts(ticket, transcript, this.dictionary);
    // A conversation in the staff member's own language needs no translation.
    if (!this.translates || !texts.length || ticket.language === staffLang) return texts;
    const done = await this.translate(
      texts.map((t) => t.original),
      staffLang,
      this.sensitive(ticket),
    );
    return texts.map((t, i) => ({ ...t, translation: done[i] }));
  }

  /** The case summary in the staff member's language, recomputed when messages or answers change. */
  async summary(ticket: TicketRecord, transcript: TranscriptEntry[], staffLang: string): Promise<CaseSummary | undefined> {
    if (!this.summarizes) return undefined;
    const key = `${ticket.ref}|${staffLang}|${transcript.length}|${ticket.updatedAt}`;
    const cached = this.summaries.get(key);
    if (cached || !this.llm.enabled('summary')) return cached;
    const indicatorKeys = this.indicatorIds;
    // Coordinates never leave: a place is named by its text, if any (redacted like any sensitive answer).
    const answers = Object.fromEntries(
      Object.entries(ticket.answers)
        .filter(([k]) => k !== 'confirm_send')
        .map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? (v.text ?? '(shared location)') : v]),
    );
    const messages = reporterTexts(ticket, transcript, this.dictionary).filter((t) => t.source === 'message').map((t) => t.original);
    const got = await this.llm.structured({
      feature: 'summary',
      system:
        `You help staff of an anti-trafficking hotline triage a case. Write a factual summary of at most 80 words in ${promptLanguage(staffLang)} ` +
        'from the screening answers and the reporter\'s messages: who, where, what happened, what help is asked. Never guess beyond them; never call the person a suspect. ' +
        `In "indicators" list only those of these indicator ids that the answers or messages support: ${indicatorKeys.join(', ')}. Keep placeholders like [[NAME_1]] as they are.`,
      user: JSON.stringify({ answers, indicators: ticket.indicators, caseType: ticket.caseType, messages }),
      schemaName: 'case_summary',
      schema: summarySchema,
      sensitive: this.sensitive(ticket),
    });
    if (!got) return undefined;
    // Only indicators we know are shown; a model's invention is dropped.
    const known = new Set([...indicatorKeys, ...ticket.indicators]);
    return remember(this.summaries, key, { summary: got.summary, indicators: [...new Set(got.indicators.filter((i) => known.has(i)))] });
  }

  /** A staff message in the reporter's language and back, for the staff member to check; undefined on failure. */
  async draft(ticket: TicketRecord, message: string, staffLang: string): Promise<Draft | undefined> {
    const target = ticket.language;
    if (!target || !this.llm.enabled('translate')) return undefined;
    const sensitive = this.sensitive(ticket);
    const [translation] = await this.translate([message], target, sensitive);
    if (!translation) return undefined;
    const [backTranslation] = await this.translate([translation], staffLang, sensitive);
    if (!backTranslation) return undefined;
    return { original: message, translation, backTranslation };
  }
}
