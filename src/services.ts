/**
 * The service graph: builds every service from the configuration, once. The bot, the simulator,
 * the staff API, the dashboard and the CLI share these services; nothing is built twice. Routes
 * import the {@link Services} type from here, never from `app.ts`, so no route depends on the
 * module that mounts it.
 */
import path from 'node:path';
import { AgencyAlerts } from './alerts/agency-alerts.ts';
import { EscalationService } from './alerts/escalation-service.ts';
import type { Config } from './config/env.ts';
import { type Clock, systemClock } from './core/clock.ts';
import { ConversationService } from './conversation/conversation-service.ts';
import { targetsFrom } from './tickets/targets.ts';
import { type Definitions, loadDefinitions } from './definitions.ts';
import { rememberHanFolds, TranslationLexicon } from './i18n/lexicon.ts';
import { LlmClient } from './llm/llm-client.ts';
import { StoryExtractor } from './llm/extract.ts';
import { TicketAssist } from './llm/ticket-assist.ts';
import { fileTranscriber, takesVoiceNotes } from './llm/voice-note.ts';
import { deriveKey } from './privacy/keys.ts';
import { PrivacyActions } from './privacy/privacy-actions.ts';
import { Retention } from './privacy/retention.ts';
import { retentionPeriods } from './privacy/retention-env.ts';
import type { FileStore } from './store/file-store.ts';
import { openFileStore } from './store/files/open-file-store.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';
import { ReporterUpdates } from './tickets/reporter-updates.ts';
import type { TrainingService } from './training/exercise-service.ts';
import { createTraining } from './training/create-training.ts';
import { TRAINING_FOLDER } from './training/workspace.ts';
import { TicketActions } from './tickets/ticket-actions.ts';
import { CareService } from './care/care-service.ts';
import { CareOverdue } from './care/care-overdue.ts';
import { RepatriationService } from './repatriation/repatriation-service.ts';
import { MatchingService } from './matching/matching-service.ts';
import { MonitoringService } from './monitoring/monitoring-service.ts';
// The services routes call instead of the store (issue 11).
import { AccessService } from './access/access.ts';
import { AlertDestinations } from './alerts/alert-destinations.ts';
import { ApiTokens } from './api/token-service.ts';
import { AuditLog } from './audit/audit-log.ts';
import { PolledDelivery } from './delivery/polled-delivery.ts';
import { EvidenceExporter } from './evidence/evidence-export.ts';
import { StaffService } from './staff/staff-service.ts';
import { ReporterDataExports } from './privacy/access-export.ts';
import { TicketQueries } from './tickets/ticket-queries.ts';

/** The services every channel and route uses. */
export interface Services {
  config: Config;
  store: Store;
  files: FileStore;
  definitions: Definitions;
  conversation: ConversationService;
  /** Staff actions on tickets, shared by the dashboard and the Telegram alerts' claim button. */
  actions: TicketActions;
  /** Agency alerts (Telegram, LINE groups, webhooks), written with the referrals. */
  alerts: AgencyAlerts;
  /** Reminders and escalations of referrals nobody accepted in time; `tick` runs every minute in main. */
  escalation: EscalationService;
  /** The language-model assist (issue 13); every feature off unless LLM_FEATURES names it. */
  llm: LlmClient;
  /** Translation and summaries on the ticket page. */
  assist: TicketAssist;
  /** Stories into proposed answers (`extract`), read back by the conversation (src/conversation/story.ts). */
  extractor: StoryExtractor;
  /** Services from needs (issue 15). */
  care: CareService;
  /** Overdue services and return steps: the queue's marks; alerts in the escalation tick. */
  careOverdue: CareOverdue;
  /** Return plans (issue 15). */
  repatriation: RepatriationService;
  /** Matching reports of the same person (issue 15). */
  matching: MatchingService;
  /** The monitoring report's figures (issue 15). */
  monitoring: MonitoringService;
  /** Exercises and scorecards; only in the training workspace (TRAINING=on). */
  training?: TrainingService;
  /** Legal hold and erasure (issue 14). */
  privacy: PrivacyActions;
  /** The retention purge (issue 14); main runs it daily, the CLI on demand. */
  retention: Retention;
  clock: Clock;
  /** Who may see which tickets, transcripts and files (staff and API tokens alike). */
  access: AccessService;
  /** Reads over tickets: the queue, counts, statistics facts, notes, the reporter's activity. */
  tickets: TicketQueries;
  /** The audit rows that stand alone (log-ins, exports, views through the API). */
  audit: AuditLog;
  /** Staff accounts (admin page, log-in, language). */
  staff: StaffService;
  /** API tokens (admin page, bearer checks). */
  tokens: ApiTokens;
  /** Where agencies' alerts go (which reach nobody). */
  alertDestinations: AlertDestinations;
  /** Evidence packages of tickets. */
  evidence: EvidenceExporter;
  /** The outbox of channels that poll (the simulator). */
  polled: PolledDelivery;
  /** Access-request packages (everything held about a reporter). */
  reporterData: ReporterDataExports;
}

