/**
 * `npm run bench`, delivery part: how delivery holds up under faults, over real HTTP against the
 * fake platforms in test/fakes, with the default settings. Prints numbers and their targets.
 *
 * - durability: the cost of synchronous=FULL on the writes of one LINE event (store it before
 *   the 200, handle it, mark it handled and sent), on this machine's disk: FULL for every commit, as
 *   shipped, and NORMAL for every commit, one event at a time (no group);
 * - hang: 20 Telegram users talk while 20 LINE users do too and LINE takes every request and
 *   never answers, for BENCH_HANG_S seconds (default 25, past two LINE timeouts); reply p50/p99
 *   from the webhook POST to the reply reaching the fake Bot API (target p99 < 1 s), and the same
 *   load with LINE answering, for comparison;
 * - outage: LINE answers 503 for BENCH_OUTAGE_S seconds (default 60) while users keep writing;
 *   the time from LINE's return until every waiting message was sent (target < 15 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteStore, type SqliteOptions } from '../src/store/sqlite-store.ts';
import { lineEvent, startFakeLine } from '../test/fakes/fake-line.ts';
import { startFakeTelegram, tgMessage } from '../test/fakes/fake-telegram.ts';
import { lineEnv, postLine, queryDb, startChannelApp, TELEGRAM_SECRET, TELEGRAM_TOKEN } from '../test/helpers/channel-app.ts';

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The store writes of one LINE event, as the webhook, the queue and the dispatcher make them. */
async function durability(sync: SqliteOptions, events: number): Promise<{ perEvent: number[]; rate: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tangrod-bench-sync-'));
  const store = openSqliteStore(path.join(dir, 'db.sqlite'), undefined, sync);
  const perEvent: number[] = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < events; i++) {
      const e0 = performance.now();
      const [row] = await store.addInbound([{ channel: 'line', eventId: `ev-${i}`, userKey: `U${i % 50}`, payload: { type: 'message', text: 'hello' } }]);
      const id = await store.transaction(async (tx) => {
        await tx.claimEvent('line', `ev-${i}`);
        await tx.addTranscript(`line:U${i % 50}`, 'in', { text: 'hello' });
        return tx.enqueue({ channel: 'line', recipient: `U${i % 50}`, kind: 'reply', payload: { text: 'answer' }, replyTo: `ev-${i}` });
      });
      await store.deleteInbound(row!.id);
      await store.markSent(id);
      perEvent.push(performance.now() - e0);
    }
    return { perEvent, rate: events / ((performance.now() - t0) / 1000) };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Telegram reply latencies (ms) while LINE users write too, and LINE hangs or not. */
async function telegramBesideLine(lineHangs: boolean, seconds: number): Promise<number[]> {
  const line = await startFakeLine();
  const telegram = await startFakeTelegram(TELEGRAM_TOKEN);
  if (lineHangs) line.hangIf = () => true;
  const app = await startChannelApp({
    ...lineEnv(line.origin),
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    SIMULATOR: 'off',
  });
  const latencies: number[] = [];
  let updateId = 1;
  const end = Date.now() + seconds * 1000;
  try {
    // 20 LINE users write about one message a second between them; with LINE hanging, every
    // answer to them waits for the 10 s timeout, and then LINE is probed until the end.
    const lineLoad = (async () => {
      for (let n = 0; Date.now() < end; n++) {
        await postLine(app.url, { destination: 'Ubot', events: [lineEvent(`Ubench${n % 20}`, { type: 'message', message: { id: `lm${n}`, type: 'text', text: n < 20 ? 'hello' : '/help' } })] });
        await sleep(50);
      }
    })();
    // 20 Telegram users, each writing again 300 ms after the bot's answer.
    const user = async (u: number) => {
      await sleep(u * 150);
      for (let k = 0; Date.now() < end; k++) {
        const chat = String(6000 + u);
        const before = telegram.sent.filter((m) => m.chat_id === chat).length;
        const t0 = Date.now();
        await fetch(`${app.url}/webhooks/telegram`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET },
          body: JSON.stringify(tgMessage(updateId++, 6000 + u, { text: k === 0 ? 'hello' : k % 2 ? '/help' : '/status' }, 'en')),
        });
        for (;;) {
          const got = telegram.sent.filter((m) => m.chat_id === chat);
          if (got.length > before) {
            latencies.push(got[before]!.at - t0);
            break;
          }
          if (Date.now() - t0 > 60_000) {
            latencies.push(60_000);
            break;
          }
          await sleep(5);
        }
        // Let the rest of this answer arrive before the next message.
        await sleep(300);
      }
    };
    await Promise.all([lineLoad, ...Array.from({ length: 20 }, (_, u) => user(u))]);
    return latencies;
  } finally {
    await line.close();
    await telegram.close();
    await app.close();
  }
}

async function hang(seconds: number): Promise<void> {
  const healthy = await telegramBesideLine(false, seconds);
  const hung = await telegramBesideLine(true, seconds);
  const fmt = (l: number[]) => `p50 ${pct(l, 50)} ms, p99 ${pct(l, 99)} ms over ${l.length}`;
  console.log(`hang:          Telegram replies while LINE never answers: ${fmt(hung)} (target p99 < 1000 ms)`);
  console.log(`               the same load with LINE answering:         ${fmt(healthy)}`);
}

async function outage(seconds: number): Promise<void> {
  const line = await startFakeLine();
  line.down = true;
  const app = await startChannelApp({ ...lineEnv(line.origin), SIMULATOR: 'off' });
  const users = Array.from({ length: 100 }, (_, i) => `Uoutage${i}`);
  try {
    const end = Date.now() + seconds * 1000;
    let n = 0;
    // Every user writes every 5 s during the outage.
    while (Date.now() < end) {
      await postLine(app.url, { destination: 'Ubot', events: users.map((u) => lineEvent(u, { type: 'message', message: { id: `om${n++}`, type: 'text', text: n < users.length ? 'hello' : '/help' } })) });
      await sleep(Math.min(5000, Math.max(0, end - Date.now())));
    }
    await app.idle();
    const waiting = (await app.services.store.dueOutbox('line', new Date(Date.now() + 86_400_000), 100_000)).length;
    line.down = false;
    const back = performance.now();
    // Counted on a connection of its own, cheaply, so that watching does not slow the drain.
    for (;;) {
      const [{ n }] = queryDb<{ n: number }>(app, `SELECT COUNT(*) AS n FROM outbox WHERE channel = 'line' AND status = 'pending'`) as [{ n: number }];
      if (n === 0 || performance.now() - back > 300_000) break;
      await sleep(100);
    }
    const drained = (performance.now() - back) / 1000;
    console.log(`outage:        LINE down ${seconds} s, ${waiting} messages to ${users.length} chats waiting; all sent ${drained.toFixed(1)} s after LINE was back (target < 15 s)`);
  } finally {
    await line.close();
    await app.close();
  }
}

const modes: [string, SqliteOptions][] = [
  ['FULL for every commit (the default)', {}],
  ['NORMAL for every commit', { synchronous: 'NORMAL' }],
];
console.log(`durability:    the store writes of one LINE event (ack, conversation, handled, sent), 2,000 events:`);
for (const [name, sync] of modes) {
  const r = await durability(sync, 2000);
  console.log(`               ${name.padEnd(40)} p50 ${pct(r.perEvent, 50).toFixed(2)} ms, p95 ${pct(r.perEvent, 95).toFixed(2)} ms, ${r.rate.toFixed(0)} events/s`);
}
await hang(Number(process.env.BENCH_HANG_S ?? 25));
await outage(Number(process.env.BENCH_OUTAGE_S ?? 60));
