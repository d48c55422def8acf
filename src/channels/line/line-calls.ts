/**
 * Which outbox rows go to LINE together, and under which X-Line-Retry-Key.
 *
 * LINE drops a push whose retry key it has accepted before (answering 409), so a push that got
 * through just before a crash or a timeout is not shown twice, provided the retry carries the
 * same key for the same messages. So the grouping of rows into calls is fixed before the first
 * attempt and stored with the rows (their `retryKey`): a retry sends the same groups again, under
 * the same keys, whatever else has arrived for the chat since.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import { LINE_LIMITS } from './line-messages.ts';

/** A row as the plan sees it: its messages, the event it answers, its key if already fixed. */
export interface PlannedRow {
  id: number;
  replyTo: string | null;
  retryKey: string | null;
  messages: messagingApi.TextMessage[];
}

/** One group of rows: sent in one call (more when a single row has more than 5 messages). */
export interface CallGroup {
  ids: number[];
  /** The event these rows answer: its reply token may carry the first call. */
  replyTo: string | null;
  /** The group's retry key; true `fresh` means it was made now and must be stored before sending. */
  key: string;
  fresh: boolean;
  /** The calls, each with at most 5 messages and its own retry key. */
  calls: { messages: messagingApi.TextMessage[]; retryKey: string }[];
}

/**
 * Groups rows in order. Rows that already have a key are grouped as they were at their first
 * attempt. New rows are grouped while they answer the same event and fit in one call of 5
 * messages; a row of more than 5 messages stands alone and is spread over several calls.
 */
export function planCalls(rows: PlannedRow[], newKey: () => string = randomUUID): CallGroup[] {
  const groups: Omit<CallGroup, 'calls'>[] = [];
  const messagesOf = new Map(rows.map((r) => [r.id, r.messages]));
  let current: (Omit<CallGroup, 'calls'> & { size: number }) | undefined;
  const flush = () => {
    if (current) groups.push({ ids: current.ids, replyTo: current.replyTo, key: current.key, fresh: current.fresh });
    current = undefined;
  };
  for (const row of rows) {
    const joins = row.retryKey
      ? current !== undefined && !current.fresh && current.key === row.retryKey
      : current?.fresh === true && current.replyTo === row.replyTo && current.size + row.messages.length <= LINE_LIMITS.messagesPerCall;
    if (!joins) {
      flush();
      current = { ids: [], replyTo: row.replyTo, key: row.retryKey ?? newKey(), fresh: !row.retryKey, size: 0 };
    }
    current!.ids.push(row.id);
    current!.size += row.messages.length;
  }
  flush();
  return groups.map((g) => {
    const messages = g.ids.flatMap((id) => messagesOf.get(id) ?? []);
    const calls: CallGroup['calls'] = [];
    for (let i = 0; i < messages.length; i += LINE_LIMITS.messagesPerCall) {
      const part = calls.length;
      calls.push({ messages: messages.slice(i, i + LINE_LIMITS.messagesPerCall), retryKey: part === 0 ? g.key : partKey(g.key, part) });
    }
    return { ...g, calls };
  });
}

/** The key of the n-th call of a group that needs several: derived, so a retry derives the same. */
export function partKey(key: string, part: number): string {
  const h = createHash('sha256').update(`${key}/${part}`).digest('hex');
  // UUID form (version 4 bits set), as LINE requires.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
