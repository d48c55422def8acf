/**
 * The Telegram sender tells its errors apart by their shape (src/channels/telegram/telegram-api-error.ts):
 * grammY's own errors (from the rare calls made on the main thread) and the platform call worker's
 * must give the same verdict.
 */
import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { BotApiError, BotApiNetworkError } from '../src/channels/telegram/telegram-api-error.ts';
import { toDeliveryError } from '../src/channels/telegram/telegram-sender.ts';

const grammy = (code: number, retryAfter?: number) =>
  new GrammyError('refused', { ok: false, error_code: code, description: 'x', ...(retryAfter ? { parameters: { retry_after: retryAfter } } : {}) }, 'sendMessage', {});
const ours = (code: number, retryAfter?: number) => new BotApiError('refused', { error_code: code, description: 'x', parameters: retryAfter ? { retry_after: retryAfter } : {} });

const cases: { name: string; code?: number; retryAfter?: number; network?: boolean; failure: string; retryAfterMs?: number }[] = [
  { name: '429 with retry_after', code: 429, retryAfter: 4, failure: 'transient', retryAfterMs: 4000 },
  { name: '500', code: 500, failure: 'transient' },
  { name: '403 (blocked by the user)', code: 403, failure: 'unreachable' },
  { name: '400', code: 400, failure: 'permanent' },
  { name: 'no answer', network: true, failure: 'transient' },
];

describe('Telegram errors, grammY\u2019s and the worker\u2019s', () => {
  it.each(cases)('$name', ({ code, retryAfter, network, failure, retryAfterMs }) => {
    const errors = network ? [new HttpError('Network request failed', new Error('ECONNREFUSED')), new BotApiNetworkError('Network request failed')] : [grammy(code!, retryAfter), ours(code!, retryAfter)];
    for (const err of errors) {
      const d = toDeliveryError(err);
      expect([d.failure, d.retryAfterMs]).toEqual([failure, retryAfterMs]);
    }
  });

  it('reads anything else as transient', () => {
    expect(toDeliveryError(new Error('boom')).failure).toBe('transient');
  });
});
