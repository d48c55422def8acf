import type { Attachment, TicketRecord } from '../store/store.ts';

/** The ticket as the staff and integration API shows it (the brief's contract, plus a few fields). */
export function ticketJson(t: TicketRecord, attachments?: Attachment[]) {
  return {
    ref: t.ref,
    status: t.status,
    priority: t.priority,
    caseType: t.caseType,
    language: t.language,
    role: t.role,
    channel: t.channel,
    basis: t.basis,
    answers: t.answers,
    indicators: t.indicators,
    referrals: t.referrals.map((r) => ({ agency: r.agency, status: r.status })),
    outcome: t.outcome,
    assignee: t.assignee,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    ...(attachments ? { attachments: attachments.map((a) => ({ id: a.id, mime: a.mime, size: a.size, sha256: a.sha256, name: a.name, createdAt: a.createdAt })) } : {}),
  };
}
