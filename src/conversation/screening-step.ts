/**
 * A screening step as a turn: the person's input (a tap, words, a place, a file, a voice note's
 * words) answers the question the conversation waits at, or starts a new conversation. The flow
 * engine decides what follows; this file turns the input into the engine's, handles the language
 * switch and the danger path around it, and creates or enriches the ticket the flow asks for.
 */
import { randomUUID } from 'node:crypto';
import { orderedId } from '../core/ordered-id.ts';
import { FlowRuntimeError, initialState, readStory, reask, step, waitingFor, withProposals } from '../flow/engine.ts';
import type { Input, Out, SessionState } from '../flow/types.ts';
import type { TicketRecord, Tx } from '../store/store.ts';
import { createTicket, enrichTicket, withdrawTicket } from '../tickets/ticket-service.ts';
import type { Command } from './commands.ts';
import type { Distress } from './distress.ts';
import { CHANGE_HINT_KEY, type LanguageChoice, WELCOME_OUT } from './language-choice.ts';
import type { InboundContent } from './reply.ts';
import { ownReading, type StoryReading, withSigns } from './story.ts';
import { again, renderFor, type TurnContext, type TurnResult } from './turn.ts';

/** What the pipeline already found out about the message before the step. */
export interface StepFacts {
  /** `start` or `lang` (the other commands are turns of their own). */
  command: Command | undefined;
  /** The person's own words say they are in danger now (distress.ts). */
  danger: boolean;
  /** The open case the message would go to, when danger brought it here instead. */
  open: TicketRecord | undefined;
  /** The model's reading of the message as a story, made at the question the state waits at. */
  story?: StoryReading;
}

/** Runs screening steps. */
export class ScreeningStep {
  private readonly languages: LanguageChoice;
  private readonly distress: Distress;

  constructor(languages: LanguageChoice, distress: Distress) {
    this.languages = languages;
    this.distress = distress;
  }

  /** One step with `content` (Zawgyi already converted), in the turn's transaction. */
  async run(ctx: TurnContext, content: Exclude<InboundContent, { type: 'unsupported' }>, facts: StepFacts): Promise<TurnResult> {
    const { flows, lexicon } = ctx.deps;
    const { tx, msg, sessionId, state, filesToDelete } = ctx;
    const { command, danger, open, story } = facts;
    const lang = state?.lang;

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
        // A button of an earlier question (Telegram keeps old keyboards tappable) answers nothing:
        // an old "yes" must not answer the question now asked. That question comes again.
        if (content.forKey && state && !state.ended && !danger && content.forKey !== waitingFor(flows, state)) {
          return { state, record: { choice: content.ids, forKey: content.forKey }, replies: await renderFor(ctx, state, again(ctx, state)) };
        }
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
          else if (state && !state.ended) return { state, record, replies: await renderFor(ctx, state, [{ kind: 'say', key: 'voice.not_understood' }, ...again(ctx, state)]) };
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
      const picked = this.pickLanguage(ctx, input, state);
      const next = { ...state, choosingLanguage: false, ...(picked ? { lang: picked, answers: { ...state.answers, lang: picked } } : {}) };
      if (file) await tx.addAttachment({ ...file, conversationId: state.conversationId ?? null });
      const welcome = picked && picked !== state.lang ? WELCOME_OUT : [];
      return { state: next, record, replies: await renderFor(ctx, next, [...welcome, ...reask(flows, next)]) };
    }

    // A new conversation starts in the language its first words are written in.
    const given = input;
    let current = state?.choosingLanguage ? { ...state, choosingLanguage: false } : state;
    const prefix: Out[] = [];
    let hint: Out | undefined;
    const startsAfresh = !current || current.ended;
    if (!current || current.ended) {
      // "/lang" outside a conversation starts one at the language question.
      const opening = command === 'lang' ? {} : this.languages.opening(content.type === 'text' && !command ? content.text : undefined, msg.languageHint, lang);
      current = { ...initialState(flows, opening.lang ? { lang: opening.lang } : {}), ended: false };
      input = { type: 'start' };
      // A language guessed from Latin words or the phone says how to change it (see withHint).
      if (opening.unsure) hint = { kind: 'say', key: CHANGE_HINT_KEY };
    }

