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
import { createTicket, enrichTicket, type TicketFollowUp, withdrawTicket } from '../tickets/ticket-service.ts';
import { type Command, CommandMatcher, isBadCommand } from './commands.ts';
import { Distress } from './distress.ts';
import { CHANGE_HINT_KEY, LanguageChoice, WELCOME_OUT } from './language-choice.ts';
import { type MyanmarFont, MyanmarFonts } from './myanmar-font.ts';
import { quickExit } from './quick-exit.ts';
import { type Unsent, withdrawUnsent } from './unsend.ts';
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
  /** Services from needs (src/care/, issue 15), written with the ticket. */
  care?: TicketFollowUp;
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
  private readonly distress: Distress;

  private readonly deps: ConversationDeps;

  constructor(deps: ConversationDeps) {
    this.deps = deps;
    this.commands = new CommandMatcher(deps.translations);
    this.languages = new LanguageChoice(deps.translations, deps.flows, deps.latinWords);
    this.fonts = new MyanmarFonts(deps.translations);
    this.distress = new Distress(deps.flows, deps.translations);
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
      // An erased chat, or input that changes nothing (too long, unsupported, a miss), leaves no
      // trace but the answer to it; a synchronous channel has that answer in its response already.
      const traceless = turn.erased === true || !turn.state || turn.quiet === true;
      // Each row belongs to its report: the conversation, or the case a later message went to.
      const link = { conversationId: turn.state?.conversationId ?? null, ticketRef: turn.caseRef ?? null };
      if (turn.record && !traceless) await tx.addTranscript(sessionId, 'in', turn.record, msg.messageId, link);
      for (const reply of turn.replies) {
        if (!traceless) await tx.addTranscript(sessionId, 'out', reply, undefined, link);
        if (!(traceless && opts.synchronous)) {
          await tx.enqueue({ channel: msg.channel, recipient: msg.userId, kind: 'reply', payload: reply, replyTo: msg.eventId }, { delivered: opts.synchronous ?? false });
        }
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

  /** A message the person took back (LINE unsend): its rows and the answer it gave go; safe to repeat. */
  async unsend(event: Unsent): Promise<void> {
    const files = await withdrawUnsent(this.deps, event);
    if (files.length && this.deps.deleteFiles) await this.deps.deleteFiles(files);
  }

  /** One turn: what to store of the input, the new state and the replies. */
  private async turn(
    tx: Tx,
    msg: InboundMessage,
    sessionId: string,
    state: SessionState | undefined,
    filesToDelete: string[],
    synchronous: boolean,
  ): Promise<{ state?: SessionState; replies: Reply[]; record?: unknown; erased?: boolean; quiet?: boolean; caseRef?: string; exited?: boolean; font?: MyanmarFont }> {
    const { flows, translations } = this.deps;
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
    if (command === 'exit') return { ...(await quickExit(translations, tx, msg, sessionId, state, filesToDelete, synchronous)), exited: true };
    // "/start" with a page of text after it, or "/something" unknown: bad input, answered with help.
    if (content.type === 'text' && isBadCommand(content.text, command)) return { replies: await this.renderFor(tx, msg, state, [{ kind: 'say', key: 'help.text' }, ...this.again(state)]) };
    if (command && command !== 'start' && state && !state.ended) return this.command(tx, msg, state, command);
    // Outside a conversation (before one, or after it ended) status and help answer on their own,
    // and belong to no report: /status names every case of the chat, so it stays off all of them.
    if (command === 'status' || command === 'help') {
      const out: Out[] = [command === 'status' ? { kind: 'show', block: 'status' } : { kind: 'say', key: 'help.text' }];
      return { replies: await this.renderFor(tx, msg, state, out) };
    }

    // Danger in the person's own words, at any step, goes down the danger path at once (distress.ts).
    const danger = !command && content.type === 'text' && this.distress.says(content.text, state);

    // A message for an open case (after the screening ended, or in answer to staff) goes to the
    // case, not into a new screening; commands above keep working. Danger goes to the case too.
    let open: TicketRecord | undefined;
    if (!command && state && content.type !== 'choice') {
      open = await this.caseToMessage(tx, sessionId, msg, state);
      if (open && !danger) return this.toCase(tx, msg, sessionId, state, open, content);
    }

    let input: Input;
    let record: unknown;
    let file: Parameters<Tx['addAttachment']>[0] | undefined;
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
        const attachment = { id, sessionId, channel: msg.channel, messageId: msg.messageId ?? null, ...content.file };
        record = { attachment: id, mime: content.file.mime, size: content.file.size, ...(content.transcript ? { transcript: content.transcript } : {}) };
        input = { type: 'media', attachmentId: id };
        if (content.file.mime.startsWith('audio/')) {
          // A voice note is kept (with its hash) as the person's own words; transcribed, it answers
          // as their text would; not understood, they are asked to type.
          await tx.addAttachment({ ...attachment, conversationId: state?.conversationId ?? null });
          if (content.transcript) input = { type: 'text', text: content.transcript };
          else if (state && !state.ended) return { state, record, replies: await this.renderFor(tx, msg, state, [{ kind: 'say', key: 'voice.not_understood' }, ...this.again(state)]) };
          break;
        }
        // Stored once the answer is known to be taken (a photo at a yes/no question is not).
        file = attachment;
        break;
      }
    }

    // A language typed by name at the language menu ("Thai", "ภาษาไทย", "tiếng Việt") picks it.
    if (input.type === 'text' && this.languages.waitsForLanguage(state)) {
      const picked = this.languages.typed(input.text);
      if (picked) input = { type: 'choice', ids: [picked] };
    }

    input = this.distress.asAnswer(state, input);

    // The language switch answers here, outside the flow, and returns to the same question; a new
    // language first says again what this service is and how to leave, in it.
    if (state?.choosingLanguage && !state.ended && !danger && !this.languages.atLanguageQuestion(state)) {
      const picked = this.pickLanguage(input, state);
      const next = { ...state, choosingLanguage: false, ...(picked ? { lang: picked, answers: { ...state.answers, lang: picked } } : {}) };
      if (file) await tx.addAttachment({ ...file, conversationId: state.conversationId ?? null });
      const welcome = picked && picked !== state.lang ? WELCOME_OUT : [];
      return { state: next, record, replies: await this.renderFor(tx, msg, next, [...welcome, ...reask(flows, next)]) };
    }

    // A new conversation starts in the language its first words are written in.
    const given = input;
    let current = state?.choosingLanguage ? { ...state, choosingLanguage: false } : state;
    const prefix: Out[] = [];
    const startsAfresh = !current || current.ended;
    if (!current || current.ended) {
      // "/lang" outside a conversation starts one at the language question.
      const opening = command === 'lang' ? {} : this.languages.opening(content.type === 'text' && !command ? content.text : undefined, msg.languageHint, lang);
      current = { ...initialState(flows, opening.lang ? { lang: opening.lang } : {}), ended: false };
      input = { type: 'start' };
      // A language guessed from Latin words or the phone says first how to change it.
      if (opening.unsure) prefix.push({ kind: 'say', key: CHANGE_HINT_KEY });
    }

    let result: ReturnType<typeof step>;
    let noted: string | undefined;
    try {
      if (danger && given.type === 'text') result = this.distress.divert(state, current, given, this.deps.lexicon, open);
      else if (!startsAfresh) ({ result, noted } = this.distress.noteSigns(current, input, step(flows, current, input, this.deps.lexicon)));
      else ({ result, noted } = this.distress.noteFirst(given, step(flows, current, input, this.deps.lexicon)));
    } catch (err) {
      if (!(err instanceof FlowRuntimeError)) throw err;
      // The flows changed under a live conversation: start again rather than fail.
      prefix.push({ kind: 'say', key: 'error.restarted' });
      result = step(flows, initialState(flows, lang ? { lang } : {}), { type: 'start' }, this.deps.lexicon);
    }
    // The engine carries ticketRef along, and a fresh start drops it: a new report, a new ticket,
    // and a new conversation id, so that each ticket shows only its own report.
    const conversationId = (input.type !== 'start' && current.conversationId) || randomUUID();
    let next: SessionState = { ...result.state, conversationId };
    // An answer the bot could not use changes nothing: no transcript, no file, no answer.
    if (input.type !== 'start' && result.out.some((o) => o.kind === 'miss')) {
      if (file) filesToDelete.push(file.path);
      return { state: next, quiet: true, replies: await this.renderFor(tx, msg, next, [...prefix, ...result.out]) };
    }
    if (file) await tx.addAttachment({ ...file, conversationId });
    // What a message answered, so that taking it back (LINE unsend) takes the answer back too.
    const answered = input.type === 'start' ? [] : Object.keys(next.answers).filter((k) => JSON.stringify(next.answers[k]) !== JSON.stringify(current.answers[k]));
    if (answered.length && msg.messageId && record) record = { ...record, answered };

    // Tickets: created when the flow says so, enriched by every later answer.
    let ticket: TicketRecord | undefined;
    const owner = { sessionId, channel: msg.channel, userId: msg.userId, conversationId };
    const existing = next.ticketRef ? await tx.getTicket(next.ticketRef) : undefined;
    if (existing) ticket = await enrichTicket(tx, this.deps.policy, existing, next.answers, this.deps.alerts, this.deps.care);
    else if (result.effects.some((e) => e.type === 'create_ticket')) {
      ticket = await createTicket(tx, this.deps.policy, owner, next.answers, this.deps.alerts, this.deps.care);
      next = { ...next, ticketRef: ticket.ref };
    }
    if (ticket && result.effects.some((e) => e.type === 'withdraw_ticket')) await withdrawTicket(tx, ticket, next.answers);
    // Staff see that the person wrote of danger in a case they already have.
    if (danger && existing) await tx.setReporterUpdate(existing.ref, true);

    return { state: next, record, replies: await this.renderFor(tx, msg, next, [...prefix, ...result.out], noted ? { noted } : {}, ticket) };
  }

  /**
   * The open ticket a free message belongs to, if any: the case a staff member wrote from when
   * theirs was the last thing said in the chat (the person is answering them, not the pending
   * question, and it may be an earlier report than this one), else the person's newest open case
   * once their conversation has ended.
   */
  private async caseToMessage(tx: Tx, sessionId: string, msg: InboundMessage, state: SessionState): Promise<TicketRecord | undefined> {
    const last = await tx.lastOutboundRow(sessionId);
    const from = (last?.body as { from?: unknown } | undefined)?.from;
    if (typeof from === 'string' && from.startsWith('staff:')) {
      const ref = last?.ticketRef ?? state.ticketRef;
      const ticket = ref ? await tx.getTicket(ref) : undefined;
      if (ticket && ticket.status !== 'closed') return ticket;
    }
    if (state.ended) return (await tx.ticketsOfUser(msg.channel, msg.userId)).find((t) => t.status !== 'closed');
    return undefined;
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
      await tx.addAttachment({ id, sessionId, conversationId: ticket.conversationId, channel: msg.channel, messageId: msg.messageId ?? null, ...content.file });
      await tx.linkAttachments(sessionId, ticket.ref, ticket.conversationId);
      record = { attachment: id, mime: content.file.mime, size: content.file.size, ...(content.transcript ? { transcript: content.transcript } : {}) };
    } else if (content.type === 'location') record = { location: { lat: content.lat, lon: content.lon, text: content.text } };
    else record = { text: content.text };
    await tx.setReporterUpdate(ticket.ref, true);
    // What they wrote stays in the transcript; the audit trail says only that they wrote.
    await tx.audit({ ticketRef: ticket.ref, actor: 'reporter', action: 'reporter.wrote', detail: { type: content.type } });
    const out: Out[] = state.ended ? [] : reask(this.deps.flows, state);
    const ack = this.deps.translations.t(state.lang)(state.ended ? 'update.added_to_case' : 'update.added_to_case_short', { ref: ticket.ref });
    return { state, record, caseRef: ticket.ref, replies: [{ text: ack }, ...(await this.renderFor(tx, msg, state, out))] };
  }

  private async command(tx: Tx, msg: InboundMessage, state: SessionState, command: Exclude<Command, 'exit' | 'start'>) {
    const { flows } = this.deps;
    switch (command) {
      // Answers that change nothing stay off the report: /status names every case of the chat.
      case 'status':
        return { state, quiet: true, replies: await this.renderFor(tx, msg, state, [{ kind: 'show', block: 'status' }, ...reask(flows, state)]) };
      case 'help':
        return { state, quiet: true, replies: await this.renderFor(tx, msg, state, [{ kind: 'say', key: 'help.text' }, ...reask(flows, state)]) };
      case 'lang': {
        const next = { ...state, choosingLanguage: true };
        const replies = await this.renderFor(tx, msg, next, [{ kind: 'say', key: 'language.prompt' }, { kind: 'ask', key: 'lang', required: false }]);
        return { state: next, replies };
      }
    }
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
      ...(state?.typed ? { typed: state.typed } : {}),
    });
    // Only the languages that have locales are offered.
    for (const r of replies) if (r.expects?.key === 'lang' && r.choices) r.choices = r.choices.filter((c) => c.id === 'skip' || translations.languages.includes(c.id));
    return replies;
  }
}
