/**
 * A turn's answers kept as one transcript row (decision 0035): `{ replies: [answer, ...] }` when a
 * turn has more than one. A row costs the same whether it holds one answer or four, and the bot's
 * first answer is four, so one row per turn is a fraction of the writes. Every reader sees the
 * answers one by one, as before: the stores expand such a row where they read it.
 */

/** The transcript body of a turn's answers: the answer itself when there is one. */
export function turnBody(replies: readonly unknown[]): unknown {
  return replies.length === 1 ? replies[0] : { replies };
}

function turnReplies(body: unknown): unknown[] | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const keys = Object.keys(body);
  const replies = (body as { replies?: unknown }).replies;
  return keys.length === 1 && Array.isArray(replies) ? replies : undefined;
}

/** Rows with a turn's answers in one body, as one row per answer (the same time and direction). */
export function expandTurns<T extends { body: unknown }>(rows: readonly T[]): T[] {
  const out: T[] = [];
  for (const row of rows) {
    const replies = turnReplies(row.body);
    if (replies) for (const body of replies) out.push({ ...row, body });
    else out.push(row);
  }
  return out;
}

/** The last answer of a body: of its turn, or the body itself. */
export function lastOfTurn(body: unknown): unknown {
  const replies = turnReplies(body);
  return replies ? replies[replies.length - 1] : body;
}
