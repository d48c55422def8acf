/**
 * The conversation pipeline, the same for every channel: de-duplicate the event, load the session,
 * run the turn (each kind of turn has its file: screening-step.ts, command-turn.ts, quick-exit.ts,
 * case-message.ts...), and write session, transcript, ticket and outbox rows in one transaction.
 */
import { toUnicode } from '../i18n/zawgyi.ts';
import { DANGER_FLOW } from '../flow/engine.ts';
import type { SessionState } from '../flow/types.ts';
import type { TicketRecord } from '../store/store.ts';
import { turnBody } from '../store/transcript-turns.ts';
import { badInput } from './bad-input.ts';
import { caseToMessage, staffSpokeLast, toCase } from './case-message.ts';
import { commandTurn } from './command-turn.ts';
import { CommandMatcher } from './commands.ts';
import { Distress } from './distress.ts';
import { switchFont } from './font-switch.ts';
import { LanguageChoice } from './language-choice.ts';
import { MyanmarFonts } from './myanmar-font.ts';
import { quickExit } from './quick-exit.ts';
import { isDeleteChoice } from './privacy-commands.ts';
import type { InboundContent, InboundMessage, Reply } from './reply.ts';
import { OncePerEvent } from './once-per-event.ts';
import { ScreeningStep } from './screening-step.ts';
import { Stories, type StoryReading } from './story.ts';
import type { ConversationDeps, TurnContext, TurnResult } from './turn.ts';
import { type Unsent, withdrawUnsent } from './unsend.ts';

export type { ConversationDeps } from './turn.ts';

/** The outcome of one inbound event. */
export interface HandleResult {
  /** True when the event id was seen before: nothing was done. */
  duplicate: boolean;
  replies: Reply[];
}

/** Options of {@link ConversationService.handle}. */
export interface HandleOptions {
  /**
   * The channel answers in the same request (the simulator): outbox rows are written as delivered.
   * Other channels leave them pending for their dispatcher.
   */
  synchronous?: boolean;
}

/** Runs conversations. */
export class ConversationService {
  private readonly commands: CommandMatcher;
  private readonly fonts: MyanmarFonts;
  private readonly distress: Distress;
  private readonly screening: ScreeningStep;
  private readonly stories: Stories;
  private readonly once = new OncePerEvent();

  private readonly deps: ConversationDeps;

  constructor(deps: ConversationDeps) {
    this.deps = deps;
    this.commands = new CommandMatcher(deps.translations);
    this.fonts = new MyanmarFonts(deps.translations);
    this.distress = new Distress(deps.flows, deps.translations);
    this.screening = new ScreeningStep(new LanguageChoice(deps.translations, deps.flows, deps.latinWords), this.distress);
    this.stories = new Stories(deps.flows, deps.lexicon, deps.extractor);
  }

  /** Whether a text may be read by a language model before it is answered (so answering it may wait on the model). */
  get readsStories(): boolean {
    return this.stories.enabled;
  }

  /** Handles one inbound event; safe to call again with the same event id. */
  async handle(msg: InboundMessage, opts: HandleOptions = {}): Promise<HandleResult> {
    // The model calls come before the transaction: they must not hold it open.
    msg = await this.withTranscript(msg);
    const story = await this.storyOf(msg);
    const filesToDelete: string[] = [];
    const result = await this.deps.store.transaction(async (tx): Promise<HandleResult> => {
      if (!(await tx.claimEvent(msg.channel, msg.eventId))) return { duplicate: true, replies: [] };
      const sessionId = `${msg.channel}:${msg.userId}`;
      const session = await tx.getSession(sessionId);
      const fontBefore = session?.state.myanmarFont;
      const turn = await this.turn({ deps: this.deps, tx, msg, sessionId, state: session?.state, filesToDelete, synchronous: opts.synchronous ?? false, ...(story ? { story } : {}) });
      // Burmese for a Zawgyi phone: kept as a preference, replies marked for the channel to convert.
      const font = turn.font ?? this.fonts.onArrival(fontBefore, msg.content);
      if (turn.state && font) turn.state = { ...turn.state, myanmarFont: font };
      const fresh = !fontBefore && !turn.erased && font === 'zawgyi';
      turn.replies = this.fonts.present(turn.replies, font, { lang: turn.state?.lang ?? session?.state.lang, fresh, ...(turn.font ? { switchedTo: turn.font } : {}) });
      // An erased chat, or input that changes nothing (too long, unsupported, a miss), leaves no
      // trace but the answer to it; a synchronous channel has that answer in its response already.
      const traceless = turn.erased === true || !turn.state || turn.quiet === true;
      // Each row belongs to its report: the conversation, or the case a later message went to.
      const link = { conversationId: turn.state?.conversationId ?? null, ticketRef: turn.caseRef ?? null };
      if (turn.record && !traceless) await tx.addTranscript(sessionId, 'in', turn.record, msg.messageId, link);
      if (!traceless && turn.replies.length > 0) await tx.addTranscript(sessionId, 'out', turnBody(turn.replies), undefined, link);
      if (turn.replies.length > 0 && !(traceless && opts.synchronous)) {
        // The turn's answers as one row: they go out together (one LINE call, one Telegram
        // message), and one row is a fraction of the writes of one per answer.
        const [only] = turn.replies;
        const body = turn.replies.length === 1 ? { kind: 'reply' as const, payload: only } : { kind: 'replies' as const, payload: { replies: turn.replies } };
        // The danger path's answers go out ahead of other chats' when there is a backlog.
        const urgent = turn.state?.flow === DANGER_FLOW;
        await tx.enqueue({ channel: msg.channel, recipient: msg.userId, ...body, replyTo: msg.eventId, ...(urgent ? { urgent } : {}) }, { delivered: opts.synchronous ?? false });
      }
      if (turn.state) await tx.saveSession({ id: sessionId, channel: msg.channel, userId: msg.userId, state: turn.state });
      // Writing again after a quick exit, whatever they write, lets staff and case updates reach
      // the chat again.
      if (!turn.exited) await tx.setReporterLeft(msg.channel, msg.userId, false);
      return { duplicate: false, replies: turn.replies };
    });
    if (filesToDelete.length && this.deps.deleteFiles) await this.deps.deleteFiles(filesToDelete);
    return result;
  }