/**
 * The folder of this workspace's database and files: the data folder, or for training
 * (`TRAINING=on`) its `training` subfolder, so that no training ticket can be stored among real ones.
 */
export function workspaceDir(config: Pick<Config, 'DATA_DIR' | 'TRAINING'>): string {
  return config.TRAINING ? path.join(config.DATA_DIR, TRAINING_FOLDER) : config.DATA_DIR;
}

/** The SQLite file of this workspace. */
export function databasePath(config: Pick<Config, 'DATA_DIR' | 'TRAINING'>): string {
  return path.join(workspaceDir(config), 'tangrod.db');
}

/** Builds the services: loads and checks the definitions (unless given, checked, by the caller), opens the store. */
export function createServices(config: Config, clock: Clock = systemClock, definitions: Definitions = loadDefinitions(config.FLOWS_DIR, config.LOCALES_DIR)): Services {
  const store = openStore(config, clock, databasePath(config));
  // Several instances share a bucket or FILES_DIR; one keeps its files in its workspace. With
  // DATABASE_KEY the files are encrypted under a key derived from it (issue 14).
  const files = openFileStore(config, workspaceDir(config), config.DATABASE_KEY ? deriveKey(config.DATABASE_KEY, 'files') : undefined);
  const llm = new LlmClient(config, store, { clock });
  const alerts = new AgencyAlerts({ config, translations: definitions.translations, dictionary: definitions.flows.dictionary, staffLanguages: definitions.staffLanguages, clock });
  const extractor = new StoryExtractor(llm, definitions.flows.dictionary);
  const care = new CareService({ store, directory: definitions.directory, policy: definitions.services, clock, alerts });
  const updates = new ReporterUpdates(definitions.translations);
  const careOverdue = new CareOverdue(store, alerts);
  const repatriation = new RepatriationService({ store, directory: definitions.directory, plans: definitions.repatriation, clock, updates });
  const matching = new MatchingService({ store, clock, updates });
  // The locales' Chinese words were folded when the definitions were checked (start-up, issue 12).
  rememberHanFolds(definitions.hanFolds);
  const conversation = new ConversationService({
    store,
    ...definitions,
    lexicon: new TranslationLexicon(definitions.translations),
    maxTextLength: config.MAX_TEXT_LENGTH,
    privacy: { unticketedDays: config.RETENTION_UNTICKETED_DAYS, closedDays: config.RETENTION_CLOSED_TRANSCRIPT_DAYS },
    deleteFiles: (paths) => files.delete(paths),
    alerts,
    // After every change of a ticket's answers: its services, then its matching keys.
    care: { sync: async (tx, ticket) => matching.sync(tx, await care.sync(tx, ticket)) },
    ...(takesVoiceNotes(config) ? { transcribe: fileTranscriber(llm, files) } : {}),
    extractor,
  });
  const actions = new TicketActions(store, definitions.directory, clock, { alerts, updates });
  const escalation = new EscalationService({ store, alerts, targets: targetsFrom(config), also: [careOverdue] });
  const training = config.TRAINING ? createTraining(config, { store, conversation, definitions, clock }) : undefined;
  const assist = new TicketAssist(llm, definitions.flows.dictionary, definitions.policy.indicators.map((i) => i.id));
  const audit = new AuditLog(store);
  return {
    config,
    store,
    files,
    definitions,
    conversation,
    actions,
    alerts,
    escalation,
    llm,
    ...(training ? { training } : {}),
    assist,
    privacy: new PrivacyActions({ store, files, forget: () => assist.forget() }),
    retention: new Retention({ store, files, periods: retentionPeriods(config), clock }),
    extractor,
    care,
    careOverdue,
    repatriation,
    matching,
    monitoring: new MonitoringService(store, definitions.services.kinds),
    clock,
    access: new AccessService(store),
    tickets: new TicketQueries(store),
    audit,
    staff: new StaffService(store, definitions.directory, audit),
    tokens: new ApiTokens(store, audit, clock, config.API_TOKEN_DAYS),
    alertDestinations: new AlertDestinations(store, config),
    evidence: new EvidenceExporter({ store, files, directory: definitions.directory, translations: definitions.translations, dictionary: definitions.flows.dictionary, clock, training: config.TRAINING }),
    polled: new PolledDelivery(store),
    reporterData: new ReporterDataExports({ store, files, translations: definitions.translations, dictionary: definitions.flows.dictionary, clock }),
  };
}
