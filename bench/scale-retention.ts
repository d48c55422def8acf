/** The scale bench's retention rows, on either store (bench/scale.ts). */
import Database from 'better-sqlite3-multiple-ciphers';
import { performance } from 'node:perf_hooks';
import type { Config } from '../src/config/env.ts';
import { createServices, databasePath } from '../src/services.ts';
import { syncToDisk } from './scale-fields.ts';

/** First messages of the busy day that `seedBusyDay` writes: a rescue in the news. */
export const BUSY_DAY = Number(process.env.BENCH_SCALE_BUSY_DAY ?? 100_000);

/** What a first message leaves, as the pipeline writes it (read back from a run of the load bench). */
const REPLY = JSON.stringify({ replies: Array.from({ length: 7 }, (_, i) => ({ text: `${'Call for help now: 1300 (Thailand). '.repeat(3)}${i}` })) });

/**
 * Writes, in SQL, a day 40 days back on which `n` people each sent one first message and no ticket
 * came of it: per person a session, the message and the answer in the transcript, the answer's
 * outbox row (sent) and the event's id. Every kind with a period under 40 days is then due, as on
 * the purge's round 30 days (the outbox, unticketed conversations) and 7 days (events) after a
 * rescue in the news. SQLite only.
 */
export function seedBusyDay(config: Config, n: number): void {
  const db = new Database(databasePath(config));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const day = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
  const at = `'${day}T' || printf('%02d:%02d:%02d.%03dZ', (i / 3600000) % 24, (i / 60000) % 60, (i / 1000) % 60, i % 1000)`;
  const seq = 'WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?)';
  const user = `'Ubusy' || printf('%027d', i)`;
  db.transaction(() => {
    db.prepare(`${seq} INSERT INTO sessions (id, channel, user_id, state, created_at, updated_at) SELECT 'line:' || ${user}, 'line', ${user}, '{"v":1}', ${at}, ${at} FROM seq`).run(n);
    db.prepare(
      `${seq} INSERT INTO transcript (session_id, direction, body, created_at, conversation_id)
       SELECT 'line:' || ${user}, d.direction, d.body, ${at}, 'busy-' || i FROM seq, (SELECT 'in' AS direction, '{"text":"hello"}' AS body UNION ALL SELECT 'out', ?) d`,
    ).run(n, REPLY);
    db.prepare(
      `${seq} INSERT INTO outbox (channel, recipient, kind, payload, status, attempts, next_attempt_at, created_at, sent_at, parts_sent)
       SELECT 'line', ${user}, 'replies', ?, 'sent', 1, ${at}, ${at}, ${at}, 1 FROM seq`,
    ).run(n, REPLY);
    db.prepare(`${seq} INSERT INTO inbound_events (channel, event_id, received_at) SELECT 'line', 'busy-' || i, ${at} FROM seq`).run(n);
  })();
  db.close();
  syncToDisk(databasePath(config));
}

/**
 * Watches this thread: a timer every millisecond, and the gaps between its ticks (the last one
 * counted up to `stop`). A gap is how long a webhook that came at its start waited. (Node's
 * `monitorEventLoopDelay` misses a stall that ends with the work watched: it records a delay only
 * when its timer runs.)
 */
function watchStalls(): { stop(): { longest: number; over50: number } } {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      gaps.push(performance.now() - last);
      return { longest: Math.max(...gaps), over50: gaps.filter((g) => g > 50).length };
    },
  };
}

/**
 * Times the daily retention purge (`Retention.run`, with the configured periods) as the server
 * runs it, in slices (decision 0044), and watches this thread meanwhile: on SQLite the purge runs
 * on the bot's thread, so its longest stall is the longest a webhook waits behind it. The table
 * row of it.
 */
export async function timeRetentionPurge(config: Config, size: number, label: string): Promise<string> {
  const { retention, store } = createServices(config);
  try {
    const watch = watchStalls();
    const t0 = performance.now();
    const { counts } = await retention.run({ actor: 'bench' });
    const took = performance.now() - t0;
    const { longest, over50 } = watch.stop();
    const removed = Object.values(counts).reduce((a, b) => a + b, 0);
    // Its columns: what it removed and in how long; stalls over 50 ms, and the longest.
    return `| ${size.toLocaleString('en')} | retention purge (daily), ${label} | ${removed.toLocaleString('en')} removed in ${(took / 1000).toFixed(1)} s; the bot's thread: stalls over 50 ms, longest (ms) → | ${over50} | ${longest.toFixed(0)} | longest < 50 (on SQLite the bot waits) |`;
  } finally {
    await store.close();
  }
}

/** The rows of the retention purge at one size: with nothing due, then after a busy day (SQLite). */
export async function retentionRows(config: Config, size: number, sqlite: boolean): Promise<string[]> {
  const rows = [await timeRetentionPurge(config, size, 'nothing due')];
  if (!sqlite || BUSY_DAY <= 0) return rows;
  seedBusyDay(config, BUSY_DAY);
  rows.push(await timeRetentionPurge(config, size, `a day of ${BUSY_DAY.toLocaleString('en')} first messages due`));
  return rows;
}
