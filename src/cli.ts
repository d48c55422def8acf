/**
 * `npm run cli -- <command>`: operations on the embedded database.
 *
 *   token create --agency <id|all> [--label <text>] [--days <n>]   prints a new API token (stored only as a hash)
 *   token list | token revoke <id>                     API tokens: label, scope, created, last used, expiry; revoke one
 *   staff create --name <n> --role <admin|supervisor|agent> [--agency <id>] [--lang th|en|km]
 *                                                      creates a dashboard account; the password is read from stdin
 *   telegram set-webhook                               points Telegram at PUBLIC_BASE_URL/webhooks/telegram, sets the command menu
 *   line webhook-url                                   prints the webhook URL to paste into the LINE console
 *   staff link-telegram --name <n> --telegram-user <id|none>
 *                                                      links an account to Telegram (alerts' claim button, escalations)
 *   alerts set --agency <id> [--telegram-chat <id>] [--line-group <id>] [--webhook-url <url> [--webhook-secret <s|->]] [--lang th|en|km]
 *   alerts list | alerts groups                        where alerts go; the LINE groups the bot joined
 *   evidence verify <zip>                              checks an evidence package's hashes ("ok", exit 0)
 *   backup <file>                                      an online copy of the database (docs/operations.md: restore)
 *   db migrate-to <postgres url> [--files-dir <dir> | --files-bucket <bucket>]   copies the SQLite database (and its files) into an empty PostgreSQL, verified
 *   retention run [--dry-run]                          purges what is past its retention period; prints counts by kind
 *   db encrypt | db rekey                              encrypts the database, files and secrets with DATABASE_KEY; moves them to NEW_DATABASE_KEY
 */
import { parseArgs } from 'node:util';
import { createServices, databasePath, workspaceDir } from './services.ts';
import { dbKeyCommand } from './privacy/db-key-cli.ts';
import { retentionRunCommand } from './privacy/retention-cli.ts';
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand } from './api/tokens-cli.ts';
import { loadConfig } from './config/env.ts';
import { alertsGroupsCommand, alertsListCommand, alertsSetCommand } from './alerts/alerts-cli.ts';
import { staffCreateCommand, staffLinkTelegramCommand } from './staff/staff-cli.ts';
import { staffLanguagesOf } from './staff/staff-languages.ts';
import { evidenceVerifyCommand } from './evidence/evidence-cli.ts';
import { loadDirectory } from './directory/directory.ts';
import { lineWebhookUrl } from './channels/line/line-admin.ts';
import { setTelegramWebhook } from './channels/telegram/telegram-admin.ts';
import { readLocales, Translations } from './i18n/locales.ts';
import { backupCommand } from './ops/backup-cli.ts';
import { withStore } from './store/open-store.ts';
import { isPostgresUrl } from './store/postgres-store.ts';
import { migrateToPostgres } from './ops/migrate-to.ts';
import { deriveKey } from './privacy/keys.ts';
import { FileStore } from './store/file-store.ts';
import { openFileStore } from './store/files/open-file-store.ts';

