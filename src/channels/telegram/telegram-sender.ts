/** Delivers outbox rows to Telegram with sendMessage, mapping Bot API errors for the dispatcher. */
import { type Api, GrammyError, HttpError } from 'grammy';
import type { Reply } from '../../conversation/reply.ts';
import { type ChannelSender, DeliveryError } from '../../delivery/channel-sender.ts';
import type { OutboxMessage } from '../../store/store.ts';
import { toTelegramMessages } from './telegram-messages.ts';

/** The outbox and session channel name of Telegram. */
export const TELEGRAM_CHANNEL = 'telegram';

/** The Telegram {@link ChannelSender}. */
export class TelegramSender implements ChannelSender {
  readonly channel = TELEGRAM_CHANNEL;

  constructor(private readonly api: Pick<Api, 'sendMessage'>) {}

  async send(recipient: string, rows: OutboxMessage[], delivered: (id: number) => Promise<void>): Promise<void> {
    for (const row of rows) {
      for (const m of toTelegramMessages(row.payload as Reply)) {
        try {
          await this.api.sendMessage(recipient, m.text, m.reply_markup ? { reply_markup: m.reply_markup } : {});
        } catch (err) {
          throw toDeliveryError(err);
        }
      }
      await delivered(row.id);
    }
  }
}

/** Maps a grammY error to a {@link DeliveryError}; the message carries the code only. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof GrammyError) {
    const code = err.error_code;
    if (code === 429) return new DeliveryError('telegram sendMessage: 429', 'transient', (err.parameters.retry_after ?? 1) * 1000);
    if (code >= 500) return new DeliveryError(`telegram sendMessage: ${code}`, 'transient');
    // 403: the user blocked the bot (or deleted their account).
    if (code === 403) return new DeliveryError('telegram sendMessage: 403', 'unreachable');
    return new DeliveryError(`telegram sendMessage: ${code}`, 'permanent');
  }
  if (err instanceof HttpError) return new DeliveryError('telegram sendMessage: network error', 'transient');
  return new DeliveryError(`telegram sendMessage: ${(err as Error)?.name ?? 'error'}`, 'transient');
}
