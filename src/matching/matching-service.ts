/**
 * Matching reports of the same person (issue 15). Each ticket of a family or of the person
 * themselves is indexed by keys (name skeletons in Latin letters, phone numbers, chat handles) in
 * its own transaction; when staff open a ticket its likely matches are found by those keys and
 * scored with their reasons. Staff confirm (the tickets are linked) or reject (saying why). Only
 * tickets the staff member may see are ever shown, so an agency learns nothing of reports referred
 * elsewhere. With the person's consent, a supervisor tells the family through the bot.
 */
import { type Viewer, canSee } from '../access/access.ts';
import { RequestError } from '../core/errors.ts';
import type { TicketMatch } from '../store/types/care.ts';
import type { Store, TicketRecord, Tx } from '../store/store.ts';
import { type Actor, MAX_STAFF_TEXT } from '../tickets/ticket-actions.ts';
import type { ReporterUpdates } from '../tickets/reporter-updates.ts';
import { comparable, LIKELY, type MatchReason, matchKeys, scoreMatch } from './match-score.ts';

/** A likely (or decided) match as a ticket page shows it. */
export interface MatchView {
  other: TicketRecord;
  score: number;
  reasons: MatchReason[];
  status: TicketMatch['status'];
  reason: string | null;
}

const pair = (x: string, y: string): [string, string] => (x < y ? [x, y] : [y, x]);

/** What the service needs. */
export interface MatchingDeps {
  store: Store;
  clock: () => Date;
  updates?: ReporterUpdates;
}

/** Finding, deciding and telling matches. */
export class MatchingService {
  private readonly deps: MatchingDeps;

  constructor(deps: MatchingDeps) {
    this.deps = deps;
  }

  /** Indexes a ticket's keys, in the caller's transaction (after every change of its answers). */
  async sync(tx: Tx, ticket: TicketRecord): Promise<TicketRecord> {
    await tx.setMatchKeys(ticket.ref, matchKeys(ticket));
    return ticket;
  }

  /** The ticket's likely and decided matches among the tickets the viewer may see, best first. */
  async matches(viewer: Viewer, ticket: TicketRecord): Promise<MatchView[]> {
    const { store } = this.deps;
    const decided = new Map((await store.matchesOf(ticket.ref)).map((m) => [m.a === ticket.ref ? m.b : m.a, m]));
    const refs = new Set([...(await store.ticketsWithMatchKeys(ticket.ref, matchKeys(ticket))), ...decided.keys()]);
    const out: MatchView[] = [];
    for (const ref of refs) {
      const other = await store.getTicket(ref);
      if (!other || !canSee(viewer, other)) continue;
      const stored = decided.get(ref);
      const fresh = comparable(ticket, other) ? scoreMatch(ticket, other) : { score: 0, reasons: [] };
      if (!stored && fresh.score < LIKELY) continue;
      out.push({ other, score: stored?.status === 'confirmed' ? stored.score : fresh.score, reasons: stored && stored.status !== 'suggested' ? stored.reasons as MatchReason[] : fresh.reasons, status: stored?.status ?? 'suggested', reason: stored?.reason ?? null });
    }
    return out.sort((a, b) => Number(b.status === 'confirmed') - Number(a.status === 'confirmed') || b.score - a.score);
  }

  /**
   * Confirms or rejects a match; rejecting needs a reason (kept in the match row, not the audit
   * trail). Both tickets must be within the viewer's reach. Audited on both tickets.
   */
  async decide(actor: Actor, viewer: Viewer, ticket: TicketRecord, otherRef: string, decision: 'confirmed' | 'rejected', reason: string): Promise<void> {
    const why = reason.trim();
    if (decision === 'rejected' && !why) throw new RequestError(400, 'match_reason_required', 'Say why these reports are not the same person.');
    if (why.length > MAX_STAFF_TEXT) throw new RequestError(400, 'note_too_long', `A reason is at most ${MAX_STAFF_TEXT} characters.`);
    const other = await this.deps.store.getTicket(otherRef.toUpperCase());
    if (!other || !canSee(viewer, other) || other.ref === ticket.ref) throw new RequestError(400, 'unknown_match', 'No such report among those you can see.');
    const { score, reasons } = comparable(ticket, other) ? scoreMatch(ticket, other) : { score: 0, reasons: [] };
    const [a, b] = pair(ticket.ref, other.ref);
    const now = this.deps.clock().toISOString();
    await this.deps.store.transaction(async (tx) => {
      await tx.saveMatch({ a, b, score, reasons, status: decision, reason: decision === 'rejected' ? why : null, decidedBy: actor.audit, decidedAt: now });
      for (const [ref, withRef] of [[ticket.ref, other.ref], [other.ref, ticket.ref]] as const) {
        await tx.audit({ ticketRef: ref, actor: actor.audit, action: `match.${decision}`, detail: { with: withRef, score, reasons: reasons.map((r) => r.code) } });
      }
    });
  }

  /**
   * Tells the family that the person they reported has been in contact, once the match is confirmed
   * and staff record that the person agreed. Only through the family's own chat, and only when the
   * family agreed to be written to (contact_ok=yes). Nothing about the person goes in the message.
   */
  async tellFamily(actor: Actor, viewer: Viewer, ticket: TicketRecord, otherRef: string, personConsented: boolean): Promise<void> {
    const other = await this.deps.store.getTicket(otherRef.toUpperCase());
    if (!other || !canSee(viewer, other)) throw new RequestError(400, 'unknown_match', 'No such report among those you can see.');
    const [a, b] = pair(ticket.ref, other.ref);
    const match = (await this.deps.store.matchesOf(ticket.ref)).find((m) => m.a === a && m.b === b);
    if (match?.status !== 'confirmed') throw new RequestError(409, 'match_not_confirmed', 'Confirm the match first.');
    const family = [ticket, other].find((t) => t.role === 'family');
    const person = [ticket, other].find((t) => t.role === 'self');
    if (!family || !person) throw new RequestError(409, 'no_family_report', 'Only a family\'s report can be told of the person\'s own report.');
    if (!personConsented) throw new RequestError(400, 'person_consent_required', 'Tell the family only when the person agreed to it: tick the box once they have.');
    await this.deps.store.transaction(async (tx) => {
      const told = await this.deps.updates?.say(tx, family, 'match_update.found', { match: person.ref });
      if (!told) throw new RequestError(409, 'no_contact_consent', 'The family did not agree to be contacted first through this chat, or left it.');
      for (const ref of [family.ref, person.ref]) await tx.audit({ ticketRef: ref, actor: actor.audit, action: 'match.family_told', detail: { family: family.ref, person: person.ref, consent: 'recorded_by_staff' } });
    });
  }
}