const USAGE = [
  'usage: npm run cli -- token create --agency <agency id|all> [--label <text>] [--days <n>]',
  '       npm run cli -- token list',
  '       npm run cli -- token revoke <id>',
  '       npm run cli -- staff create --name <name> --role <admin|supervisor|agent> [--agency <agency id>] [--lang th|en|km]',
  '       npm run cli -- telegram set-webhook',
  '       npm run cli -- line webhook-url',
  '       npm run cli -- staff link-telegram --name <name> --telegram-user <numeric id|none>',
  '       npm run cli -- alerts set --agency <agency id> [--telegram-chat <chat id|none>] [--line-group <group id|none>] [--webhook-url <https url|none> [--webhook-secret <secret|->]] [--lang th|en|km]',
  '       npm run cli -- alerts list',
  '       npm run cli -- alerts groups',
  '       npm run cli -- evidence verify <package.zip>',
  '       npm run cli -- backup <new file>',
  '       npm run cli -- db migrate-to <postgres://...> [--files-dir <shared folder> | --files-bucket <bucket>]',
  '       npm run cli -- retention run [--dry-run]',
  '       npm run cli -- db encrypt          (DATABASE_KEY set; server stopped)',
  '       npm run cli -- db rekey            (DATABASE_KEY and NEW_DATABASE_KEY set; server stopped)',
].join('\n');

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      agency: { type: 'string' },
      label: { type: 'string' },
      days: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      lang: { type: 'string' },
      'telegram-user': { type: 'string' },
      'telegram-chat': { type: 'string' },
      'line-group': { type: 'string' },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'files-dir': { type: 'string' },
      'files-bucket': { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
  });
  // Verifying a package needs no configuration or database: it may run on the receiving side.
  if (positionals[0] === 'evidence' && positionals[1] === 'verify') return evidenceVerifyCommand(positionals[2]);
  const config = loadConfig();
  if (positionals[0] === 'db' && positionals[1] === 'migrate-to') {
    if (!isPostgresUrl(positionals[2]))
      return (console.error('usage: npm run cli -- db migrate-to <postgres://user:password@host/db> [--files-dir <shared folder> | --files-bucket <bucket>]'), 2);
    // The files where this instance keeps them now, and where the instances will (a folder or a bucket reached with FILES_S3_*).
    const filesKey = config.DATABASE_KEY ? deriveKey(config.DATABASE_KEY, 'files') : undefined;
    const fromFiles = openFileStore(config, config.DATA_DIR, filesKey);
    const bucket = values['files-bucket'];
    const toFiles = bucket ? openFileStore({ ...config, FILES_S3_BUCKET: bucket }, config.DATA_DIR, filesKey) : values['files-dir'] ? new FileStore(values['files-dir'], filesKey) : undefined;
    const result = await migrateToPostgres({
      sqliteFile: databasePath(config),
      fromFiles,
      ...(toFiles ? { toFiles } : {}),
      postgresUrl: positionals[2],
      log: (line) => console.error(line),
      ...(config.DATABASE_KEY ? { key: config.DATABASE_KEY } : {}),
    });
    console.log(`ok: ${result.tables.reduce((n, t) => n + t.rows, 0)} rows in ${result.tables.length} tables and ${result.files} files moved and verified`);
    return 0;
  }
  if (positionals[0] === 'retention' && positionals[1] === 'run') {
    const services = createServices(config);
    try {
      return await retentionRunCommand(services.retention, values['dry-run'] === true);
    } finally {
      await services.store.close();
    }
  }
  if (positionals[0] === 'db' && ['encrypt', 'rekey'].includes(positionals[1] ?? '')) {
    // PostgreSQL's encryption at rest is the database server's (disk or TDE); files are sealed the same way.
    if (config.DATABASE_URL) return (console.error('DATABASE_URL is set: encrypt PostgreSQL at rest on its server (disk encryption); db encrypt is for the SQLite file.'), 2);
    return dbKeyCommand(config, databasePath(config), workspaceDir(config), positionals[1]);
  }
  if (positionals[0] === 'backup') {
    // PostgreSQL has its own tools for this, and they are what its operators already use.
    if (config.DATABASE_URL) return (console.error('DATABASE_URL is set: back up PostgreSQL with pg_dump (docs/multi-instance.md).'), 2);
    return backupCommand(databasePath(config), positionals[1], config.DATABASE_KEY);
  }
  if (positionals[0] === 'token' && ['create', 'list', 'revoke'].includes(positionals[1] ?? '')) {
    return withStore(config, databasePath(config), async (store) => {
      if (positionals[1] === 'create') return await tokenCreateCommand(store, loadDirectory(config.FLOWS_DIR), values, config.API_TOKEN_DAYS);
      if (positionals[1] === 'list') return await tokenListCommand(store);
      return await tokenRevokeCommand(store, positionals[2]);
    });
  }
  if (positionals[0] === 'staff' && positionals[1] === 'create') {
    return withStore(config, databasePath(config), async (store) => {
      return await staffCreateCommand(store, loadDirectory(config.FLOWS_DIR), values, staffLanguagesOf(config.LOCALES_DIR));
    });
  }
  if (positionals[0] === 'staff' && positionals[1] === 'link-telegram') {
    return withStore(config, databasePath(config), async (store) => {
      return await staffLinkTelegramCommand(store, values);
    });
  }
  if (positionals[0] === 'alerts' && ['set', 'list', 'groups'].includes(positionals[1] ?? '')) {
    return withStore(config, databasePath(config), async (store) => {
      if (positionals[1] === 'set') return await alertsSetCommand(store, loadDirectory(config.FLOWS_DIR), values, staffLanguagesOf(config.LOCALES_DIR));
      if (positionals[1] === 'list') return await alertsListCommand(store);
      return await alertsGroupsCommand(store);
    });
  }
  if (positionals[0] === 'telegram' && positionals[1] === 'set-webhook') {
    if (config.TELEGRAM_MODE !== 'webhook') console.error('Note: TELEGRAM_MODE is not "webhook"; set it, or the server will poll (and polling removes the webhook).');
    const url = await setTelegramWebhook(config, new Translations(readLocales(config.LOCALES_DIR)));
    console.error('Telegram will post updates to this URL, with the secret token; the command menu is set:');
    console.log(url);
    return 0;
  }
  if (positionals[0] === 'line' && positionals[1] === 'webhook-url') {
    const target = lineWebhookUrl(config);
    if ('problem' in target) {
      console.error(target.problem);
      return 2;
    }
    console.error('Paste this into LINE Developers console > your channel > Messaging API > Webhook URL, then turn on "Use webhook":');
    console.log(target.url);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

process.exitCode = await main(process.argv.slice(2)).catch((err: Error) => {
  console.error(err.message);
  return 1;
});
