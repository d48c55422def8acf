/**
 * Input the bot cannot take (a text past the length limit, a sticker, a file too large or of the
 * wrong type): answered clearly, with the question again, and never stored.
 */
import type { InboundContent } from './reply.ts';
import { again, renderFor, type TurnContext, type TurnResult } from './turn.ts';

/** The answer to input that cannot be taken, or undefined when it can. */
export async function badInput(ctx: TurnContext, content: InboundContent): Promise<TurnResult | undefined> {
  const { state } = ctx;
  const max = ctx.deps.maxTextLength;
  if (content.type === 'text' && content.text.length > max) {
    return { replies: await renderFor(ctx, state, [{ kind: 'miss', reason: 'too_long' }, ...again(ctx, state)], { max }) };
  }
  if (content.type === 'unsupported') {
    const key = content.what === 'file_too_large' ? 'miss.file_too_large' : content.what === 'file_type' ? 'miss.file_type' : 'miss.unsupported';
    return { replies: await renderFor(ctx, state, [{ kind: 'say', key }, ...again(ctx, state)]) };
  }
  return undefined;
}
