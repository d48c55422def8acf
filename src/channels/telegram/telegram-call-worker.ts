/**
 * Telegram's sendMessage, deleteMessages and answerCallbackQuery as the platform call worker serves them (see
 * `../platform-call-worker.ts` and `telegram-worker-client.ts`): each a JSON POST to the configured
 * Bot API root with {@link postJson} (decision 0032), its payload as grammY's `Api` builds it, under
 * the platform timeout. The worker does not load grammY: its entry point (node-fetch and its URL
 * tables) was a third of the worker's start and 11 MB of its memory, for three calls.
 */
import type { Api } from 'grammy';
import { type Plain, plainBasics, type Served } from '../../core/call-worker.ts';
import { postJson } from '../json-post.ts';
import { BotApiError, BotApiNetworkError, type BotApiRefusal } from './telegram-api-error.ts';

/** What the worker needs for Telegram. */
export interface TelegramWorkerData {
  token: string;
  apiRoot: string;
  timeoutSeconds: number;
}

type Send = Api['sendMessage'];
type Delete = Api['deleteMessages'];
type Answer = Api['answerCallbackQuery'];

/** The methods (`telegram.sendMessage`, `telegram.deleteMessages`, `telegram.answerCallbackQuery`) and how their errors cross. */
export function telegramServed({ token, apiRoot, timeoutSeconds }: TelegramWorkerData): { methods: Served; plain: Plain } {
  const root = `${apiRoot.replace(/\/+$/, '')}/bot${token}`;
  /** One Bot API call: its result, or its refusal or missing answer as grammY would throw them (same names, messages and fields). */
  const call = async (method: string, payload: Record<string, unknown>): Promise<unknown> => {
    let answer: Awaited<ReturnType<typeof postJson>>;
    try {
      answer = await postJson(`${root}/${method}`, {}, JSON.stringify(payload), AbortSignal.timeout(timeoutSeconds * 1000));
    } catch (err) {
      throw new BotApiNetworkError(`Network request for '${method}' failed!`, { cause: (err as Error).cause ?? err });
    }
    let data: { ok?: boolean; result?: unknown } & Partial<BotApiRefusal>;
    try {
      data = JSON.parse(answer.text) as typeof data;
    } catch {
      // Not the Bot API's JSON (a proxy's error page): its HTTP status is all there is to go by.
      data = { ok: false, error_code: answer.status, description: `HTTP ${answer.status}` };
    }
    if (data.ok) return data.result;
    const refusal = { error_code: data.error_code ?? answer.status, description: data.description ?? '', parameters: data.parameters ?? {} };
    throw new BotApiError(`Call to '${method}' failed! (${refusal.error_code}: ${refusal.description})`, refusal);
  };
  return {
    methods: {
      'telegram.sendMessage': (chatId: Parameters<Send>[0], text: Parameters<Send>[1], other?: Parameters<Send>[2]) => call('sendMessage', { chat_id: chatId, text, ...other }),
      'telegram.deleteMessages': (chatId: Parameters<Delete>[0], ids: Parameters<Delete>[1]) => call('deleteMessages', { chat_id: chatId, message_ids: ids }),
      'telegram.answerCallbackQuery': (id: Parameters<Answer>[0], other?: Parameters<Answer>[1]) => call('answerCallbackQuery', { callback_query_id: id, ...other }),
    },
    // A Bot API refusal with what the sender reads of it: its code and parameters (retry_after).
    plain: (err) => (err instanceof BotApiError ? { ...plainBasics(err), errorCode: err.error_code, description: err.description, parameters: { ...err.parameters } } : undefined),
  };
}
