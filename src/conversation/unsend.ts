/**
 * LINE "unsend": the person took a message back. Its transcript rows and files go, and so does the
 * answer it gave: from the session, from the ticket (and so from the summary), with an audit row
 * naming the question only. Referrals already made stay, as with every change of answers.
 */
import type { Answers, SessionState } from '../flow/types.ts';
import type { Policy } from '../policy/policy.ts';
import type { Store } from '../store/store.ts';
import { assessmentOf } from '../tickets/ticket-service.ts';

/** The unsend event, channel-neutral. */
export interface Unsent {
  channel: string;
  userId: string;
  /** The platform's event id: a redelivered unsend is handled once. */
  eventId: string;
  /** The id of the message taken back. */
  messageId: string;
}

/** What replaces an unsent answer where the bot had read it back. */
const WITHDRAWN = '…';
/** Shorter texts ("no", "12") could match other words: they are left alone. */
const MIN_REDACT = 3;

/** The words a person's message carried (a text, a place's name). */
function wordsOf(body: unknown): string[] {
  const b = body as { text?: unknown; location?: { text?: unknown } };
  return [b.text, b.location?.text].filter((v): v is string => typeof v === 'string');
}

/** The state without a story's pending proposals (nor the one read back now). */
function withoutProposals(state: SessionState): SessionState {
  const { proposed: _p, confirming, ...rest } = state;
  return confirming && !confirming.proposed ? { ...rest, confirming } : rest;
}

const without = (answers: Answers, keys: string[]): Answers => Object.fromEntries(Object.entries(answers).filter(([k]) => !keys.includes(k)));

/** Withdraws the message in one transaction; returns the files to delete after commit. */
export async function withdrawUnsent(deps: { store: Store; policy: Policy }, event: Unsent): Promise<string[]> {
  const sessionId = `${event.channel}:${event.userId}`;
  return deps.store.transaction(async (tx) => {
    if (!(await tx.claimEvent(event.channel, event.eventId))) return [];
    const { rows, files } = await tx.unsendMessage(sessionId, event.messageId);
    if (rows.length === 0 && files.length === 0) return files;
    const keys = [...new Set(rows.flatMap((r) => ((r.body as { answered?: unknown }).answered as string[] | undefined) ?? []))];
    const conversationId = rows.find((r) => r.conversationId)?.conversationId ?? null;
    // The summary read the answer back: it goes from the bot's messages of that report too.
    if (conversationId && keys.length) {
      for (const said of rows.flatMap((r) => wordsOf(r.body))) if (said.length >= MIN_REDACT) await tx.redactOutbound(sessionId, conversationId, said, WITHDRAWN);
    }
    const session = await tx.getSession(sessionId);
    const sameConversation = session !== undefined && conversationId !== null && session.state.conversationId === conversationId;
    // A story taken back: what it proposed and was not yet tapped is not read back any more.
    const story = rows.some((r) => (r.body as { story?: unknown }).story === true);
    if (sameConversation && (keys.length || story)) {
      const state = story ? withoutProposals(session.state) : session.state;
      await tx.saveSession({ ...session, state: { ...state, answers: without(state.answers, keys), skipped: [...new Set([...state.skipped, ...keys])] } });
    }
    // The ticket of the message's report: the case it was written to, or its conversation's.
    const caseRef = rows.find((r) => r.ticketRef)?.ticketRef;
    const tickets = await tx.ticketsOfUser(event.channel, event.userId);
    const ticket = caseRef ? tickets.find((t) => t.ref === caseRef) : tickets.find((t) => conversationId !== null && t.conversationId === conversationId);
    if (!ticket) return files;
    const withdrawn = keys.filter((k) => k in ticket.answers);
    if (withdrawn.length) {
      const { agencies: _a, routes: _r, priorityBecause: _p, ...assessment } = assessmentOf(deps.policy, without(ticket.answers, withdrawn));
      await tx.updateAssessment(ticket.ref, assessment);
    }
    // The audit names what went, never what it said.
    await tx.audit({ ticketRef: ticket.ref, actor: 'reporter', action: 'message.unsent', detail: { answers: withdrawn, files: files.length } });
    return files;
  });
}
