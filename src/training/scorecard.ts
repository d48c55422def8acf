/**
 * The scorecard of one trainee on one scenario: their actions on the ticket (its audit trail, notes,
 * messages and referral reasons) against the scenario's expected handling. Pure: the exercise
 * service gathers the facts, the pages and the CSV show the result.
 *
 * - first action: the trainee's first action on the ticket, against the priority's target;
 * - referrals: the agencies the case ends up with (pending, accepted or done) are the expected ones;
 * - consent: nothing went abroad without cross-border consent, and nobody wrote first who was not allowed to;
 * - victim: no note, message, reason or outcome of the trainee treats the person as a suspect;
 * - evidence: the package went to the expected agency abroad, and never abroad without consent;
 * - outcome and time limit: closed with a fitting outcome, within the scenario's time limit.
 */
import type { Directory } from '../directory/directory.ts';
import type { AuditEntry, Note, TicketRecord, TranscriptRow } from '../store/store.ts';
import { FIRST_ACTIONS } from '../monitoring/figures.ts';
import { isCrossBorder, REPLY_WINDOW_MS } from '../tickets/ticket-actions.ts';
import type { Targets } from '../tickets/targets.ts';
import type { Scenario, SuspectWords } from './scenario.ts';

/** ok: as expected; wrong: not; pending: not decided yet (the ticket is still open); na: does not apply. */
export type Mark = 'ok' | 'wrong' | 'pending' | 'na';

/** Case types that are trafficking: closing one as "not trafficking" denies the person is a victim. */
const TRAFFICKING = ['child_at_risk', 'forced_criminality', 'sexual_exploitation', 'labour_trafficking'];

/** Where a suspect word was found. */
export type FlagPlace = 'note' | 'message' | 'reason' | 'outcome';

/** The score of one run. */
export interface RunScore {
  firstAction: { mark: Mark; ms?: number; targetMs: number };
  referrals: { mark: Mark; missing: string[]; extra: string[] };
  consent: { mark: Mark; breaches: { kind: 'referral_abroad' | 'evidence_abroad' | 'wrote_first'; agency?: string }[] };
  victim: { mark: Mark; flagged: { where: FlagPlace; words: string }[] };
  evidence: { mark: Mark; expected?: string; exportedTo: string[] };
  outcome: { mark: Mark; outcome: string | null };
  timeLimit: { mark: Mark; ms?: number; limitMs: number };
  /** Marks that are ok, of those that apply and are decided. */
  score: { ok: number; of: number };
}

/** What scoring one run needs. */
export interface RunFacts {
  scenario: Scenario;
  traineeId: string;
  ticket: TicketRecord;
  audit: (AuditEntry & { at: string })[];
  notes: Note[];
  transcript: TranscriptRow[];
  targets: Targets;
  directory: Directory;
  suspectWords: SuspectWords;
  now: Date;
}

const LATIN = /^[\p{Script=Latin}\s'’-]+$/u;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The suspect words in a text (any staff language's), leaving out those right after a negation.
 * Latin words match whole words; Thai and Khmer, written without spaces, match where they appear.
 */
