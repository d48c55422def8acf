/** Small parts of the ticket page: why it has its priority, and the simulator's test mark. */
import type { Answers } from '../../flow/types.ts';
import type { PriorityReason } from '../../policy/priority-reason.ts';
import type { TicketRecord } from '../../store/store.ts';
import type { DashboardText } from '../../staff/staff-text.ts';
import { html, type SafeHtml } from '../html.ts';

export type { PriorityReason };

/**
 * "Why P1: in danger now (Are you in danger now?: Yes)". The rule's `because` is the deployer's
 * wording in policy.yaml; the dashboard translates the baseline's and shows any other as written.
 */
export function priorityReasonView(text: DashboardText, r: PriorityReason, answers: Answers): SafeHtml {
  const facts = [...r.keys.map((k) => `${text.question(k)}: ${text.answer(k, answers[k]!)}`), ...r.indicators.map((i) => text.t(`indicator.${i}`, { defaultValue: i }))];
  const because = r.because ? text.t(`priority_because.${r.because}`, { defaultValue: r.because, }) : text.t('staff_access.priority_default');
  return html`<p class="priority-reason"><strong>${text.t('staff_access.priority_why', { priority: r.priority })}</strong> ${because}${facts.length ? html`<span class="muted"> (${facts.join(' · ')})</span>` : ''}</p>`;
}

/** A ticket from the simulator is a test: said at the top of its page. */
export function simulatorNotice(text: DashboardText, t: TicketRecord): SafeHtml {
  // In the training workspace every ticket is one; its banner says so, and trainees triage as they would a real case.
  return t.channel === 'sim' && !text.training ? html`<p class="notice sim-ticket" role="note">🧪 ${text.t('staff_access.sim_notice')}</p>` : html``;
}
