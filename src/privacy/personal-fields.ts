/**
 * Staff see what they need (issue 14): on the ticket page, names, phone numbers, exact places and
 * photos are hidden until a staff member asks to see them (a click, written to the audit trail).
 *
 * What is hidden: the answers of dictionary keys marked `sensitive` (names, the location, evidence),
 * and, in every text (answers and the conversation), those same words wherever they appear, phone,
 * ID and passport numbers, e-mail addresses and names after a cue ("my name is"), found the way the
 * language-model redaction finds them (src/llm/redact.ts).
 */
import type { AnswerValue, Answers, Dictionary } from '../flow/types.ts';
import { Redaction, sensitiveAnswers } from '../llm/redact.ts';
import type { TicketRecord, TranscriptRow } from '../store/store.ts';

/** What a hidden detail shows instead. */
export const HIDDEN = '•••';

/** Hides details in one text. */
function masker(answers: Answers, dictionary: Dictionary): (text: string) => string {
  const redaction = new Redaction(sensitiveAnswers(answers, dictionary));
  return (text) => redaction.redact(text).replace(/\[\[[A-Z]+_\d+\]\]/g, HIDDEN);
}

/** Every string inside a value, hidden. */
function deep<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => deep(v, mask)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, mask)])) as T;
  return value;
}

/** The ticket and its conversation with personal details hidden. */
export function hidePersonal(ticket: TicketRecord, transcript: TranscriptRow[], dictionary: Dictionary): { ticket: TicketRecord; transcript: TranscriptRow[] } {
  const mask = masker(ticket.answers, dictionary);
  const answers: Answers = {};
  for (const [key, value] of Object.entries(ticket.answers)) {
    const def = dictionary[key];
    // A sensitive answer goes whole (a place shared as coordinates has no words to find).
    if (def?.sensitive) answers[key] = HIDDEN as AnswerValue;
    else answers[key] = def && (def.type === 'text' || def.type === 'location') ? deep(value, mask) : value;
  }
  return {
    ticket: { ...ticket, answers },
    transcript: transcript.map((row) => {
      const b = row.body as Record<string, unknown> | null;
      // A shared location, in or out: only its words would remain, and they are the place.
      if (b && typeof b === 'object' && b.location) return { ...row, body: { ...b, location: { text: HIDDEN } } };
      return { ...row, body: deep(row.body, mask) };
    }),
  };
}
