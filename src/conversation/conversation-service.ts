/**
 * The conversation pipeline, the same for every channel: de-duplicate the event, load the session,
 * step the flow, and write session, transcript, ticket and outbox rows in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { AgencyAlerts } from '../alerts/agency-alerts.ts';
import type { Directory } from '../directory/directory.ts';
import { FlowRuntimeError, initialState, reask, step } from '../flow/engine.ts';
import type { Lexicon } from '../flow/interpret.ts';
import type { FlowSet, Input, Out, SessionState } from '../flow/types.ts';
import type { LatinWords } from '../i18n/detect.ts';
import type { Translations } from '../i18n/locales.ts';
import { toUnicode } from '../i18n/zawgyi.ts';
import type { Policy } from '../policy/policy.ts';
import type { Store, TicketRecord, Tx } from '../store/store.ts';
import { createTicket, enrichTicket } from '../tickets/ticket-service.ts';
import { type Command, CommandMatcher } from './commands.ts';
import { CHANGE_HINT_KEY, LanguageChoice, WELCOME_OUT } from './language-choice.ts';
import { type MyanmarFont, MyanmarFonts } from './myanmar-font.ts';
import { render } from './render.ts';
import type { InboundMessage, Reply, StoredFile } from './reply.ts';

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
  /** Words of each language typed in Latin letters, for first messages (without: Latin -> menu). */
  latinWords?: LatinWords;
  /** Transcribes a voice note (the assist's `transcribe`); undefined when it could not. */
  transcribe?: (file: StoredFile) => Promise<string | undefined>;
}

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
  private readonly languages: LanguageChoice;
  private readonly fonts: MyanmarFonts;

  private readonly deps: ConversationDeps;

  constructor(deps: ConversationDeps) {
    this.deps = deps;
    this.commands = new CommandMatcher(deps.translations);
    this.languages = new LanguageChoice(deps.translations, deps.flows, deps.latinWords);
    this.fonts = new MyanmarFonts(deps.translations);
  }

  /** Handles one inbound event; safe to call again with the same event id. */
  async handle(msg: InboundMessage, opts: HandleOptions = {}): Promise<HandleResult> {
    // A voice note is transcribed before the transaction: the model call must not hold it open.
    if (msg.content.type === 'media' && msg.content.file.mime.startsWith('audio/') && this.deps.transcribe) {
      const transcript = (await this.deps.transcribe(msg.content.file).catch(() => undefined))?.slice(0, this.deps.maxTextLength);
      if (transcript) msg = { ...msg, content: { ...msg.content, transcript } };
    }
    const filesToDelete: string[] = [];
    const result = await this.deps.store.transaction(async (tx): Promise<HandleResult> => {
      if (!(await tx.claimEvent(msg.channel, msg.eventId))) return { duplicate: true, replies: [] };
      const sessionId = `${msg.channel}:${msg.userId}`;
      const session = await tx.getSession(sessionId);
      const fontBefore = session?.state.myanmarFont;
      const turn = await this.turn(tx, msg, sessionId, session?.state, filesToDelete, opts.synchronous ?? false);
      // Burmese for a Zawgyi phone: kept as a preference, replies marked for the channel to convert.
      const font = turn.font ?? this.fonts.onArrival(fontBefore, msg.content);
      if (turn.state && font) turn.state = { ...turn.state, myanmarFont: font };
      const fresh = !fontBefore && !turn.erased && font === 'zawgyi';
      turn.replies = this.fonts.present(turn.replies, font, { lang: turn.state?.lang ?? session?.state.lang, fresh, ...(turn.font ? { switchedTo: turn.font } : {}) });
      // An erased chat, or input that changes nothing (too long, unsupported), leaves no trace but
      // the answer to it; a synchronous channel has that answer in its response already.
      const traceless = turn.erased === true || !turn.state;
      if (turn.record && !traceless) await tx.addTranscript(sessionId, 'in', turn.record, msg.messageId);
      for (const reply of turn.replies) {
        if (!traceless) await tx.addTranscript(sessionId, 'out', reply);
        if (!(traceless && opts.synchronous)) {
          await tx.enqueue({ channel: msg.channel, recipient: msg.userId, kind: 'reply', payload: reply }, { delivered: opts.synchronous ?? false });
        }
      }
      if (turn.state) await tx.saveSession({ id: sessionId, channel: msg.channel, userId: msg.userId, state: turn.state });
      return { duplicate: false, replies: turn.replies };
    });
    if (filesToDelete.length && this.deps.deleteFiles) await this.deps.deleteFiles(filesToDelete);
    return result;
  }

  /** One turn: what to store of the input, the new state and the replies. */
  private async turn(
    tx: Tx,
    msg: InboundMessage,
    sessionId: string,
    state: SessionState | undefined,
    filesToDelete: string[],
    synchronous: boolean,
  ): Promise<{ state?: SessionState; replies: Reply[]; record?: unknown; erased?: boolean; font?: MyanmarFont }> {
    const { flows } = this.deps;
    // Burmese typed in Zawgyi is converted before anything reads or stores it.
    const content = msg.content.type === 'text' ? { ...msg.content, text: toUnicode(msg.content.text) } : msg.content;
    const lang = state?.lang;

    // Bad input changes nothing: it is answered, not stored.
    if (content.type === 'text' && content.text.length > this.deps.maxTextLength) {
      return { replies: await this.renderFor(tx, msg, state, [{ kind: 'miss', reason: 'too_long' }, ...this.again(state)], { max: this.deps.maxTextLength }) };
    }
    if (content.type === 'unsupported') {
      const key = content.what === 'file_too_large' ? 'miss.file_too_large' : content.what === 'file_type' ? 'miss.file_type' : 'miss.unsupported';
      return { replies: await this.renderFor(tx, msg, state, [{ kind: 'say', key }, ...this.again(state)]) };
    }

    const askedFont = this.fonts.asked(content);
    if (askedFont && state) return this.switchFont(tx, msg, state, askedFont, content);

    const command = content.type === 'text' ? this.commands.match(content.text) : undefined;
    if (command === 'exit') return this.exit(tx, msg, sessionId, state, filesToDelete, synchronous);
    if (command && command !== 'start' && state && !state.ended) return this.command(tx, msg, state, command);
    // Outside a conversation (before one, or after it ended) status and help answer on their own.
    if (command === 'status' || command === 'help') {
      const out: Out[] = [command === 'status' ? { kind: 'show', block: 'status' } : { kind: 'say', key: 'help.text' }];
      return { ...(state ? { state } : {}), replies: await this.renderFor(tx, msg, state, out) };
    }

    // A message for an open case (after the screening ended, or in answer to staff) goes to the
    // case, not into a new screening; commands above keep working.
    if (!command && state && content.type !== 'choice') {
      const open = await this.caseToMessage(tx, sessionId, msg, state);
      if (open) return this.toCase(tx, msg, sessionId, state, open, content);
    }

    let input: Input;
    let record: unknown;
    switch (content.type) {
      case 'text':
        input = command === 'start' ? { type: 'start' } : { type: 'text', text: content.text };
        record = { text: content.text };
        break;
      case 'choice':
        input = { type: 'choice', ids: content.ids };
        record = { choice: content.ids };
        break;
      case 'location':
        input = { type: 'location', lat: content.lat, lon: content.lon, ...(content.text ? { text: content.text } : {}) };
        record = { location: { lat: content.lat, lon: content.lon, text: content.text } };
        break;
      case 'media': {
        const id = randomUUID();
        await tx.addAttachment({ id, sessionId, channel: msg.channel, messageId: msg.messageId ?? null, ...content.file });
        record = { attachment: id, mime: content.file.mime, size: content.file.size, ...(content.transcript ? { transcript: content.transcript } : {}) };
        // A transcribed voice note is what the person said: it answers as their text would.
        if (content.transcript) input = { type: 'text', text: content.transcript };
        else if (content.file.mime.startsWith('audio/') && state && !state.ended) {
          return { state, record, replies: await this.renderFor(tx, msg, state, [{ kind: 'say', key: 'voice.not_understood' }, ...this.again(state)]) };
        } else input = { type: 'media', attachmentId: id };
        break;
      }
    }

    // A language typed by name at the language menu ("Thai", "ภาษาไทย", "tiếng Việt") picks it.
    if (input.type === 'text' && this.languages.waitsForLanguage(state)) {
      const picked = this.languages.typed(input.text);
      if (picked) input = { type: 'choice', ids: [picked] };
    }

    // The language switch answers here, outside the flow, and returns to the same question; a new
    // language first says again what this service is and how to leave, in it.
    if (state?.choosingLanguage && !state.ended && !this.languages.atLanguageQuestion(state)) {
      const picked = this.pickLanguage(input, state);
      const next = { ...state, choosingLanguage: false, ...(picked ? { lang: picked, answers: { ...state.answers, lang: picked } } : {}) };
      const welcome = picked && picked !== state.lang ? WELCOME_OUT : [];
      return { state: next, record, replies: await this.renderFor(tx, msg, next, [...welcome, ...reask(flows, next)]) };
    }

    // A new conversation starts in the language its first words are written in.
    let current = state?.choosingLanguage ? { ...state, choosingLanguage: false } : state;
    const prefix: Out[] = [];
    if (!current || current.ended) {
      // "/lang" outside a conversation starts one at the language question.
      const opening = command === 'lang' ? {} : this.languages.opening(content.type === 'text' && !command ? content.text : undefined, msg.languageHint, lang);
      current = { ...initialState(flows, opening.lang ? { lang: opening.lang } : {}), ended: false };
      input = { type: 'start' };
      // A language guessed from Latin words or the phone says first how to change it.
      if (opening.unsure) prefix.push({ kind: 'say', key: CHANGE_HINT_KEY });
    }

    let result: ReturnType<typeof step>;
    try {
      result = step(flows, current, input, this.deps.lexicon);
    } catch (err) {
      if (!(err instanceof FlowRuntimeError)) throw err;
      // The flows changed under a live conversation: start again rather than fail.
      prefix.push({ kind: 'say', key: 'error.restarted' });
      result = step(flows, initialState(flows, lang ? { lang } : {}), { type: 'start' }, this.deps.lexicon);
    }
    // The engine carries ticketRef along, and a fresh start drops it: a new report, a new ticket.
    let next: SessionState = result.state;

    // Tickets: created when the flow says so, enriched by every later answer.
    let ticket: TicketRecord | undefined;
    const owner = { sessionId, channel: msg.channel, userId: msg.userId };
    const existing = next.ticketRef ? await tx.getTicket(next.ticketRef) : undefined;
    if (existing) ticket = await enrichTicket(tx, this.deps.policy, existing, next.answers, this.deps.alerts);
    else if (result.effects.some((e) => e.type === 'create_ticket')) {
      ticket = await createTicket(tx, this.deps.policy, owner, next.answers, this.deps.alerts);
      next = { ...next, ticketRef: ticket.ref };
    }

    return { state: next, record, replies: await this.renderFor(tx, msg, next, [...prefix, ...result.out], {}, ticket) };
  }

  /**
   * The open ticket a free message belongs to, if any: the person's newest open case once their
   * conversation has ended, or the conversation's own case when the last thing said in the chat
   * was a staff member's message (the person is answering them, not the pending question).
   */
  private async caseToMessage(tx: Tx, sessionId: string, msg: InboundMessage, state: SessionState): Promise<TicketRecord | undefined> {
    if (state.ended) return (await tx.ticketsOfUser(msg.channel, msg.userId)).find((t) => t.status !== 'closed');
    if (!state.ticketRef) return undefined;
    const last = (await tx.lastOutbound(sessionId)) as { from?: unknown } | undefined;
    if (typeof last?.from !== 'string' || !last.from.startsWith('staff:')) return undefined;
    const ticket = await tx.getTicket(state.ticketRef);
    return ticket && ticket.status !== 'closed' ? ticket : undefined;
  }

  /**
   * Adds a message to the case's transcript (files to its attachments), marks the ticket as
   * updated by the reporter for staff, and says so. A conversation in progress then goes on with
   * its question; an ended one stays ended, and says how to start a new report.
   */
  private async toCase(tx: Tx, msg: InboundMessage, sessionId: string, state: SessionState, ticket: TicketRecord, content: Exclude<InboundMessage['content'], { type: 'choice' | 'unsupported' }>) {
    let record: unknown;
    if (content.type === 'media') {
      const id = randomUUID();
      await tx.addAttachment({ id, sessionId, channel: msg.channel, messageId: msg.messageId ?? null, ...content.file });
      await tx.linkAttachments(sessionId, ticket.ref);
      record = { attachment: id, mime: content.file.mime, size: content.file.size, ...(content.transcript ? { transcript: content.transcript } : {}) };
    } else if (content.type === 'location') record = { location: { lat: content.lat, lon: content.lon, text: content.text } };
    else record = { text: content.text };
    await tx.setReporterUpdate(ticket.ref, true);
    // What they wrote stays in the transcript; the audit trail says only that they wrote.
    await tx.audit({ ticketRef: ticket.ref, actor: 'reporter', action: 'reporter.wrote', detail: { type: content.type } });
    const out: Out[] = state.ended ? [] : reask(this.deps.flows, state);
    const ack = this.deps.translations.t(state.lang)(state.ended ? 'update.added_to_case' : 'update.added_to_case_short', { ref: ticket.ref });
    return { state, record, replies: [{ text: ack }, ...(await this.renderFor(tx, msg, state, out))] };
  }

  private async command(tx: Tx, msg: InboundMessage, state: SessionState, command: Exclude<Command, 'exit' | 'start'>) {
    const { flows } = this.deps;
    switch (command) {
      case 'status':
        return { state, replies: await this.renderFor(tx, msg, state, [{ kind: 'show', block: 'status' }, ...reask(flows, state)]) };
      case 'help':
        return { state, replies: await this.renderFor(tx, msg, state, [{ kind: 'say', key: 'help.text' }, ...reask(flows, state)]) };
      case 'lang': {
        const next = { ...state, choosingLanguage: true };
        const replies = await this.renderFor(tx, msg, next, [{ kind: 'say', key: 'language.prompt' }, { kind: 'ask', key: 'lang', required: false }]);
        return { state: next, replies };
      }
    }
  }

  /**
   * Quick exit: erase everything of a chat with no ticket; otherwise close the conversation only.
   * Either way, the channel is asked to delete the chat's messages from the phone where it can.
   */
  private async exit(tx: Tx, msg: InboundMessage, sessionId: string, state: SessionState | undefined, filesToDelete: string[], synchronous: boolean) {
    const tickets = await tx.ticketsOfUser(msg.channel, msg.userId);
    const t = this.deps.translations.t(state?.lang);
    if (!synchronous) {
      const userMessageIds = [...(await tx.inboundMessageIds(sessionId)), ...(msg.messageId ? [msg.messageId] : [])];
      await tx.enqueue({ channel: msg.channel, recipient: msg.userId, kind: 'erase', payload: { userMessageIds } });
    }
    if (tickets.length === 0) {
      filesToDelete.push(...(await tx.eraseSession(sessionId, msg.channel, msg.userId)));
      return { erased: true, replies: [{ text: t('exit.erased') }] };
    }
    const next = state ? { ...state, ended: true, choosingLanguage: false } : undefined;
    return { ...(next ? { state: next } : {}), replies: [{ text: t('exit.closed', { ref: tickets[0]!.ref }) }] };
  }

  /** The one-tap switch between Zawgyi and Unicode: said, then the same question again. */
  private async switchFont(tx: Tx, msg: InboundMessage, state: SessionState, font: MyanmarFont, content: InboundMessage['content']) {
    const record = content.type === 'choice' ? { choice: content.ids } : content.type === 'text' ? { text: content.text } : undefined;
    const said = this.deps.translations.t(state.lang)(font === 'unicode' ? 'font.now_unicode' : 'font.now_zawgyi');
    return { state: { ...state, myanmarFont: font }, font, record, replies: [{ text: said }, ...(await this.renderFor(tx, msg, state, this.again(state)))] };
  }

  private pickLanguage(input: Input, state: SessionState): string | undefined {
    const langs = this.deps.translations.languages;
    if (input.type === 'choice' && input.ids.length === 1 && langs.includes(input.ids[0]!)) return input.ids[0];
    if (input.type === 'text') return this.deps.lexicon.match(input.text, langs, 'language', state.lang);
    return undefined;
  }

  private again(state: SessionState | undefined): Out[] {
    return state ? reask(this.deps.flows, state) : [];
  }

  private async renderFor(tx: Tx, msg: InboundMessage, state: SessionState | undefined, out: Out[], params: Record<string, unknown> = {}, ticket?: TicketRecord): Promise<Reply[]> {
    const { translations, flows, directory } = this.deps;
    const baseT = translations.t(state?.lang);
    const t = ((key: string, opts?: Record<string, unknown>) => baseT(key, { ...params, ...opts })) as typeof baseT;
    const tickets = await tx.ticketsOfUser(msg.channel, msg.userId);
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
    });
    // Only the languages that have locales are offered.
    for (const r of replies) if (r.expects?.key === 'lang' && r.choices) r.choices = r.choices.filter((c) => c.id === 'skip' || translations.languages.includes(c.id));
    return replies;
  }
}
