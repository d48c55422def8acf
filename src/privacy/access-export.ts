/**
 * Access requests (issue 14; PDPA s.30): everything Tangrod holds about one reporter (one chat of
 * one channel) as a ZIP, with a summary they can read in their own language.
 *
 *   summary.txt          in the reporter's language: each case, what was reported, who saw it
 *   conversation.txt     everything said in the chat, every report of it, in order
 *   data.json            the same, machine-readable: tickets, transcript, attachments, notes, audit
 *   attachments/<ref>/…  the photos and documents as received
 *
 * Only the one chat's data goes in: tickets are found by its channel and user id, never by a name
 * or a phone number someone typed. Each export is written to the audit trail of every case in it.
 */
import { utf8, type Zippable, zip } from '../core/zip.ts';
import type { Clock } from '../core/clock.ts';
import { summaryLines } from '../conversation/render.ts';
import type { Dictionary } from '../flow/types.ts';
import type { Translations } from '../i18n/locales.ts';
import type { FileStore } from '../store/file-store.ts';
import type { AuditEntry, StaffUser, Store, TicketRecord, TranscriptRow } from '../store/store.ts';
import type { Actor } from '../tickets/ticket-actions.ts';

/** What the export needs. */
export interface AccessExportDeps {
  store: Store;
  files: FileStore;
  translations: Translations;
  dictionary: Dictionary;
  clock: Clock;
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'application/pdf': 'pdf', 'audio/ogg': 'ogg', 'audio/mp4': 'm4a', 'audio/mpeg': 'mp3' };

/** A transcript row's words, or what it was (a choice, a place, a file). */
function rowText(body: unknown, t: (k: string, p?: Record<string, unknown>) => string): string {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.text === 'string') return b.text;
  if (Array.isArray(b.choice)) return `[${b.choice.join(', ')}]`;
  if (b.location && typeof b.location === 'object') {
    const l = b.location as { lat?: number; lon?: number; text?: string };
    return [l.text, l.lat !== undefined ? `${l.lat}, ${l.lon}` : ''].filter(Boolean).join(' · ');
  }
  if (typeof b.attachment === 'string') return `[${t('access_request.file')}${typeof b.transcript === 'string' ? `: ${b.transcript}` : ''}]`;
  return '';
}

/** Who saw a case, in a line per person: names of staff, counts and the last time. */
function seenBy(audit: (AuditEntry & { at: string })[], staff: Map<string, StaffUser>, t: (k: string, p?: Record<string, unknown>) => string): string[] {
  const by = new Map<string, { count: number; last: string }>();
  for (const e of audit) {
    if (!e.actor.startsWith('staff:') && !e.actor.startsWith('token:')) continue;
    const who = e.actor.startsWith('staff:') ? (staff.get(e.actor.slice(6))?.name ?? t('access_request.former_staff')) : t('access_request.integration');
    const seen = by.get(who) ?? { count: 0, last: e.at };
    // The trail is in order: the row at hand is the newest so far.
    by.set(who, { count: seen.count + 1, last: e.at });
  }
  return [...by].map(([who, s]) => `• ${t('access_request.seen_line', { who, count: s.count, date: `${s.last.slice(0, 16).replace('T', ' ')} UTC` })}`);
}

