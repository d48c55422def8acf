/**
 * Exporting a ticket's evidence package for a destination agency: the rules (cross-border needs
 * the reporter's consent; stored files must still match the hashes recorded when they arrived),
 * the package, and its audit row. The caller has checked that the staff member may see the ticket
 * and may export (supervisors and admins).
 */
import type { Clock } from '../core/clock.ts';
import { DomainError } from '../core/errors.ts';
import type { Directory } from '../directory/directory.ts';
import type { Dictionary } from '../flow/types.ts';
import type { Translations } from '../i18n/locales.ts';
import type { FileStore } from '../store/file-store.ts';
import type { Store, TicketRecord } from '../store/store.ts';
import { isCrossBorder, type Actor } from '../tickets/ticket-actions.ts';
import { buildPackage, sha256 } from './evidence-package.ts';

/** The language of a destination's own authorities, when there is a locale for it. */
const COUNTRY_LANGUAGE: Record<string, string> = { KH: 'km', MM: 'my', LA: 'lo', VN: 'vi', CN: 'zh' };

/** What an export needs. */
export interface EvidenceDeps {
  store: Store;
  files: FileStore;
  directory: Directory;
  translations: Translations;
  dictionary: Dictionary;
  clock: Clock;
  /** The training workspace: its packages are named as such, so that none passes for a real case. */
  training?: boolean;
}

/** A built package, ready to download. */
export interface EvidenceExport {
  zip: Uint8Array;
  fileName: string;
  manifestSha256: string;
}

/**
 * The country whose authorities receive the package: the directory's country, or the one an id
 * names (a foreign embassy in Bangkok, `mm-embassy-bkk`, answers to Myanmar).
 */
function destinationCountry(directory: Directory, agency: string): string {
  const prefix = /^([a-z]{2})-/.exec(agency)?.[1]?.toUpperCase();
  const country = directory.byId.get(agency)?.country ?? 'OTHER';
  return prefix && prefix !== country && COUNTRY_LANGUAGE[prefix] ? prefix : country;
}

/**
 * Builds the package of `ticket` for `destination`, and records the export in the audit trail.
 * `until` leaves out files that arrived after it (an agency that declined or transferred the case).
 */
export async function exportEvidence(deps: EvidenceDeps, actor: Actor & { name: string }, ticket: TicketRecord, destination: string, until?: string): Promise<EvidenceExport> {
  const { store, files, directory } = deps;
  if (!directory.byId.has(destination)) throw new DomainError('invalid', 'unknown_agency', 'Pick an agency from the list.');
  const crossBorder = isCrossBorder(directory, destination);
  if (crossBorder && ticket.answers.consent_cross_border !== 'yes') {
    throw new DomainError('conflict', 'no_cross_border_consent', 'The reporter did not agree to share details across borders; this agency is abroad or a foreign authority.');
  }
  const attachments = [];
  for (const attachment of await store.attachmentsOf(ticket.ref)) {
    if (until && attachment.createdAt > until) continue;
    // An encrypted file that fails its tag was changed too (src/privacy/sealed.ts).
    const bytes = await files.read(attachment.path).catch(() => undefined);
    // A file that no longer matches the hash taken when it arrived is not evidence any more: say so.
    if (!bytes || sha256(bytes) !== attachment.sha256) throw new DomainError('conflict', 'evidence_file_changed', 'A stored file no longer matches the hash recorded when it arrived; the package was not made.');
    attachments.push({ attachment, bytes });
  }
  const country = destinationCountry(directory, destination);
  const destinationLanguage = COUNTRY_LANGUAGE[country];
  const languages = ['th', 'en', ...(destinationLanguage && deps.translations.languages.includes(destinationLanguage) ? [destinationLanguage] : [])];
  const now = deps.clock();
  const staff = new Map((await store.listStaff()).map((u) => [`staff:${u.id}`, u.name]));
  // The chain of custody ends with this export (its audit row is written below, with the hash).
  const custody = [
    ...(await store.auditOf(ticket.ref)).map((e) => ({ ...e, actorName: staff.get(e.actor) ?? null })),
    { ticketRef: ticket.ref, actor: actor.audit, actorName: actor.name, action: 'evidence.exported', detail: { destination }, at: now.toISOString() },
  ];
  const { zip, manifestSha256 } = buildPackage({
    ticket,
    attachments,
    custody,
    destination: { agency: destination, country, crossBorder },
    languages,
    exportedAt: now,
    exportedBy: { actor: actor.audit, name: actor.name },
    translations: deps.translations,
    dictionary: deps.dictionary,
  });
  await store.transaction((tx) =>
    tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'evidence.exported', detail: { destination, crossBorder, files: attachments.length, manifestSha256 } }),
  );
  const stamp = now.toISOString().slice(0, 10);
  return { zip, manifestSha256, fileName: `${deps.training ? 'TRAINING-' : ''}evidence-${ticket.ref}-${destination}-${stamp}.zip` };
}

/** {@link exportEvidence} as a service over its dependencies, built once with the others. */
export class EvidenceExporter {
  private readonly deps: EvidenceDeps;

  constructor(deps: EvidenceDeps) {
    this.deps = deps;
  }

  /** Builds the package of one ticket for a destination agency (see {@link exportEvidence}). */
  export(actor: Actor & { name: string }, ticket: TicketRecord, destination: string, until?: string): Promise<EvidenceExport> {
    return exportEvidence(this.deps, actor, ticket, destination, until);
  }
}
