/**
 * Whether two reports may be about the same person (issue 15): a family's report of a missing
 * worker and the worker's own report, or two family members' reports. Pure. Each signal that
 * agrees (or disagrees) is a reason with its weight; staff see the reasons and decide.
 */
import type { Answers } from '../flow/types.ts';
import type { TicketRecord } from '../store/store.ts';
import { latinWords, nameKeys, nameSimilarity, skeleton } from './name-key.ts';

/** A reason for (positive weight) or against (negative) a match. */
export interface MatchReason {
  code: 'name' | 'phone' | 'chat_contact' | 'nationality' | 'country' | 'place' | 'age' | 'dates';
  weight: number;
}

/** From this score on, a pair is shown to staff as a likely match. */
export const LIKELY = 0.5;
/** Reports further apart than this are not compared on dates. */
const NEAR_DAYS = 180;

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** Whose name a report gives: the missing person's (family) or the reporter's own. */
export function personName(a: Answers): string | undefined {
  return str(a.missing_name) ?? str(a.own_name);
}

/** All the free text of a report's answers (where phone numbers and chat handles are found). */
function texts(a: Answers): string[] {
  return Object.values(a).flatMap((v) => (typeof v === 'string' ? [v] : v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { text?: unknown }).text === 'string' ? [(v as { text: string }).text] : []));
}

/** Phone numbers in a text, any script's digits, by their last 8 digits. */
export function phoneKeys(text: string): string[] {
  const digits = text.replace(/\p{Nd}/gu, (d) => String(Number.parseInt(d.normalize('NFKD'), 10) || digitValue(d)));
  return [...digits.matchAll(/\+?\d[\d\s().-]{6,}\d/g)].map((m) => m[0].replace(/\D/g, '')).filter((d) => d.length >= 8).map((d) => d.slice(-8));
}

/** The value of a decimal digit of any script (Thai ๓, Khmer ៣, Burmese ၃, Lao ໓...). */
function digitValue(d: string): number {
  const code = d.codePointAt(0)!;
  // Unicode decimal digits come in runs of ten starting at a code point ending in 0 (or 6 for some).
  for (const zero of [0x0e50, 0x17e0, 0x1040, 0x0ed0, 0xff10, 0x0660, 0x06f0, 0x0966]) if (code >= zero && code < zero + 10) return code - zero;
  return 0;
}

/** LINE ids and Telegram usernames written in a text ("LINE: sokdara99", "@sokdara"). */
export function handleKeys(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/@([A-Za-z0-9_.]{4,32})/g)) out.add(m[1]!.toLowerCase());
  for (const m of text.matchAll(/\b(?:line|telegram|tg)\s*(?:id)?\s*[:：=]?\s*([A-Za-z0-9_.-]{4,32})/gi)) out.add(m[1]!.toLowerCase().replace(/^@/, ''));
  return [...out];
}

/** The keys a ticket is found by (see match_keys): name skeletons, phone numbers, chat handles. */
export function matchKeys(t: Pick<TicketRecord, 'role' | 'answers'>): string[] {
  if (t.role !== 'family' && t.role !== 'self') return [];
  const name = personName(t.answers);
  const all = texts(t.answers).join('\n');
  return [...new Set([...(name ? nameKeys(name) : []), ...phoneKeys(all).map((p) => `p:${p}`), ...handleKeys(all).map((h) => `h:${h}`)])];
}

/** Whether two tickets may be compared at all: a family report with a self report, or two family reports. */
export function comparable(a: Pick<TicketRecord, 'role'>, b: Pick<TicketRecord, 'role'>): boolean {
  return (a.role === 'family' && (b.role === 'self' || b.role === 'family')) || (b.role === 'family' && a.role === 'self');
}

function ageGroupOf(a: Answers): 'child' | 'adult' | undefined {
  if (typeof a.missing_age === 'number') return a.missing_age < 18 ? 'child' : 'adult';
  return a.age_group === 'child' || a.age_group === 'adult' ? a.age_group : undefined;
}

function placeWords(a: Answers): Set<string> {
  const loc = a.location;
  const text = typeof loc === 'string' ? loc : loc && typeof loc === 'object' && !Array.isArray(loc) && typeof (loc as { text?: unknown }).text === 'string' ? (loc as { text: string }).text : '';
  // Skeletons, so that มหาชัย ("mhachay") and Mahachai meet.
  return new Set(latinWords(text).filter((w) => w.length >= 4).map(skeleton).filter((k) => k.length >= 2));
}

function coords(a: Answers): { lat: number; lon: number } | undefined {
  const l = a.location as { lat?: unknown; lon?: unknown } | undefined;
  return l && typeof l === 'object' && typeof l.lat === 'number' && typeof l.lon === 'number' ? { lat: l.lat, lon: l.lon } : undefined;
}

/** Kilometres between two points (haversine). */
function km(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 12_742 * Math.asin(Math.sqrt(h));
}

/** The reasons and score of a pair; a pair without a name or contact in common scores 0. */
export function scoreMatch(a: Pick<TicketRecord, 'answers' | 'createdAt'>, b: Pick<TicketRecord, 'answers' | 'createdAt'>): { score: number; reasons: MatchReason[] } {
  const reasons: MatchReason[] = [];
  const na = personName(a.answers);
  const nb = personName(b.answers);
  const name = na && nb ? nameSimilarity(na, nb) : 0;
  if (name >= 0.5) reasons.push({ code: 'name', weight: Math.round(0.5 * name * 100) / 100 });
  const ta = texts(a.answers).join('\n');
  const tb = texts(b.answers).join('\n');
  if (phoneKeys(ta).some((p) => phoneKeys(tb).includes(p))) reasons.push({ code: 'phone', weight: 0.4 });
  if (handleKeys(ta).some((h) => handleKeys(tb).includes(h))) reasons.push({ code: 'chat_contact', weight: 0.4 });
  // Without a name or a contact in common, the rest is coincidence (many share a country).
  if (!reasons.length) return { score: 0, reasons };
  const same = (key: string) => {
    const x = str(a.answers[key]);
    const y = str(b.answers[key]);
    return x && y && x !== 'OTHER' && y !== 'OTHER' ? x === y : undefined;
  };
  const nat = same('nationality');
  if (nat !== undefined) reasons.push({ code: 'nationality', weight: nat ? 0.1 : -0.3 });
  const country = same('current_country');
  if (country) reasons.push({ code: 'country', weight: 0.1 });
  const pa = placeWords(a.answers);
  const ca = coords(a.answers);
  const cb = coords(b.answers);
  if ([...placeWords(b.answers)].some((w) => pa.has(w)) || (ca && cb && km(ca, cb) <= 50)) reasons.push({ code: 'place', weight: 0.1 });
  const ga = ageGroupOf(a.answers);
  const gb = ageGroupOf(b.answers);
  if (ga && gb) reasons.push({ code: 'age', weight: ga === gb ? 0.05 : -0.2 });
  const days = Math.abs(Date.parse(a.createdAt) - Date.parse(b.createdAt)) / 86_400_000;
  if (days <= NEAR_DAYS) reasons.push({ code: 'dates', weight: 0.05 });
  const score = Math.round(reasons.reduce((s, r) => s + r.weight, 0) * 100) / 100;
  return { score: Math.max(0, Math.min(1, score)), reasons };
}
