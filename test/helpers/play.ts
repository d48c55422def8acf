/** Plays the scripted reporter through any channel until the bot gives a ticket reference. */
import type { Services } from '../../src/services.ts';
import type { Reply } from '../../src/conversation/reply.ts';
import type { TicketRecord } from '../../src/store/store.ts';
import { answerFor, type Step } from './channel-app.ts';

/** Sends one step and resolves once the bot's answer is in the transcript. */
export type Send = (step: Step) => Promise<void>;

/**
 * Answers each question with {@link answerFor} until a reply carries a ticket; returns the ticket
 * from the store. Reads the questions from the transcript, so it works the same for every channel.
 */
export async function playToTicket(services: Services, sessionId: string, send: Send, opts: { media?: boolean } = {}, maxSteps = 80): Promise<TicketRecord> {
  for (let i = 0; i < maxSteps; i++) {
    const transcript = await services.store.transcriptOf(sessionId);
    const out = transcript.filter((t) => t.direction === 'out').map((t) => t.body as Reply);
    const withTicket = out.find((r) => r.ticket);
    if (withTicket) {
      const ticket = await services.store.getTicket(withTicket.ticket!.ref);
      if (!ticket) throw new Error(`ticket ${withTicket.ticket!.ref} announced but not in the store`);
      return ticket;
    }
    const q = [...out].reverse().find((r) => r.expects);
    if (!q || !out.at(-1)?.expects) throw new Error(`the conversation stopped without a ticket after ${i} steps`);
    await send(answerFor(q, opts));
  }
  throw new Error(`no ticket after ${maxSteps} steps`);
}