    // A story's proposals: the model's, with what the deterministic readers found in the same words.
    const found = story && given.type === 'text' && state ? { ...this.distress.reader.read(given.text).answers, ...ownReading(flows, lexicon, state, given.text) } : {};
    const proposals = story ? withSigns(flows.dictionary, story.proposals, found) : [];
    let result: ReturnType<typeof step>;
    let noted: string | undefined;
    try {
      // On the danger path, a story's proposals wait until the emergency numbers have been shown.
      if (danger && given.type === 'text') result = this.distress.divert(state && proposals.length ? withProposals(state, proposals) : state, current, given, lexicon, open);
      else if (proposals.length && !startsAfresh && input.type === 'text') result = readStory(flows, current, input, proposals, lexicon);
      else if (!startsAfresh) ({ result, noted } = this.distress.noteSigns(current, input, step(flows, current, input, lexicon)));
      else ({ result, noted } = this.distress.noteFirst(given, step(flows, current, input, lexicon)));
    } catch (err) {
      if (!(err instanceof FlowRuntimeError)) throw err;
      // The flows changed under a live conversation: start again rather than fail.
      prefix.push({ kind: 'say', key: 'error.restarted' });
      result = step(flows, initialState(flows, lang ? { lang } : {}), { type: 'start' }, lexicon);
    }
    // The engine carries ticketRef along, and a fresh start drops it: a new report, a new ticket,
    // and a new conversation id, so that each ticket shows only its own report.
    const conversationId = (input.type !== 'start' && current.conversationId) || orderedId();
    let next: SessionState = { ...result.state, conversationId };
    // An answer the bot could not use changes nothing: no transcript, no file, no answer.
    if (input.type !== 'start' && result.out.some((o) => o.kind === 'miss')) {
      if (file) filesToDelete.push(file.path);
      return { state: next, quiet: true, replies: await renderFor(ctx, next, [...prefix, ...withHint(result.out, hint, danger)]) };
    }
    if (file) await tx.addAttachment({ ...file, conversationId });
    // What a message answered, so that taking it back (LINE unsend) takes the answer back too.
    const answered = input.type === 'start' ? [] : Object.keys(next.answers).filter((k) => JSON.stringify(next.answers[k]) !== JSON.stringify(current.answers[k]));
    if (answered.length && msg.messageId && record) record = { ...record, answered };
    // A story read back: taking the message back (LINE unsend) takes its proposals back too.
    if (proposals.length && msg.messageId && record) record = { ...record, story: true };

    // Tickets: created when the flow says so, enriched by every later answer.
    let ticket: TicketRecord | undefined;
    const { policy, alerts, care } = ctx.deps;
    const owner = { sessionId, channel: msg.channel, userId: msg.userId, conversationId };
    const existing = next.ticketRef ? await tx.getTicket(next.ticketRef) : undefined;
    if (existing) ticket = await enrichTicket(tx, policy, existing, next.answers, alerts, care);
    else if (result.effects.some((e) => e.type === 'create_ticket')) {
      ticket = await createTicket(tx, policy, owner, next.answers, alerts, care);
      next = { ...next, ticketRef: ticket.ref };
    }
    if (ticket && result.effects.some((e) => e.type === 'withdraw_ticket')) await withdrawTicket(tx, ticket, next.answers);
    // Staff see that the person wrote of danger in a case they already have.
    if (danger && existing) await tx.setReporterUpdate(existing.ref, true);

    // Danger written to an open case belongs to that case: staff see it on its page.
    const caseRef = danger && open ? { caseRef: open.ref } : {};
    return { state: next, record, ...caseRef, replies: await renderFor(ctx, next, [...prefix, ...withHint(result.out, hint, danger)], noted ? { noted } : {}, ticket) };
  }

  private pickLanguage(ctx: TurnContext, input: Input, state: SessionState): string | undefined {
    const langs = ctx.deps.translations.languages;
    if (input.type === 'choice' && input.ids.length === 1 && langs.includes(input.ids[0]!)) return input.ids[0];
    if (input.type === 'text') return ctx.deps.lexicon.match(input.text, langs, 'language', state.lang);
    return undefined;
  }
}

/**
 * A step's outputs with the hint on changing a guessed language: first, except on the danger path,
 * where the danger notice and the emergency numbers (the path's first block) come before it.
 */
function withHint(out: Out[], hint: Out | undefined, danger: boolean): Out[] {
  if (!hint) return out;
  const after = danger ? out.findIndex((o) => o.kind === 'show') + 1 : 0;
  return [...out.slice(0, after), hint, ...out.slice(after)];
}