/** The ZIP for the reporter of `ticket` (all their tickets and conversations); audited on each ticket. */
export async function exportReporterData(deps: AccessExportDeps, actor: Actor, ticket: TicketRecord): Promise<{ zip: Uint8Array; fileName: string; tickets: string[] }> {
  const { store, files, translations, dictionary } = deps;
  const now = deps.clock();
  const tickets = (await store.transaction((tx) => tx.ticketsOfUser(ticket.channel, ticket.userId))).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const session = await store.transaction((tx) => tx.getSession(ticket.sessionId));
  const lang = [...tickets].reverse().find((x) => x.language)?.language ?? session?.state.lang ?? undefined;
  const t = translations.t(lang);
  const staff = new Map((await store.listStaff()).map((u) => [u.id, u]));
  const conversation: TranscriptRow[] = await store.transcriptOf(ticket.sessionId);

  const zipFiles: Zippable = {};
  const mtime = now;
  const summary: string[] = [t('access_request.title'), t('access_request.intro', { date: `${now.toISOString().slice(0, 16).replace('T', ' ')} UTC` }), ''];
  const data: Record<string, unknown>[] = [];
  for (const x of tickets) {
    const [attachments, audit, notes, transcript] = await Promise.all([store.attachmentsOf(x.ref), store.auditOf(x.ref), store.notesOf(x.ref), store.ticketTranscript(x)]);
    const stored: { name: string; mime: string; receivedAt: string; sha256: string }[] = [];
    for (const [i, a] of attachments.entries()) {
      const bytes = await files.read(a.path).catch(() => undefined);
      if (!bytes) continue;
      const name = `attachments/${x.ref}/${String(i + 1).padStart(2, '0')}.${EXTENSIONS[a.mime] ?? 'bin'}`;
      zipFiles[name] = [bytes, { mtime, level: 0 }];
      stored.push({ name, mime: a.mime, receivedAt: a.createdAt, sha256: a.sha256 });
    }
    summary.push(
      t('evidence.title', { ref: x.ref }),
      t('evidence.received', { date: `${x.createdAt.slice(0, 16).replace('T', ' ')} UTC` }),
      t('access_request.status', { status: t(`status.value.${x.status}`) }),
      ...(x.erasedAt ? [t('access_request.erased', { date: x.erasedAt.slice(0, 10) })] : []),
      t('evidence.files', { count: stored.length }),
      '',
      t('evidence.answers'),
      ...summaryLines({ t, dictionary, answers: x.answers }),
      '',
      t('access_request.seen_by'),
      ...(seenBy(audit, staff, t).length ? seenBy(audit, staff, t) : [`• ${t('access_request.seen_nobody')}`]),
      '',
    );
    data.push({
      ref: x.ref,
      createdAt: x.createdAt,
      updatedAt: x.updatedAt,
      channel: x.channel,
      language: x.language,
      role: x.role,
      status: x.status,
      outcome: x.outcome,
      priority: x.priority,
      caseType: x.caseType,
      basis: x.basis,
      answers: x.answers,
      indicators: x.indicators,
      referrals: x.referrals.map((r) => ({ agency: r.agency, status: r.status, createdAt: r.createdAt, updatedAt: r.updatedAt })),
      legalHoldAt: x.legalHoldAt ?? null,
      erasureRequestedAt: x.erasureRequestedAt ?? null,
      erasedAt: x.erasedAt ?? null,
      transcript,
      attachments: stored,
      notes: notes.map((n) => ({ at: n.createdAt, by: n.author.startsWith('staff:') ? (staff.get(n.author.slice(6))?.name ?? null) : n.author, text: n.body })),
      audit: audit.map((e) => ({ at: e.at, actor: e.actor, actorName: e.actor.startsWith('staff:') ? (staff.get(e.actor.slice(6))?.name ?? null) : null, action: e.action })),
    });
  }
  summary.push(t('access_request.conversation_note'), '');
  const lines = conversation.map((r) => `${r.createdAt.slice(0, 16).replace('T', ' ')}  ${t(r.direction === 'in' ? 'access_request.you' : 'access_request.us')}: ${rowText(r.body, t)}`);
  zipFiles['summary.txt'] = [utf8(`${summary.join('\n')}\n`), { mtime, level: 6 }];
  zipFiles['conversation.txt'] = [utf8(`${lines.join('\n')}\n`), { mtime, level: 6 }];
  zipFiles['data.json'] = [utf8(`${JSON.stringify({ format: 'tangrod-access-request/1', exportedAt: now.toISOString(), channel: ticket.channel, tickets: data, conversation }, null, 2)}\n`), { mtime, level: 6 }];

  await store.transaction(async (tx) => {
    for (const x of tickets) await tx.audit({ ticketRef: x.ref, actor: actor.audit, action: 'access.exported', detail: { tickets: tickets.length } });
  });
  return { zip: zip(zipFiles), fileName: `tangrod-access-request-${ticket.ref}-${now.toISOString().slice(0, 10)}.zip`, tickets: tickets.map((x) => x.ref) };
}

/** {@link exportReporterData} as a service over its dependencies, built once with the others. */
export class ReporterDataExports {
  private readonly deps: AccessExportDeps;

  constructor(deps: AccessExportDeps) {
    this.deps = deps;
  }

  /** The access-request package of a ticket's reporter (see {@link exportReporterData}). */
  export(actor: Actor, ticket: TicketRecord): ReturnType<typeof exportReporterData> {
    return exportReporterData(this.deps, actor, ticket);
  }
}
