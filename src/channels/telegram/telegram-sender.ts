/** Delivers outbox rows to Telegram with sendMessage, mapping Bot API errors for the dispatcher. */
import type { Api } from 'grammy';
import type { AlertPayload } from '../../alerts/alert-message.ts';
import { CLAIM_PREFIX } from '../../alerts/alert-claim.ts';
import { rowReplies } from '../../conversation/reply.ts';
import { type ChannelSender, DeliveryError } from '../../delivery/channel-sender.ts';
import type { Clock } from '../../core/clock.ts';
import type { OutboxMessage, Store } from '../../store/store.ts';
import { isBotApiError, isBotApiNetworkError } from './telegram-api-error.ts';
import { joinReplies, joinTurn, toTelegramMessages } from './telegram-messages.ts';

/** The outbox and session channel name of Telegram. */
export const TELEGRAM_CHANNEL = 'telegram';

/** Telegram lets a bot delete messages of a private chat for 48 hours. */
export const DELETE_WINDOW_MS = 48 * 60 * 60 * 1000;

/** The Telegram {@link ChannelSender}. */
export class TelegramSender implements ChannelSender {
  readonly channel = TELEGRAM_CHANNEL;

  private readonly api: Pick<Api, 'sendMessage' | 'deleteMessages'> & Partial<Pick<Api, 'getMe'>>;
  private readonly store: Pick<Store, 'recordSentMessage' | 'takeSentMessages' | 'markPartsSent'>;
  private readonly clock: Clock;

  constructor(
    api: Pick<Api, 'sendMessage' | 'deleteMessages'> & Partial<Pick<Api, 'getMe'>>,
    store: Pick<Store, 'recordSentMessage' | 'takeSentMessages' | 'markPartsSent'>,
    clock: Clock,
  ) {
    this.api = api;
    this.store = store;
    this.clock = clock;
  }

  /** Telegram answers getMe (sends nothing): used to tell when an outage is over. */
  async probe(): Promise<void> {
    if (!this.api.getMe) return;
    await this.api.getMe();
  }

  async send(recipient: string, rows: OutboxMessage[], delivered: (id: number) => Promise<void>): Promise<void> {
    // The records of what Telegram took are written while the next message goes out: each is
    // queued the moment its message is taken, ahead of other database work (see
    // SqliteConnection.immediate), and all are on disk before this returns or throws.
    const records: Promise<void>[] = [];
    try {
      for (const group of joinTurn(rows)) {
        if (group.reply) {
          // A turn's replies as one message (see joinTurn): all are sent, or none.
          const [m] = toTelegramMessages(group.reply);
          let sent: Awaited<ReturnType<typeof this.api.sendMessage>>;
          try {
            sent = await this.api.sendMessage(recipient, m!.text, m!.reply_markup ? { reply_markup: m!.reply_markup } : {});
          } catch (err) {
            throw toDeliveryError(err);
          }
          records.push(this.store.recordSentMessage(TELEGRAM_CHANNEL, recipient, String(sent.message_id)));
          for (const row of group.rows) records.push(delivered(row.id));
          continue;
        }
        const row = group.rows[0]!;
        if (row.kind === 'erase') await this.erase(recipient, (row.payload as { userMessageIds?: string[] }).userMessageIds ?? []);
        else if (row.kind === 'notify') await this.alert(recipient, row.payload as AlertPayload);
        else {
          // Telegram has no retry key: each message is recorded the moment it is taken, and a
          // retry of a long text, or of a turn that needs several messages, sends only what is left.
          const parts = joinReplies(rowReplies(row)).flatMap(toTelegramMessages);
          for (let i = row.partsSent ?? 0; i < parts.length; i++) {
            const m = parts[i]!;
            let sent: Awaited<ReturnType<typeof this.api.sendMessage>>;
            try {
              sent = await this.api.sendMessage(recipient, m.text, m.reply_markup ? { reply_markup: m.reply_markup } : {});
            } catch (err) {
              throw toDeliveryError(err);
            }
            if (i < parts.length - 1) await this.store.markPartsSent(row.id, i + 1);
            records.push(this.store.recordSentMessage(TELEGRAM_CHANNEL, recipient, String(sent.message_id)));
          }
        }
        records.push(delivered(row.id));
      }
    } finally {
      await Promise.all(records);
    }
  }

  /**
   * An agency alert, in a staff group or a supervisor's private chat, with a "claim" button. Its
   * message id is not recorded: a quick exit concerns reporters' chats only.
   */
  private async alert(recipient: string, alert: AlertPayload): Promise<void> {
    const markup = alert.claim ? { reply_markup: { inline_keyboard: [[{ text: alert.claimLabel ?? 'Claim', callback_data: `${CLAIM_PREFIX}${alert.claim}` }]] } } : {};
    try {
      // Links stay plain text: no preview card that would fetch the ticket page.
      await this.api.sendMessage(recipient, alert.text.slice(0, 4096), { ...markup, link_preview_options: { is_disabled: true } });
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  /**
   * Quick exit: deletes the bot's and the person's messages from the chat, as far as Telegram
   * allows (48 hours). Best effort: a message that cannot be deleted any more is left, and the
   * exit goes on.
   */
  private async erase(recipient: string, userMessageIds: string[]): Promise<void> {
    const since = new Date(this.clock().getTime() - DELETE_WINDOW_MS);
    const ids = [...(await this.store.takeSentMessages(TELEGRAM_CHANNEL, recipient, since)), ...userMessageIds].map(Number).filter(Number.isInteger);
    for (let i = 0; i < ids.length; i += 100) {
      await this.api.deleteMessages(recipient, ids.slice(i, i + 100)).catch(() => undefined);
    }
  }
}

/** Maps a grammY error to a {@link DeliveryError}; the message carries the code only. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (isBotApiError(err)) {
    const code = err.error_code;
    if (code === 429) return new DeliveryError('telegram sendMessage: 429', 'transient', (err.parameters.retry_after ?? 1) * 1000);
    if (code >= 500) return new DeliveryError(`telegram sendMessage: ${code}`, 'transient');
    // 403: the user blocked the bot (or deleted their account).
    if (code === 403) return new DeliveryError('telegram sendMessage: 403', 'unreachable');
    return new DeliveryError(`telegram sendMessage: ${code}`, 'permanent');
  }
  if (isBotApiNetworkError(err)) return new DeliveryError('telegram sendMessage: network error', 'transient');
  return new DeliveryError(`telegram sendMessage: ${(err as Error)?.name ?? 'error'}`, 'transient');
}
