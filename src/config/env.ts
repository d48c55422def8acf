/**
 * The one place that reads `process.env`. Everything else imports the parsed, typed {@link Config}.
 *
 * A `.env` file in the working directory is read first when present; variables already set in the
 * environment win over it.
 */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { llmEnv, llmRefine } from '../llm/llm-env.ts';
import { retentionEnv } from '../privacy/retention-env.ts';
import { databaseEnv } from './database-env.ts';

/** An https:// (or, for tests, http://) origin without a trailing slash: the SDKs append paths themselves. */
const apiRoot = (fallback: string) =>
  z
    .url()
    .default(fallback)
    .transform((v) => v.replace(/\/+$/, ''));

const flag = z
  .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['on', 'true', '1', 'yes'].includes(v));

/** A Telegram chat id (groups are negative) or a public @channel name. */
export const TELEGRAM_CHAT = /^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/;

/** The environment schema: every variable, its default, and what it must look like. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  FLOWS_DIR: z.string().min(1).default('./flows'),
  LOCALES_DIR: z.string().min(1).default('./locales'),
  // Unset: on, except with NODE_ENV=production (anyone who reaches the server could file tickets).
  SIMULATOR: flag.optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_TEXT_LENGTH: z.coerce.number().int().min(100).max(5000).default(2000),
  MAX_UPLOAD_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),

  // Staff dashboard: response-time targets (time to first staff action) per priority.
  TARGET_P1_MINUTES: z.coerce.number().int().min(1).default(15),
  TARGET_P2_MINUTES: z.coerce.number().int().min(1).default(4 * 60),
  TARGET_P3_MINUTES: z.coerce.number().int().min(1).default(3 * 24 * 60),

  // LINE: on when both credentials are set (LINE Developers console, Messaging API tab).
  LINE_CHANNEL_SECRET: z.string().min(1).optional(),
  LINE_CHANNEL_ACCESS_TOKEN: z.string().min(1).optional(),
  // The SDK drops any path in these (it builds URLs from the origin), so give origins only.
  LINE_API_BASE_URL: apiRoot('https://api.line.me'),
  LINE_DATA_API_BASE_URL: apiRoot('https://api-data.line.me'),

  // Telegram: on when the bot token is set (from @BotFather).
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456789:AA... (the token @BotFather gives)')
    .optional(),
  // Telegram's own rule for secret_token: 1-256 of A-Z a-z 0-9 _ -.
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z a-z 0-9 _ -')
    .optional(),
  TELEGRAM_API_ROOT: apiRoot('https://api.telegram.org'),
  TELEGRAM_MODE: z.enum(['webhook', 'polling']).default('polling'),

  // Delivery under faults (issue 10): no platform call may hang the bot. A call that takes longer
  // is given up and retried; a channel whose platform is down is checked again at least this often.
  PLATFORM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  PLATFORM_DOWNLOAD_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  OUTBOX_PROBE_MAX_MS: z.coerce.number().int().min(50).max(300_000).default(2_000),

  // Escalation: where a referral that nobody accepted in time goes last, besides the agency's
  // supervisors (issue 6). All optional; a deployment should set at least one.
  ESCALATION_TELEGRAM_CHAT: z.string().regex(TELEGRAM_CHAT, 'must be a Telegram chat id (e.g. -1001234567890) or @channelname').optional(),
  ESCALATION_LINE_GROUP: z.string().regex(/^C[0-9a-f]{32}$/, 'must be a LINE group id (C followed by 32 hex digits; see `npm run cli -- alerts groups`)').optional(),
  ESCALATION_WEBHOOK_URL: z.url().optional(),
  ESCALATION_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters (e.g. `openssl rand -hex 32`)').optional(),

  // Operations (docs/operations.md): /metrics from elsewhere than this machine needs this bearer token.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (e.g. `openssl rand -hex 32`)').optional(),
  // How long SIGTERM waits for work in flight before closing the database and exiting anyway.
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),

  // Staff access (issue 10): the proxy whose X-Forwarded-For is believed, simulator tickets and
  // alerts, API token lifetime, the queue's refresh.
  TRUST_PROXY: z
    .string()
    .transform((v, ctx) => {
      const entries = v.split(',').map((e) => e.trim()).filter(Boolean);
      if (entries.length === 1 && ['off', 'false', 'no', '0'].includes(entries[0]!)) return false as const;
      for (const e of entries) {
        if (!isTrustedProxyEntry(e)) {
          ctx.addIssue({ code: 'custom', message: `"${e}" is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal` });
          return z.NEVER;
        }
      }
      return entries;
    })
    .default(false),
  SIMULATOR_ALERTS: flag.default(false),
  SIMULATOR_USER_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  SIMULATOR_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  API_TOKEN_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  QUEUE_REFRESH_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
  // Encryption at rest (issue 14): the database, its WAL, stored files and webhook secrets are
  // encrypted with this key (README, "Privacy and data protection"). Losing it loses the data.
  DATABASE_KEY: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  // Only for `npm run cli -- db rekey`: the key the database moves to.
  NEW_DATABASE_KEY: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  // Retention periods per kind of data, in days (issue 14, src/privacy/retention-env.ts).
  ...retentionEnv,
  // Language-model assist (issue 13, src/llm/): off unless LLM_FEATURES names a feature.
  ...llmEnv,
  // Training workspace (issue 17, src/training/): its own database and files under
  // DATA_DIR/training, the simulator as its only channel, no alert to any agency, a banner on every page.
  TRAINING: flag.default(false),
  // How long a scripted reporter takes to answer a staff message in an exercise.
  TRAINING_REPLY_SECONDS: z.coerce.number().min(0).max(3600).default(5),
  // Several instances on one PostgreSQL, with shared files (issue 16).
  ...databaseEnv,
}).superRefine((env, ctx) => {
  llmRefine(env, ctx);
  // Half a LINE configuration is a mistake, not a wish to have LINE off: say so rather than stay silent.
  if (Boolean(env.LINE_CHANNEL_SECRET) !== Boolean(env.LINE_CHANNEL_ACCESS_TOKEN)) {
    const missing = env.LINE_CHANNEL_SECRET ? 'LINE_CHANNEL_ACCESS_TOKEN' : 'LINE_CHANNEL_SECRET';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'LINE needs both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN (or neither, to keep LINE off)' });
  }
  // A webhook without a secret would accept updates from anyone who guesses the URL.
  if (env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_MODE === 'webhook' && !env.TELEGRAM_WEBHOOK_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET' });
  }
  // Half a pair of bucket keys would quietly fall back to whatever other credentials the host has.
  if (Boolean(env.AWS_ACCESS_KEY_ID) !== Boolean(env.AWS_SECRET_ACCESS_KEY)) {
    ctx.addIssue({ code: 'custom', path: [env.AWS_ACCESS_KEY_ID ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'], message: 'the bucket needs both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or neither, for the SDK\'s own chain)' });
  }
  // An unsigned escalation could be forged by anyone who learns the receiver's address.
  if (env.ESCALATION_WEBHOOK_URL && !env.ESCALATION_WEBHOOK_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['ESCALATION_WEBHOOK_SECRET'], message: 'ESCALATION_WEBHOOK_URL needs ESCALATION_WEBHOOK_SECRET (the receiver checks the signature with it)' });
  }
}).transform((env) =>
  env.TRAINING
    ? // Training plays its scenarios through the simulator, and its tickets alert nobody, whatever else is set.
      // Its own database and files too: never the real instances' PostgreSQL or shared files (issue 16).
      { ...env, SIMULATOR: true, SIMULATOR_ALERTS: false, DATABASE_URL: undefined, FILES_DIR: undefined, FILES_S3_BUCKET: undefined }
    : { ...env, SIMULATOR: env.SIMULATOR ?? env.NODE_ENV !== 'production' },
);

/** An address, a CIDR range, or a name proxy-addr knows (what Fastify's `trustProxy` accepts). */
function isTrustedProxyEntry(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [ip, bits, extra] = entry.split('/');
  const version = isIP(ip ?? '');
  if (!version || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

/** The parsed, typed configuration. */
export type Config = z.infer<typeof envSchema>;

/** Raised when the environment does not fit {@link envSchema}; the message names each variable. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Configuration is not valid; fix these variables (see .env.example):\n  ${problems.join('\n  ')}`);
    this.problems = problems;
    this.name = 'ConfigError';
  }
}

/** Parses an environment (by default the process's, with `.env` loaded) into a {@link Config}. */
export function loadConfig(env: Record<string, string | undefined> = readProcessEnv()): Config {
  const result = envSchema.safeParse(withoutEmpty(env));
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        // Secrets are never echoed: the message may end up in a terminal log or a CI transcript.
        const got = /SECRET|TOKEN|KEY|DATABASE_URL/.test(name) && env[name] ? '(hidden)' : JSON.stringify(env[name] ?? null);
        return `${name}: ${issue.message} (got ${got})`;
      }),
    );
  }
  return result.data;
}

/** Empty strings in `.env` files mean "not set", so that defaults apply. */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

function readProcessEnv(): Record<string, string | undefined> {
  const file = path.resolve('.env');
  if (existsSync(file)) process.loadEnvFile(file);
  return process.env;
}
