/**
 * The last step before a reply leaves for a phone: Burmese for a Zawgyi phone is converted here, by
 * each channel as it builds its platform message, so that sessions, transcripts and the outbox keep
 * Unicode and staff always read Unicode.
 */
import { toZawgyi } from '../i18n/zawgyi.ts';
import type { Tx } from '../store/store.ts';
import type { Reply } from './reply.ts';

/** A reply as the person's phone should receive it: in Zawgyi when marked so, without the mark. */
export function forDisplay<R extends Reply>(reply: R): R {
  const { script, ...rest } = reply;
  if (script !== 'zawgyi') return rest as R;
  const inputLabels = rest.inputLabels ? Object.fromEntries(Object.entries(rest.inputLabels).map(([k, v]) => [k, v === undefined ? v : toZawgyi(v)])) : undefined;
  return {
    ...rest,
    text: toZawgyi(rest.text),
    ...(rest.choices ? { choices: rest.choices.map((c) => ({ ...c, label: toZawgyi(c.label) })) } : {}),
    ...(inputLabels ? { inputLabels } : {}),
  } as R;
}

/**
 * The mark for a message sent to a chat outside a conversation turn (a staff member writing, a case
 * update): Zawgyi when the person's session says their phone shows it.
 */
export async function displayMark(tx: Pick<Tx, 'getSession'>, sessionId: string): Promise<Pick<Reply, 'script'>> {
  const session = await tx.getSession(sessionId);
  return session?.state.myanmarFont === 'zawgyi' ? { script: 'zawgyi' } : {};
}
