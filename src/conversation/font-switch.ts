/**
 * The one-tap switch between Zawgyi and Unicode as a turn: said, then the same question again
 * (what the fonts are and how they are told apart is myanmar-font.ts).
 */
import type { SessionState } from '../flow/types.ts';
import type { MyanmarFont } from './myanmar-font.ts';
import type { InboundContent } from './reply.ts';
import { again, renderFor, type TurnContext, type TurnResult } from './turn.ts';

/** Switches the person's Burmese font and asks the question again. */
export async function switchFont(ctx: TurnContext, state: SessionState, font: MyanmarFont, content: InboundContent): Promise<TurnResult> {
  const record = content.type === 'choice' ? { choice: content.ids } : content.type === 'text' ? { text: content.text } : undefined;
  const said = ctx.deps.translations.t(state.lang)(font === 'unicode' ? 'font.now_unicode' : 'font.now_zawgyi');
  return { state: { ...state, myanmarFont: font }, font, record, replies: [{ text: said }, ...(await renderFor(ctx, state, again(ctx, state)))] };
}
