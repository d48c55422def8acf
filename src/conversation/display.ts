/**
 * The last step before a reply leaves for a phone: Burmese for a Zawgyi phone is converted here, by
 * each channel as it builds its platform message, so that sessions, transcripts and the outbox keep
 * Unicode and staff always read Unicode.
 */
import { toZawgyi } from '../i18n/zawgyi.ts';
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