  /** A voice note with its words, when the assist transcribes it; once per event, however often it is delivered. */
  private async withTranscript(msg: InboundMessage): Promise<InboundMessage> {
    const { transcribe, maxTextLength } = this.deps;
    if (msg.content.type !== 'media' || !msg.content.file.mime.startsWith('audio/') || !transcribe) return msg;
    const file = msg.content.file;
    const transcript = (await this.once.run(`voice:${msg.channel}:${msg.eventId}`, () => transcribe(file).catch(() => undefined)))?.slice(0, maxTextLength);
    return transcript ? { ...msg, content: { ...msg.content, transcript } } : msg;
  }

  /**
   * The model's reading of a story (story.ts), when the message is one: words that are no command,
   * no font switch, no answer to a staff member and no danger the distress matcher finds (those
   * are answered without the model).
   */
  private async storyOf(msg: InboundMessage): Promise<StoryReading | undefined> {
    if (!this.stories.enabled) return undefined;
    const words = wordsOf(msg.content);
    if (!words || words.length > this.deps.maxTextLength || this.commands.match(words) || this.fonts.asked(msg.content)) return undefined;
    const sessionId = `${msg.channel}:${msg.userId}`;
    // A reply to a staff member goes to their case as it is: nothing for the model to read.
    const { state, toStaff } = await this.deps.store.transaction(async (tx) => ({ state: (await tx.getSession(sessionId))?.state, toStaff: (await staffSpokeLast(tx, sessionId)) !== undefined }));
    if (toStaff || this.distress.says(words, state)) return undefined;
    return this.once.run(`story:${msg.channel}:${msg.eventId}`, () => this.stories.read(state, words));
  }

  /** A message the person took back (LINE unsend): its rows and the answer it gave go; safe to repeat. */
  async unsend(event: Unsent): Promise<void> {
    const files = await withdrawUnsent(this.deps, event);
    if (files.length && this.deps.deleteFiles) await this.deps.deleteFiles(files);
  }

  /**
   * One turn, by its kind: input that cannot be taken, a font switch, the quick exit, a command, a
   * message to an open case, or a screening step (the danger path included).
   */
  private async turn(ctx: TurnContext): Promise<TurnResult> {
    const { msg, state } = ctx;
    // Burmese typed in Zawgyi is converted before anything reads or stores it.
    const content = msg.content.type === 'text' ? { ...msg.content, text: toUnicode(msg.content.text) } : msg.content;

    // Bad input changes nothing: it is answered, not stored.
    const bad = await badInput(ctx, content);
    if (bad || content.type === 'unsupported') return bad ?? { replies: [] };

    const askedFont = this.fonts.asked(content);
    if (askedFont && state) return switchFont(ctx, state, askedFont, content);

    // A voice note's words count as typed ones: "exit" said aloud leaves too.
    const words = wordsOf(content);
    // The quick exit's "delete my data" tap is /delete (issue 14).
    const command = words !== undefined ? this.commands.match(words) : isDeleteChoice(content) ? 'delete' : undefined;
    if (command === 'exit') {
      // The voice note is no part of any report: its file goes with the exit.
      if (content.type === 'media') ctx.filesToDelete.push(content.file.path);
      return { ...(await quickExit(ctx)), exited: true };
    }
    const commanded = await commandTurn(ctx, content, command);
    if (commanded) return commanded;

    // Danger in the person's own words, at any step, goes down the danger path at once (distress.ts).
    // A model that read danger in a story sends it down the same path (the matcher ran first).
    const story = ctx.story && storyStillFor(ctx.story, state) ? ctx.story : undefined;
    const danger = (!command && words !== undefined && this.distress.says(words, state)) || story?.danger === true;

    // A message for an open case (after the screening ended, or in answer to staff) goes to the
    // case, not into a new screening; commands above keep working. Danger goes to the case too.
    let open: TicketRecord | undefined;
    if (!command && state && content.type !== 'choice') {
      open = await caseToMessage(ctx, state);
      if (open && !danger) return toCase(ctx, state, open, content);
    }
    return this.screening.run(ctx, content, { command, danger, open, ...(story ? { story } : {}) });
  }
}

/** The person's words in a message: typed (Zawgyi converted), or a voice note's transcript. */
function wordsOf(content: InboundContent): string | undefined {
  if (content.type === 'text') return toUnicode(content.text);
  return content.type === 'media' ? content.transcript : undefined;
}

/** A story's reading counts only where it was made: the conversation still waits at that question. */
function storyStillFor(story: StoryReading, state: SessionState | undefined): boolean {
  return state !== undefined && !state.ended && !state.confirming && !state.choosingLanguage && state.flow === story.at.flow && state.node === story.at.node;
}
