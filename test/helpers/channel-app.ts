/**
 * Starting the real app for channel tests (fresh DATA_DIR, silent logs, 127.0.0.1, port 0), and
 * helpers shared by the LINE, Telegram and delivery tests.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../src/app.ts';
import { createServices, databasePath, type Services } from '../../src/services.ts';
import { channelRuntime } from '../../src/channels/channels.ts';
import { loadConfig } from '../../src/config/env.ts';
import type { Reply } from '../../src/conversation/reply.ts';
import { impliedChoice } from './quick-answers.ts';
import type { Clock } from '../../src/core/clock.ts';

export const LINE_SECRET = 'test-line-secret';
export const LINE_TOKEN = 'test-line-token';
export const TELEGRAM_TOKEN = '123456:test-telegram-token';
export const TELEGRAM_SECRET = 'test_webhook_secret-1';

export interface ChannelApp {
  url: string;
  app: FastifyInstance;
  services: Services;
  dataDir: string;
  /** Waits until nothing is being handled or sent. */
  idle(): Promise<void>;
  /** Closes the app and the store; removes DATA_DIR unless `keepData`. */
  close(opts?: { keepData?: boolean }): Promise<void>;
}

/**
 * The DATA_DIRs this process made: removed when it exits (a test file's worker, or a bench), whether
 * or not each app was closed. Not a vitest hook: the benches import these helpers too.
 */
const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary DATA_DIR (removed when the process exits, if not before). */
export function tempDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tangrod-channels-'));
  made.push(dir);
  return dir;
}

/** Builds and starts the app as `npm start` would, with the given variables (and, if given, a clock the test moves). */
export async function startChannelApp(env: Record<string, string>, dataDir = tempDataDir(), clock?: Clock): Promise<ChannelApp> {
  // Tests talk to the simulator far faster than a person can: its rate limit (tested on its own,
  // in production-defaults.test.ts) is out of their way unless a test sets it.
  const limits = { SIMULATOR_USER_PER_MINUTE: '1000000', SIMULATOR_ADDRESS_PER_MINUTE: '1000000' };
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0', ...limits, ...env });
  const services = clock ? createServices(config, clock) : createServices(config);
  const app = await createApp(services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    app,
    services,
    dataDir,
    idle: async () => channelRuntime(app)?.idle(),
    async close(opts) {
      await app.close();
      await services.store.close();
      if (!opts?.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The variables that turn LINE on against a fake at `origin`. */
export function lineEnv(origin: string): Record<string, string> {
  return { LINE_CHANNEL_SECRET: LINE_SECRET, LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN, LINE_API_BASE_URL: origin, LINE_DATA_API_BASE_URL: origin };
}

/** Posts a LINE webhook body signed with the channel secret (or with `signature` when given). */
export async function postLine(url: string, body: unknown, signature?: string): Promise<{ status: number; body: any }> {
  const raw = Buffer.from(JSON.stringify(body), 'utf8');
  const sig = signature ?? createHmac('sha256', LINE_SECRET).update(raw).digest('base64');
  const res = await fetch(`${url}/webhooks/line`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': sig }, body: raw });
  return { status: res.status, body: await res.json() };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `ms`. */
export async function waitFor<T>(check: () => T | Promise<T>, ms = 10_000, what = 'condition'): Promise<Exclude<T, false | undefined>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v as Exclude<T, false | undefined>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The last reply the bot sent in a chat that waits for an answer, from the transcript. */
export async function lastQuestion(services: Services, sessionId: string): Promise<Reply | undefined> {
  const transcript = await services.store.transcriptOf(sessionId);
  return [...transcript].reverse().find((t) => t.direction === 'out' && (t.body as Reply).expects)?.body as Reply | undefined;
}

/** What the scripted reporter answers, by dictionary key: a Cambodian adult in Thailand, deceived, passport taken. */
export const SCRIPT: Record<string, string> = {
  lang: 'en',
  in_danger_now: 'no',
  role: 'self',
  current_country: 'TH',
  location: 'Samut Sakhon, a fish factory',
  nationality: 'KH',
  age_group: 'adult',
  deceived_about_job: 'yes',
  documents_taken: 'yes',
  free_to_leave: 'no',
  threats_or_violence: 'no',
  debt_bondage: 'yes',
  wages_withheld: 'yes',
  excessive_hours: 'yes',
  isolation: 'unsure',
  forced_criminality: 'no',
  sexual_exploitation: 'no',
  needs: 'go_home',
  consent_share: 'yes',
  consent_cross_border: 'yes',
  contact_ok: 'yes',
  confirm_send: 'send',
};

/** One scripted answer. */
export type Step = { choice: string } | { text: string } | { media: true };

/** The scripted answer to a question: the script's value, else skip, else the first choice. */
export function answerFor(q: Reply, opts: { media?: boolean } = {}): Step {
  const key = q.expects!.key;
  const type = q.expects!.type;
  const ids = (q.choices ?? []).map((c) => c.id);
  if (type === 'media' && (opts.media ?? true)) return { media: true };
  // "Which of these happened?" and the three-way consent: what the script's keys say, one tap at a
  // time as these channels send them (the items not yet picked, then Done).
  const implied = impliedChoice(key, (k) => SCRIPT[k]);
  if (implied && SCRIPT[key] === undefined) {
    const next = implied.find((id) => ids.includes(id));
    if (next) return { choice: next };
    if (ids.includes('done')) return { choice: 'done' };
  }
  const scripted = SCRIPT[key];
  if (scripted !== undefined && (type === 'text' || type === 'number' || type === 'location' || ids.includes(scripted))) {
    return ids.includes(scripted) ? { choice: scripted } : { text: scripted };
  }
  if (ids.includes('skip')) return { choice: 'skip' };
  if (ids.length) return { choice: ids[0]! };
  return { text: type === 'number' ? '30' : 'not sure' };
}

/** A small valid PNG (1x1), with a distinctive tail so each test's bytes are its own. */
export function pngBytes(tag = 'tangrod'): Buffer {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
  return Buffer.concat([png, Buffer.from(tag)]);
}

/** Reads the app's database directly, read-only, as an operator would with sqlite3. */
export function queryDb<T>(ctx: Pick<ChannelApp, 'services'>, sql: string, ...args: unknown[]): T[] {
  const db = new Database(databasePath(ctx.services.config), { readonly: true });
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}
