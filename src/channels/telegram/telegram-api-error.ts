/**
 * Telegram's errors as the sender reads them, without loading grammY: a refusal of the Bot API
 * (its `error_code`, `description` and `parameters`, with `retry_after`) and a call that got no
 * answer. The platform call worker's errors come back as {@link BotApiError} and
 * {@link BotApiNetworkError}; grammY's own clients (the rare calls) throw its `GrammyError` and
 * `HttpError`, with the same names and fields. The guards accept both. grammY's entry point loads
 * node-fetch and its URL tables: 50 ms of a start on the main thread, and 20 MB.
 */

/** The Bot API's answer to a call it refused. */
export interface BotApiRefusal {
  error_code: number;
  description: string;
  parameters: { retry_after?: number; migrate_to_chat_id?: number };
}

/** A call the Bot API refused (named as grammY's `GrammyError`). */
export class BotApiError extends Error implements BotApiRefusal {
  override name = 'GrammyError';
  readonly error_code: number;
  readonly description: string;
  readonly parameters: BotApiRefusal['parameters'];

  constructor(message: string, refusal: BotApiRefusal) {
    super(message);
    this.error_code = refusal.error_code;
    this.description = refusal.description;
    this.parameters = refusal.parameters;
  }
}

/** A call that got no answer: a refused or broken connection, or a timeout (named as grammY's `HttpError`). */
export class BotApiNetworkError extends Error {
  override name = 'HttpError';
}

/** True for a Bot API refusal, the worker's or grammY's `GrammyError`. */
export function isBotApiError(err: unknown): err is Error & BotApiRefusal {
  return err instanceof Error && err.name === 'GrammyError' && typeof (err as { error_code?: unknown }).error_code === 'number';
}

/** True for a call that got no answer, the worker's or grammY's `HttpError`. */
export function isBotApiNetworkError(err: unknown): err is Error {
  return err instanceof Error && err.name === 'HttpError';
}