export function suspectWordsIn(text: string, words: SuspectWords): string[] {
  const lower = text.toLowerCase();
  const negations = Object.values(words.negations).flat().map((n) => n.toLowerCase());
  const found = new Set<string>();
  for (const word of Object.values(words.words).flat()) {
    const w = word.toLowerCase();
    const re = LATIN.test(w) ? new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(w)}(?![\\p{L}\\p{N}])`, 'gu') : new RegExp(escapeRegExp(w), 'gu');
    for (const m of lower.matchAll(re)) {
      const before = lower.slice(Math.max(0, m.index - 24), m.index).trimEnd();
      if (!negations.some((n) => before.endsWith(n) || before.endsWith(`${n} a`) || before.endsWith(`${n} an`))) found.add(word);
    }
  }
  return [...found];
}

/** Scores one trainee's handling of one scenario's ticket. */
export function scoreRun(f: RunFacts): RunScore {
  const { scenario, ticket, directory } = f;
  const actor = `staff:${f.traineeId}`;
  const mine = f.audit.filter((e) => e.actor === actor);
  const created = Date.parse(ticket.createdAt);
  const closed = ticket.status === 'closed';
  const crossBorderOk = ticket.answers.consent_cross_border === 'yes';

  // Time to the trainee's first action, against the priority's target. What counts is what stamps
  // the ticket's response time in the queue, the statistics and the committee's report: a note or
  // an export does not, so a trainee who only wrote a note has not yet acted on the case.
  const targetMs = f.targets[ticket.priority] ?? Math.max(...Object.values(f.targets));
  const first = mine.find((e) => FIRST_ACTIONS.includes(e.action));
  const firstAction: RunScore['firstAction'] = first
    ? { mark: Date.parse(first.at) - created <= targetMs ? 'ok' : 'wrong', ms: Date.parse(first.at) - created, targetMs }
    : { mark: f.now.getTime() - created > targetMs ? 'wrong' : 'pending', targetMs };

  // The agencies the case ends with.
  const active = ticket.referrals.filter((r) => r.status === 'pending' || r.status === 'accepted' || r.status === 'done').map((r) => r.agency);
  const missing = scenario.expected.referrals.filter((a) => !active.includes(a));
  const extra = active.filter((a) => !scenario.expected.referrals.includes(a));
  const referrals: RunScore['referrals'] = { mark: missing.length || extra.length ? (closed ? 'wrong' : 'pending') : 'ok', missing, extra };
  // A referral wrongly added is wrong at once: closing the case does not undo it.
  if (extra.some((a) => mine.some((e) => (e.action === 'referral.created' || e.action === 'ticket.transferred') && (e.detail?.agency === a || e.detail?.to === a)))) referrals.mark = 'wrong';

  // Consent: what went abroad without it, and writing first to someone who did not allow it.
  const breaches: RunScore['consent']['breaches'] = [];
  const exports = f.audit.filter((e) => e.action === 'evidence.exported');
  if (!crossBorderOk) {
    for (const a of active) if (isCrossBorder(directory, a)) breaches.push({ kind: 'referral_abroad', agency: a });
    for (const e of exports) if (e.detail?.crossBorder === true) breaches.push({ kind: 'evidence_abroad', agency: String(e.detail.destination) });
  }
  if (ticket.answers.contact_ok !== 'yes') {
    // Staff may answer the reporter's own message to the case within the reply window, nothing else.
    const fromReporter = f.audit.filter((e) => e.action === 'reporter.wrote').map((e) => Date.parse(e.at));
    for (const e of mine.filter((x) => x.action === 'message.sent')) {
      const at = Date.parse(e.at);
      if (!fromReporter.some((t) => t <= at && at - t <= REPLY_WINDOW_MS)) breaches.push({ kind: 'wrote_first' });
    }
  }
  const consent: RunScore['consent'] = { mark: breaches.length ? 'wrong' : 'ok', breaches };

  // The victim treated as a suspect: in the trainee's own words, or a trafficking case closed as none.
  const flagged: RunScore['victim']['flagged'] = [];
  const flag = (where: FlagPlace, text: string) => {
    const words = suspectWordsIn(text, f.suspectWords);
    if (words.length) flagged.push({ where, words: words.join(', ') });
  };
  for (const n of f.notes) if (n.author === actor) flag('note', n.body);
  for (const m of f.transcript) {
    const body = m.body as { text?: unknown; from?: unknown } | null;
    if (m.direction === 'out' && body?.from === actor && typeof body.text === 'string') flag('message', body.text);
  }
  for (const r of ticket.referrals) if (r.reason && r.status === 'declined' && mine.some((e) => e.action === 'referral.declined' && e.detail?.agency === r.agency)) flag('reason', r.reason);
  if (closed && ticket.outcome === 'not_trafficking' && TRAFFICKING.includes(scenario.expected.caseType)) flagged.push({ where: 'outcome', words: 'not_trafficking' });
  const victim: RunScore['victim'] = { mark: flagged.length ? 'wrong' : 'ok', flagged };

  // Evidence: to the expected agency abroad, never abroad without consent.
  const exportedTo = [...new Set(exports.map((e) => String(e.detail?.destination)))];
  const expectedTo = scenario.expected.evidenceExport;
  const evidenceAbroadWithout = breaches.some((b) => b.kind === 'evidence_abroad');
  const evidence: RunScore['evidence'] = {
    mark: evidenceAbroadWithout ? 'wrong' : expectedTo ? (exportedTo.includes(expectedTo) ? 'ok' : closed ? 'wrong' : 'pending') : exportedTo.length ? 'ok' : 'na',
    ...(expectedTo ? { expected: expectedTo } : {}),
    exportedTo,
  };

  const outcome: RunScore['outcome'] = { mark: closed ? (scenario.expected.outcomes.includes(ticket.outcome ?? '') ? 'ok' : 'wrong') : 'pending', outcome: ticket.outcome };

  // The time limit counts to the close.
  const limitMs = scenario.timeLimitMinutes * 60_000;
  const closedAt = closed ? [...f.audit].reverse().find((e) => e.action === 'ticket.status_changed' && e.detail?.to === 'closed')?.at ?? ticket.updatedAt : undefined;
  const took = closedAt ? Date.parse(closedAt) - created : undefined;
  const timeLimit: RunScore['timeLimit'] =
    took !== undefined ? { mark: took <= limitMs ? 'ok' : 'wrong', ms: took, limitMs } : { mark: f.now.getTime() - created > limitMs ? 'wrong' : 'pending', limitMs };

  const marks = [firstAction.mark, referrals.mark, consent.mark, victim.mark, evidence.mark, outcome.mark, timeLimit.mark];
  const decided = marks.filter((m) => m === 'ok' || m === 'wrong');
  return { firstAction, referrals, consent, victim, evidence, outcome, timeLimit, score: { ok: decided.filter((m) => m === 'ok').length, of: decided.length } };
}
