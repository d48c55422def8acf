/**
 * The shapes of the Telegram updates the bot handles (message, callback_query, my_chat_member),
 * checked before an update is stored (zod). An update whose known part does not fit (a text that
 * is not a string, a photo list that is not a list, a my_chat_member without its member, ...) is
 * recorded as malformed and skipped: handling it would fail, be retried, and hold back the
 * person's next messages. Unknown fields are kept; other update types pass.
 */
import { z } from 'zod';

const user = z.looseObject({ id: z.number(), language_code: z.string().optional() });
const chat = z.looseObject({ id: z.number(), type: z.string() });
const file = { file_id: z.string().min(1), file_size: z.number().optional() };

const message = z.looseObject({
  message_id: z.number(),
  chat,
  from: user.optional(),
  text: z.string().optional(),
  photo: z.array(z.looseObject({ ...file, width: z.number(), height: z.number() })).optional(),
  document: z.looseObject({ ...file, file_name: z.string().optional() }).optional(),
  location: z.looseObject({ latitude: z.number(), longitude: z.number() }).optional(),
  venue: z.looseObject({ title: z.string().optional(), address: z.string().optional() }).optional(),
});

const update = z.looseObject({
  update_id: z.number().int(),
  message: message.optional(),
  callback_query: z.looseObject({ id: z.string(), from: user, data: z.string().optional(), message: z.looseObject({ chat }).optional() }).optional(),
  my_chat_member: z.looseObject({ chat, from: user, new_chat_member: z.looseObject({ status: z.string() }) }).optional(),
});

/** The kind of update, for the record of a malformed one. */
export function updateType(u: Record<string, unknown>): string {
  return ['message', 'callback_query', 'my_chat_member'].find((k) => k in u) ?? 'other';
}

/** Checks one update: ok, or the problems of its known part. */
export function checkTelegramUpdate(u: unknown): { ok: true } | { ok: false; problems: z.ZodError } {
  const result = update.safeParse(u);
  return result.success ? { ok: true } : { ok: false, problems: result.error };
}
