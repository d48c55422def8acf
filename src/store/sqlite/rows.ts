/**
 * Row mappers: a database row to the record the `Store` interface speaks of.
 */
import type { AgencyAlertConfig, Attachment, InboundRow, OutboxMessage, Referral, SessionRecord, StaffRole, StaffUser, TicketRecord } from '../store.ts';
import type { Row } from './connection.ts';

/** A `sessions` row. */
export function toSession(r: Row): SessionRecord {
  return {
    id: r.id as string,
    channel: r.channel as string,
    userId: r.user_id as string,
    state: JSON.parse(r.state as string),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

/** A `referrals` row. */
export function toReferral(r: Row): Referral {
  return {
    agency: r.agency as string,
    status: r.status as Referral['status'],
    reason: (r.reason as string | null) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

/** A `tickets` row, with its referrals. */
export function toTicket(r: Row, referrals: Referral[]): TicketRecord {
  return {
    ref: r.ref as string,
    sessionId: r.session_id as string,
    channel: r.channel as string,
    userId: r.user_id as string,
    language: (r.language as string | null) ?? null,
    role: (r.role as string | null) ?? null,
    answers: JSON.parse(r.answers as string),
    indicators: JSON.parse(r.indicators as string),
    caseType: r.case_type as string,
    priority: r.priority as string,
    basis: r.basis as TicketRecord['basis'],
    status: r.status as TicketRecord['status'],
    outcome: (r.outcome as string | null) ?? null,
    assignee: (r.assignee as string | null) ?? null,
    duplicateOf: (r.duplicate_of as string | null) ?? null,
    firstActionAt: (r.first_action_at as string | null) ?? null,
    updatedByReporterAt: (r.updated_by_reporter_at as string | null) ?? null,
    conversationId: (r.conversation_id as string | null) ?? null,
    reporterLeftAt: (r.reporter_left_at as string | null) ?? null,
    legalHoldAt: (r.legal_hold_at as string | null) ?? null,
    erasureRequestedAt: (r.erasure_requested_at as string | null) ?? null,
    erasedAt: (r.erased_at as string | null) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    referrals,
  };
}

/** A `staff_users` row (never its password hash). */
export function toStaff(r: Row): StaffUser {
  return {
    id: r.id as string,
    name: r.name as string,
    role: r.role as StaffRole,
    agency: r.agency as string,
    lang: r.lang as string,
    disabled: r.disabled_at !== null && r.disabled_at !== undefined,
    telegramUserId: (r.telegram_user_id as string | null) ?? null,
    createdAt: r.created_at as string,
  };
}

/** An `agency_alerts` row. */
export function toAgencyAlerts(r: Row): AgencyAlertConfig {
  return {
    agency: r.agency as string,
    telegramChat: (r.telegram_chat as string | null) ?? null,
    lineGroup: (r.line_group as string | null) ?? null,
    webhookUrl: (r.webhook_url as string | null) ?? null,
    webhookSecret: (r.webhook_secret as string | null) ?? null,
    lang: r.lang as string,
    updatedAt: r.updated_at as string,
  };
}

/** An `attachments` row. */
export function toAttachment(r: Row): Attachment {
  return {
    id: r.id as string,
    sessionId: r.session_id as string,
    ticketRef: (r.ticket_ref as string | null) ?? null,
    conversationId: (r.conversation_id as string | null) ?? null,
    channel: r.channel as string,
    messageId: (r.message_id as string | null) ?? null,
    name: (r.name as string | null) ?? null,
    mime: r.mime as string,
    size: r.size as number,
    sha256: r.sha256 as string,
    path: r.path as string,
    createdAt: r.created_at as string,
  };
}

/** An `outbox` row. */
export function toOutbox(r: Row): OutboxMessage {
  return {
    id: r.id as number,
    channel: r.channel as string,
    recipient: r.recipient as string,
    kind: r.kind as OutboxMessage['kind'],
    payload: JSON.parse(r.payload as string),
    attempts: r.attempts as number,
    replyTo: (r.reply_to as string | null) ?? null,
    retryKey: (r.retry_key as string | null) ?? null,
    partsSent: (r.parts_sent as number | undefined) ?? 0,
  };
}

/** An `inbox` row. */
export function toInbound(r: Row): InboundRow {
  return {
    id: r.id as number,
    channel: r.channel as string,
    eventId: r.event_id as string,
    userKey: r.user_key as string,
    payload: JSON.parse(r.payload as string),
    attempts: r.attempts as number,
    receivedAt: r.received_at as string,
  };
}
