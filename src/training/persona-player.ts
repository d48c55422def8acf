/**
 * Plays a scenario's persona through the real pipeline: the simulator channel's conversation, as
 * `POST /api/sim/messages` does. It reads the key the bot waits for and answers it from the script
 * (the quick questions, such as "which of these happened?", from the keys they stand for), skipping
 * what the script does not say, until the bot stops asking.
 */
import type { ConversationService } from '../conversation/conversation-service.ts';
import type { InboundContent, Reply } from '../conversation/reply.ts';
import type { Dictionary } from '../flow/types.ts';
import type { PersonaAnswer, Scenario } from './scenario.ts';

/** The simulator's channel name (as in src/channels/simulator/sim-routes.ts). */
export const SIM_CHANNEL = 'sim';

/** A greeting in the persona's language when the scenario gives no first message. */
const GREETINGS: Record<string, string> = { th: 'สวัสดีครับ', en: 'hello', km: 'ជំរាបសួរ', my: 'မင်္ဂလာပါ', lo: 'ສະບາຍດີ', vi: 'xin chào', zh: '你好' };

/** The most turns a persona takes before it is taken to be stuck. */
const MAX_TURNS = 60;

/** What playing a persona needs. */
export interface PlayDeps {
  conversation: ConversationService;
  dictionary: Dictionary;
}

/** What the persona's conversation produced. */
export interface Played {
  /** The ticket reference the bot gave, if any. */
  ref?: string;
  /** The keys the bot asked, in order. */
  asked: string[];
}

/**
 * The choice ids that answer a quick question from per-key answers: for a multi-select every item
 * whose implied answers the script gives; for a choice the item that fits best (most implied
 * answers given, none contradicted).
 */
export function impliedChoice(dictionary: Dictionary, key: string, given: (k: string) => string | undefined): string[] | undefined {
  const def = dictionary[key];
  if (!def?.implies) return undefined;
  const scored = Object.entries(def.implies).map(([value, implied]) => {
    const entries = Object.entries(implied);
    const conflict = entries.some(([k, v]) => given(k) !== undefined && given(k) !== v);
    return { value, score: conflict ? -1 : entries.filter(([k, v]) => given(k) === v).length };
  });
  if (def.type === 'multi') {
    const picks = scored.filter((s) => s.score > 0).map((s) => s.value);
    return picks.length ? picks : undefined;
  }
  const best = scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score)[0];
  return best ? [best.value] : undefined;
}

/** One scripted answer as the simulator's content: a tap for a choice, typed text for a number or text. */
function contentOf(a: PersonaAnswer, type: string | undefined): InboundContent {
  if (typeof a === 'object') return 'text' in a ? { type: 'text', text: a.text } : { type: 'location', lat: a.location.lat, lon: a.location.lon };
  if (type === 'number' || type === 'text') return { type: 'text', text: String(a) };
  return { type: 'choice', ids: String(a).split(',').map((s) => s.trim()) };
}

/** Plays the persona as simulator user `user` (its event ids are its own: the user is part of them). */
export async function playPersona(deps: PlayDeps, user: string, scenario: Pick<Scenario, 'persona'>): Promise<Played> {
  const { persona } = scenario;
  const given = (k: string) => {
    const a = persona.answers[k];
    return a === undefined || typeof a === 'object' ? undefined : String(a);
  };
  let n = 0;
  const send = async (content: InboundContent): Promise<Reply[]> => {
    n += 1;
    const id = `persona-${n}`;
    const result = await deps.conversation.handle({ channel: SIM_CHANNEL, userId: user, eventId: `${user.length}:${user}:${id}`, messageId: id, content }, { synchronous: true });
    return result.replies;
  };
  const asked: string[] = [];
  let ref: string | undefined;
  let replies = await send({ type: 'text', text: persona.firstMessage ?? GREETINGS[persona.language] ?? 'hello' });
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    ref ??= replies.find((r) => r.ticket)?.ticket?.ref;
    const key = [...replies].reverse().find((r) => r.expects)?.expects?.key;
    if (!key) return { ...(ref ? { ref } : {}), asked };
    asked.push(key);
    const scripted = persona.answers[key];
    const implied = scripted === undefined ? impliedChoice(deps.dictionary, key, given) : undefined;
    const content: InboundContent = scripted !== undefined ? contentOf(scripted, deps.dictionary[key]?.type) : { type: 'choice', ids: implied ?? ['skip'] };
    replies = await send(content);
    // A multi-select given one item at a time waits for "done".
    if (deps.dictionary[key]?.type === 'multi' && [...replies].reverse().find((r) => r.expects)?.expects?.key === key) replies = await send({ type: 'choice', ids: ['done'] });
  }
  throw new Error(`the persona's conversation did not end within ${MAX_TURNS} turns (last asked: ${asked.slice(-3).join(', ')})`);
}

/** Sends one text from the persona (a message to their case, or an answer to staff). */
export async function personaSays(conversation: ConversationService, user: string, text: string, messageId: string): Promise<void> {
  await conversation.handle({ channel: SIM_CHANNEL, userId: user, eventId: `${user.length}:${user}:${messageId}`, messageId, content: { type: 'text', text } }, { synchronous: true });
}
