/**
 * The shapes of the LINE webhook events the bot handles, checked at the webhook (zod). An event
 * of a known type that does not fit (a message event with no message, a text that is not a
 * string, a reply token that is not a string, ...) is never stored for handling: handling it
 * would fail, be retried, and hold back the person's next messages. Unknown fields are kept, and
 * unknown event or message types pass (they are answered as unsupported, or ignored).
 */
import { z } from 'zod';

const id = z.string().min(1);

const source = z.looseObject({ type: z.string(), userId: z.string().optional(), groupId: z.string().optional() });

/** What every event carries that the bot reads. */
const common = {
  type: z.string(),
  source: source.optional(),
  webhookEventId: z.string().optional(),
  replyToken: z.string().optional(),
  timestamp: z.number().optional(),
  deliveryContext: z.looseObject({ isRedelivery: z.boolean() }).optional(),
};

/** The message kinds the bot reads fields of; others need only an id and a type. */
const MESSAGES: Record<string, z.ZodType> = {
  text: z.looseObject({ id, type: z.literal('text'), text: z.string() }),
  image: z.looseObject({ id, type: z.literal('image') }),
  file: z.looseObject({ id, type: z.literal('file'), fileName: z.string(), fileSize: z.number() }),
  location: z.looseObject({ id, type: z.literal('location'), latitude: z.number(), longitude: z.number(), title: z.string().optional(), address: z.string().optional() }),
};
const message = z.looseObject({ id, type: z.string() }).superRefine((value, ctx) => {
  const result = MESSAGES[value.type]?.safeParse(value);
  // The kind of problem travels as the message: the value itself is never repeated.
  if (result && !result.success) for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.code });
});

/** The event types the bot handles, by type. */
const EVENTS: Record<string, z.ZodType> = {
  message: z.looseObject({ ...common, message }),
  postback: z.looseObject({ ...common, postback: z.looseObject({ data: z.string() }) }),
  follow: z.looseObject({ ...common, follow: z.looseObject({ isUnblocked: z.boolean() }).optional() }),
  unfollow: z.looseObject(common),
  unsend: z.looseObject({ ...common, unsend: z.looseObject({ messageId: id }) }),
  join: z.looseObject(common),
  leave: z.looseObject(common),
};

/** Any other event type: only what every event carries (built once: building it per event cost a tenth of the webhook). */
const OTHER = z.looseObject(common);

/** Checks one event: ok, or the problems (paths and kinds, never values) of a known type's wrong shape. */
export function checkLineEvent(event: { type: string }): { ok: true } | { ok: false; problems: z.ZodError } {
  const schema = EVENTS[event.type] ?? OTHER;
  const result = schema.safeParse(event);
  return result.success ? { ok: true } : { ok: false, problems: result.error };
}
