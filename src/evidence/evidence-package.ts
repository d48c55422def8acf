/**
 * The evidence package: a ZIP that staff forward to another agency, e.g. to Cambodia's NCCT under
 * the Thailand–Cambodia SOP, so that evidence reaches the destination country for prosecution.
 *
 *   manifest.json          every file below with its SHA-256 and size; each attachment's MIME type,
 *                          time received, channel and platform message id
 *   manifest.sha256        the SHA-256 of manifest.json (`sha256sum -c` reads it too)
 *   summary/summary-<lang>.txt   the case in Thai and English, and in the destination's language
 *   chain-of-custody.json  who created, viewed, downloaded, exported what and when (the audit trail)
 *   attachments/...        the files as received
 *
 * Tampering with any file changes its hash; changing the manifest to match changes the manifest's
 * hash. (A hash proves integrity, not origin: the package should travel over a channel the two
 * agencies trust, or with the manifest hash read out separately.)
 */
import { createHash } from 'node:crypto';
import { utf8, type Zippable, zip } from '../core/zip.ts';
import { summaryLines } from '../conversation/render.ts';
import type { Dictionary } from '../flow/types.ts';
import type { Translations } from '../i18n/locales.ts';
import type { AuditEntry, Attachment, TicketRecord } from '../store/store.ts';

/** The format name in every manifest, for receivers that read it. */
export const EVIDENCE_FORMAT = 'tangrod-evidence/1';
export const MANIFEST = 'manifest.json';
export const MANIFEST_HASH = 'manifest.sha256';

/** One file listed in the manifest. */
export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
  mime: string;
}

/** An attachment as the manifest lists it. */
export interface ManifestAttachment extends ManifestFile {
  receivedAt: string;
  channel: string;
  messageId: string | null;
  originalName: string | null;
}

/** What manifest.json holds. */
export interface Manifest {
  format: string;
  hashAlgorithm: 'SHA-256';
  ticket: string;
  exportedAt: string;
  exportedBy: { actor: string; name: string | null };
  destination: { agency: string; country: string; crossBorder: boolean };
  /** The reporter's consent as given (the legal basis for sending the package at all). */
  consent: { basis: string; consentShare: string | null; consentCrossBorder: string | null };
  attachments: ManifestAttachment[];
  documents: ManifestFile[];
}

/** Everything the package is made of, already read and checked. */
export interface PackageInput {
  ticket: TicketRecord;
  attachments: { attachment: Attachment; bytes: Uint8Array }[];
  custody: (AuditEntry & { at: string; actorName?: string | null })[];
  destination: { agency: string; country: string; crossBorder: boolean };
  /** Languages of the summaries, in order (th, en, and the destination's when there is one). */
  languages: string[];
  exportedAt: Date;
  exportedBy: { actor: string; name: string | null };
  translations: Translations;
  dictionary: Dictionary;
}

/** Hex SHA-256 of bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'application/pdf': 'pdf' };

/** The ticket summary in one language: plain text, the reporter's own words kept as they wrote them. */
export function summaryText(input: Pick<PackageInput, 'ticket' | 'attachments' | 'translations' | 'dictionary'>, lang: string): string {
  const { ticket } = input;
  const t = input.translations.t(lang);
  return [
    t('evidence.title', { ref: ticket.ref }),
    t('evidence.received', { date: `${ticket.createdAt} (UTC)` }),
    t('evidence.priority', { priority: `${ticket.priority} (${t(`evidence.priority_value.${ticket.priority}`, { defaultValue: ticket.priority })})` }),
    t('evidence.case_type', { caseType: t(`evidence.case_type_value.${ticket.caseType}`, { defaultValue: ticket.caseType }) }),
    t('evidence.files', { count: input.attachments.length }),
    '',
    t('evidence.answers'),
    ...summaryLines({ t, dictionary: input.dictionary, answers: ticket.answers }),
    '',
  ].join('\n');
}

/** Builds the ZIP; returns it with the manifest's hash (for the audit trail). */
export function buildPackage(input: PackageInput): { zip: Uint8Array; manifestSha256: string } {
  const mtime = input.exportedAt;
  const files: Zippable = {};
  const documents: ManifestFile[] = [];
  const addDocument = (path: string, text: string, mime: string) => {
    const bytes = utf8(text);
    files[path] = [bytes, { mtime, level: 6 }];
    documents.push({ path, sha256: sha256(bytes), size: bytes.byteLength, mime });
  };

  for (const lang of input.languages) addDocument(`summary/summary-${lang}.txt`, summaryText(input, lang), 'text/plain; charset=utf-8');
  addDocument(
    'chain-of-custody.json',
    `${JSON.stringify(
      input.custody.map((e) => ({ at: e.at, actor: e.actor, actorName: e.actorName ?? null, action: e.action, detail: e.detail ?? null })),
      null,
      2,
    )}\n`,
    'application/json',
  );

  const attachments: ManifestAttachment[] = input.attachments.map(({ attachment: a, bytes }, i) => {
    const path = `attachments/${String(i + 1).padStart(2, '0')}-${a.id}.${EXTENSIONS[a.mime] ?? 'bin'}`;
    // Photos and PDFs are compressed already; storing them keeps export fast.
    files[path] = [bytes, { mtime, level: 0 }];
    return { path, sha256: sha256(bytes), size: bytes.byteLength, mime: a.mime, receivedAt: a.createdAt, channel: a.channel, messageId: a.messageId, originalName: a.name };
  });

  const manifest: Manifest = {
    format: EVIDENCE_FORMAT,
    hashAlgorithm: 'SHA-256',
    ticket: input.ticket.ref,
    exportedAt: input.exportedAt.toISOString(),
    exportedBy: input.exportedBy,
    destination: input.destination,
    consent: {
      basis: input.ticket.basis,
      consentShare: typeof input.ticket.answers.consent_share === 'string' ? input.ticket.answers.consent_share : null,
      consentCrossBorder: typeof input.ticket.answers.consent_cross_border === 'string' ? input.ticket.answers.consent_cross_border : null,
    },
    attachments,
    documents,
  };
  const manifestBytes = utf8(`${JSON.stringify(manifest, null, 2)}\n`);
  const manifestSha256 = sha256(manifestBytes);
  files[MANIFEST] = [manifestBytes, { mtime, level: 6 }];
  files[MANIFEST_HASH] = [utf8(`${manifestSha256}  ${MANIFEST}\n`), { mtime, level: 0 }];
  return { zip: zip(files), manifestSha256 };
}
