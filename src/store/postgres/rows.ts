/**
 * Rows into the store's records. The same shapes as SQLite's (src/store/sqlite/rows.ts): times are
 * ISO strings, JSON is parsed by pg already, booleans are booleans.
 */
import type { AgencyAlertConfig, Attachment, InboundRow, OutboxMessage, Referral, SessionRecord, StaffRole, StaffUser, TicketRecord } from '../store.ts';
import type { Row } from './connection.ts';

const str = (v: unknown) => (v as string | null | undefined) ?? null;

export function toSession(r: Row): SessionRecord {
  return { id: r.id as string, channel: r.channel as string, userId: r.user_id as string, state: r.state as SessionRecord['state'], createdAt: r.created_at as string, updatedAt: r.updated_at as string };
}

export function toReferral(r: Row): Referral {
  return { agency: r.agency as string, status: r.status as Referral['status'], reason: str(r.reason), createdAt: r.created_at as string, updatedAt: r.updated_at as string };
}

export function toTicket(r: Row, referrals: Referral[]): TicketRecord {
  return {
    ref: r.ref as string,
    sessionId: r.session_id as string,
    channel: r.channel as string,
    userId: r.user_id as string,
    language: str(r.language),
    role: str(r.role),
    answers: r.answers as TicketRecord['answers'],
    indicators: r.indicators as string[],
    caseType: r.case_type as string,
    priority: r.priority as string,
    basis: r.basis as TicketRecord['basis'],
    status: r.status as TicketRecord['status'],
    outcome: str(r.outcome),
    assignee: str(r.assignee),
    duplicateOf: str(r.duplicate_of),
    firstActionAt: str(r.first_action_at),
    updatedByReporterAt: str(r.updated_by_reporter_at),
    conversationId: str(r.conversation_id),
    reporterLeftAt: str(r.reporter_left_at),
    legalHoldAt: str(r.legal_hold_at),
    erasureRequestedAt: str(r.erasure_requested_at),
    erasedAt: str(r.erased_at),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    referrals,
  };
}

export function toStaff(r: Row): StaffUser {
  return {
    id: r.id as string,
    name: r.name as string,
    role: r.role as StaffRole,
    agency: r.agency as string,
    lang: r.lang as string,
    disabled: r.disabled_at !== null && r.disabled_at !== undefined,
    telegramUserId: str(r.telegram_user_id),
    createdAt: r.created_at as string,
  };
}

export function toAgencyAlerts(r: Row): AgencyAlertConfig {
  return {
    agency: r.agency as string,
    telegramChat: str(r.telegram_chat),
    lineGroup: str(r.line_group),
    webhookUrl: str(r.webhook_url),
    webhookSecret: str(r.webhook_secret),
    lang: r.lang as string,
    updatedAt: r.updated_at as string,
  };
}

export function toAttachment(r: Row): Attachment {
  return {
    id: r.id as string,
    sessionId: r.session_id as string,
    ticketRef: str(r.ticket_ref),
    conversationId: str(r.conversation_id),
    channel: r.channel as string,
    messageId: str(r.message_id),
    name: str(r.name),
    mime: r.mime as string,
    size: r.size as number,
    sha256: r.sha256 as string,
    path: r.path as string,
    createdAt: r.created_at as string,
  };
}

export function toOutbox(r: Row): OutboxMessage {
  return {
    id: r.id as number,
    channel: r.channel as string,
    recipient: r.recipient as string,
    kind: r.kind as OutboxMessage['kind'],
    payload: r.payload,
    attempts: r.attempts as number,
    replyTo: str(r.reply_to),
    retryKey: str(r.retry_key),
    partsSent: (r.parts_sent as number | undefined) ?? 0,
    ...(r.urgent === true ? { urgent: true } : {}),
  };
}

export function toInbound(r: Row): InboundRow {
  return {
    id: r.id as number,
    channel: r.channel as string,
    eventId: r.event_id as string,
    userKey: r.user_key as string,
    payload: r.payload,
    attempts: r.attempts as number,
    receivedAt: r.received_at as string,
  };
}
