/**
 * A command as a turn: /status, /help and /lang inside a conversation (which then asks its question
 * again), status and help outside one, and a broken command (answered with help, changing nothing).
 * The quick exit is a command too, with a file of its own (quick-exit.ts), and so are /privacy and
 * /delete (privacy-commands.ts).
 */
import { reask } from '../flow/engine.ts';
import type { Out, SessionState } from '../flow/types.ts';
import { type Command, isBadCommand } from './commands.ts';
import { privacyTurn } from './privacy-commands.ts';
import type { InboundContent } from './reply.ts';
import { again, renderFor, type TurnContext, type TurnResult } from './turn.ts';

/**
 * The turn a command gives, or undefined when the message is no command for this point (`start`
 * and text go on to the screening step; `exit` is the caller's).
 */
export async function commandTurn(ctx: TurnContext, content: InboundContent, command: Command | undefined): Promise<TurnResult | undefined> {
  const { state } = ctx;
  // "/start" with a page of text after it, or "/something" unknown: bad input, answered with help.
  if (content.type === 'text' && isBadCommand(content.text, command)) return { replies: await renderFor(ctx, state, [{ kind: 'say', key: 'help.text' }, ...again(ctx, state)]) };
  // What is kept and how to ask for deletion; deletion itself (issue 14), in or outside a conversation.
  if (command === 'privacy' || command === 'delete') return privacyTurn(ctx, command);
  if (command && command !== 'start' && command !== 'exit' && state && !state.ended) return inConversation(ctx, state, command);
  // Outside a conversation (before one, or after it ended) status and help answer on their own,
  // and belong to no report: /status names every case of the chat, so it stays off all of them.
  if (command === 'status' || command === 'help') {
    const out: Out[] = [command === 'status' ? { kind: 'show', block: 'status' } : { kind: 'say', key: 'help.text' }];
    return { replies: await renderFor(ctx, state, out) };
  }
  return undefined;
}

async function inConversation(ctx: TurnContext, state: SessionState, command: Exclude<Command, 'exit' | 'start' | 'privacy' | 'delete'>): Promise<TurnResult> {
  const { flows } = ctx.deps;
  switch (command) {
    // Answers that change nothing stay off the report: /status names every case of the chat.
    case 'status':
      return { state, quiet: true, replies: await renderFor(ctx, state, [{ kind: 'show', block: 'status' }, ...reask(flows, state)]) };
    case 'help':
      return { state, quiet: true, replies: await renderFor(ctx, state, [{ kind: 'say', key: 'help.text' }, ...reask(flows, state)]) };
    case 'lang': {
      const next = { ...state, choosingLanguage: true };
      const replies = await renderFor(ctx, next, [{ kind: 'say', key: 'language.prompt' }, { kind: 'ask', key: 'lang', required: false }]);
      return { state: next, replies };
    }
  }
}
