/**
 * What the parts of the ticket page share: the data the route gathered, and what every part
 * derives from the request (the viewer, their role and agency, the CSRF field, a refused form).
 */
import { ALL_AGENCIES } from '../../../access/access.ts';
import type { Answers } from '../../../flow/types.ts';
import type { Directory } from '../../../directory/directory.ts';
import type { AuditEntry, Attachment, Note, Referral, StaffRole, StaffUser, TicketRecord } from '../../../store/store.ts';
import type { DashboardText } from '../../../staff/staff-text.ts';
import type { Timing } from '../../../tickets/targets.ts';
import type { SafeHtml } from '../../html.ts';
import { csrfField, type ViewContext } from '../layout.ts';
import type { PriorityReason } from '../ticket-reason-view.ts';
import type { PersonalView } from '../privacy-view.ts';

/** Everything the ticket page shows. */
export interface TicketPageData {
  ticket: TicketRecord;
  timing: Timing;
  transcript: { direction: 'in' | 'out'; body: unknown; createdAt: string }[];
  attachments: Attachment[];
  notes: Note[];
  audit: (AuditEntry & { at: string })[];
  /** Staff by id, for names in notes, audit and the assignee. */
  staff: Map<string, StaffUser>;
  /** Colleagues this ticket may be assigned to. */
  assignable: StaffUser[];
  directory: Directory;
  /** Dictionary keys in order, for the answers table. */
  keys: string[];
  mayWrite: boolean;
  /** Why the ticket has its priority, from the policy's rules. */
  priorityReason?: PriorityReason;
  /** The form that was refused, to show again as the staff member filled it in. */
  form?: { action: string; values: Record<string, string> };
  /** When the reporter used the quick exit, if they have not written since. */
  reporterLeftAt?: string | null;
  /** The language-model assist's cards (summary, translations) and its translate-first form. */
  cards?: SafeHtml;
  compose?: SafeHtml;
  /** Services, the return plan and matching (src/care/, issue 15). */
  care?: SafeHtml;
  /** Personal details hidden or shown (issue 14); absent: shown, without the notice. */
  personal?: PersonalView;
  error?: string;
  done?: string;
}

/** The page's data with what the parts derive from the request. */
export interface TicketParts {
  text: DashboardText;
  /** The staff member looking at the page. */
  viewer: StaffUser;
  role: StaffRole;
  t: TicketRecord;
  a: Answers;
  d: TicketPageData;
  csrf: SafeHtml;
  /** The URL of one of the ticket's actions. */
  action(name: string): string;
  /** The viewer's agency, or `*`. */
  mine: string;
  /** The ticket's referral to the viewer's agency, if any. */
  myReferral: Referral | undefined;
  /** A field of a refused form, as it was sent (issue 10, item 20), not reset to the ticket's state. */
  kept(form: string, field: string): string | undefined;
}

/** The shared parts of one rendering of the page. */
export function ticketParts(ctx: ViewContext, d: TicketPageData): TicketParts {
  const staff = ctx.staff!;
  const t = d.ticket;
  const mine = staff.user.agency;
  return {
    text: ctx.text,
    viewer: staff.user,
    role: staff.user.role,
    t,
    a: t.answers,
    d,
    csrf: csrfField(ctx),
    action: (name) => `/staff/tickets/${t.ref}/${name}`,
    mine,
    myReferral: mine === ALL_AGENCIES ? undefined : t.referrals.find((r) => r.agency === mine),
    kept: (form, field) => (d.form?.action === form ? d.form.values[field] : undefined),
  };
}
