/**
 * What every kind of turn shares (a screening step, a command, a quick exit, a message to an open
 * case...): the conversation's dependencies, the turn's context inside the transaction, what a turn
 * returns to the pipeline, and how its engine output becomes replies in the person's language.
 */
import type { AgencyAlerts } from '../alerts/agency-alerts.ts';
import type { Directory } from '../directory/directory.ts';
import { reask } from '../flow/engine.ts';
import type { Lexicon } from '../flow/interpret.ts';
import type { FlowSet, Out, SessionState } from '../flow/types.ts';
import type { LatinWords } from '../i18n/detect.ts';
import type { Translations } from '../i18n/locales.ts';
import type { Policy } from '../policy/policy.ts';
import type { Store, TicketRecord, Tx } from '../store/store.ts';
import type { MyanmarFont } from './myanmar-font.ts';
import type { StoryReader, StoryReading } from './story.ts';
import { render } from './render.ts';
import type { InboundMessage, Reply, StoredFile } from './reply.ts';
import type { TicketFollowUp } from '../tickets/ticket-service.ts';

/** What the conversation needs; built once at start-up. */
export interface ConversationDeps {
  store: Store;
  flows: FlowSet;
  policy: Policy;
  directory: Directory;
  translations: Translations;
  lexicon: Lexicon;
  maxTextLength: number;
  /** Called after commit with files to delete (a quick exit erased their rows). */
  deleteFiles?: (paths: string[]) => Promise<void>;
  /** Alerts agencies of new referrals, in the conversation's transaction. */
  alerts?: AgencyAlerts;
  /** Services from needs (src/care/, issue 15), written with the ticket. */
  care?: TicketFollowUp;
  /** Words of each language typed in Latin letters, for first messages (without: Latin -> menu). */
  latinWords?: LatinWords;
  /** Transcribes a voice note (the assist's `transcribe`); undefined when it could not. */
  transcribe?: (file: StoredFile) => Promise<string | undefined>;
  /** Reads stories into proposed answers (the assist's `extract`; story.ts). */
  extractor?: StoryReader;
  /** The retention periods `/privacy` names, in days (issue 14; 0: kept until staff delete it). */
  privacy?: { unticketedDays: number; closedDays: number };
}

/** One inbound event inside its transaction. */
export interface TurnContext {
  deps: ConversationDeps;
  tx: Tx;
  msg: InboundMessage;
  /** `<channel>:<userId>`. */
  sessionId: string;
  /** The stored state before this turn; undefined for a new chat. */
  state: SessionState | undefined;
  /** Receives files to delete after commit (erased or unused uploads). */
  filesToDelete: string[];
  /** The channel answers in the same request (the simulator). */
  synchronous: boolean;
  /** What the model read in the message as a story, before the transaction (story.ts). */
  story?: StoryReading;
}

/** What a turn leaves for the pipeline to write. */
export interface TurnResult {
  /** The new state; none when nothing is to be saved (bad input before any conversation, an erased chat). */
  state?: SessionState;
  replies: Reply[];
  /** What to keep of the input in the transcript. */
  record?: unknown;
  /** The chat was erased (quick exit without a ticket): nothing of this turn is written. */
  erased?: boolean;
  /** Input that changed nothing (too long, a miss, /status): answered, not written. */
  quiet?: boolean;
  /** The case the message went to, when it went to one. */
  caseRef?: string;
  /** The person left (quick exit): staff and case updates stop until they write again. */
  exited?: boolean;
  /** The Myanmar font the person switched to in this turn. */
  font?: MyanmarFont;
}

/** Engine output as replies in the turn's language; `params` fill every string, `ticket` the ticket blocks. */
export async function renderFor(ctx: TurnContext, state: SessionState | undefined, out: Out[], params: Record<string, unknown> = {}, ticket?: TicketRecord): Promise<Reply[]> {
  const { translations, flows, directory } = ctx.deps;
  const baseT = translations.t(state?.lang);
  const t = ((key: string, opts?: Record<string, unknown>) => baseT(key, { ...params, ...opts })) as typeof baseT;
  // The person's tickets, read only when a line shows them (most turns show none).
  const needed = (!ticket && state?.ticketRef !== undefined) || out.some((o) => o.kind === 'show' && o.block === 'status');
  const tickets = needed ? await ctx.tx.ticketsOfUser(ctx.msg.channel, ctx.msg.userId) : [];
  const own = ticket ?? (state?.ticketRef ? tickets.find((x) => x.ref === state.ticketRef) : undefined);
  const answers = state?.answers ?? {};
  const replies = render(out, {
    t,
    dictionary: flows.dictionary,
    directory,
    answers,
    role: typeof answers.role === 'string' ? answers.role : undefined,
    ...(own ? { ticket: own } : {}),
    tickets: () => tickets,
    ...(state?.typed ? { typed: state.typed } : {}),
  });
  // Only the languages that have locales are offered.
  for (const r of replies) if (r.expects?.key === 'lang' && r.choices) r.choices = r.choices.filter((c) => c.id === 'skip' || translations.languages.includes(c.id));
  return replies;
}

/** The question the state waits at, again (nothing outside a conversation). */
export function again(ctx: TurnContext, state: SessionState | undefined): Out[] {
  return state ? reask(ctx.deps.flows, state) : [];
}
