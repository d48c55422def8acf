/**
 * `npm run cli -- alerts ...`: where each agency's alerts go. In the database, not in the YAML in
 * git, because a webhook secret must never be committed.
 *
 *   alerts set --agency <id> [--telegram-chat <id|none>] [--line-group <id|none>]
 *              [--webhook-url <https url|none> [--webhook-secret <secret|->]] [--lang <staff language>]
 *   alerts list
 *   alerts groups            the LINE groups the bot has joined (their ids, for --line-group)
 */
import { randomBytes } from 'node:crypto';
import { TELEGRAM_CHAT } from '../config/env.ts';
import { readPassword } from '../staff/staff-cli.ts';
import { webhookUrlProblem } from '../delivery/webhook-sender.ts';
import type { Directory } from '../directory/directory.ts';
import type { AgencyAlertConfig, Store } from '../store/store.ts';
import type { StaffLanguages } from '../staff/staff-languages.ts';

/** A LINE group id: C and 32 hex digits. */
export const LINE_GROUP_ID = /^C[0-9a-f]{32}$/;

/** The shortest webhook secret accepted. */
export const MIN_SECRET_LENGTH = 16;

/** The options `alerts set` reads. */
export interface AlertsSetOptions {
  agency?: string;
  'telegram-chat'?: string;
  'line-group'?: string;
  'webhook-url'?: string;
  'webhook-secret'?: string;
  lang?: string;
}

const CLEAR = 'none';

/** Runs `alerts set`; returns the exit code. */
export async function alertsSetCommand(store: Store, directory: Directory, o: AlertsSetOptions, languages: StaffLanguages): Promise<number> {
  const fail = (message: string) => (console.error(message), 2);
  if (!o.agency || !directory.byId.has(o.agency)) return fail(`--agency must be an agency id from flows/agencies.yaml: ${[...directory.byId.keys()].join(', ')}`);
  const patch: Partial<Omit<AgencyAlertConfig, 'agency' | 'updatedAt'>> = {};
  const chat = o['telegram-chat'];
  if (chat !== undefined) {
    if (chat !== CLEAR && !TELEGRAM_CHAT.test(chat)) return fail('--telegram-chat must be a chat id such as --telegram-chat=-1001234567890 (add the bot to the group; see the README), or "none"');
    patch.telegramChat = chat === CLEAR ? null : chat;
  }
  const group = o['line-group'];
  if (group !== undefined) {
    if (group !== CLEAR && !LINE_GROUP_ID.test(group)) return fail('--line-group must be a LINE group id (C and 32 hex digits; see `npm run cli -- alerts groups`), or "none"');
    patch.lineGroup = group === CLEAR ? null : group;
  }
  let generated: string | undefined;
  const url = o['webhook-url'];
  if (url !== undefined) {
    if (url === CLEAR) Object.assign(patch, { webhookUrl: null, webhookSecret: null });
    else {
      const problem = webhookUrlProblem(url);
      if (problem) return fail(`--webhook-url ${problem}`);
      let secret = o['webhook-secret'];
      // "-" reads it from stdin, so that it stays out of shell history and process listings.
      if (secret === '-') secret = await readPassword();
      if (secret === undefined) secret = generated = randomBytes(32).toString('hex');
      if (secret.length < MIN_SECRET_LENGTH) return fail(`--webhook-secret must be at least ${MIN_SECRET_LENGTH} characters`);
      Object.assign(patch, { webhookUrl: url, webhookSecret: secret });
    }
  } else if (o['webhook-secret'] !== undefined) return fail('--webhook-secret goes with --webhook-url');
  if (o.lang !== undefined) {
    if (!languages.has(o.lang)) return fail(`--lang must be one of ${languages.codes.join(', ')} (locales/staff-languages.yaml)`);
    patch.lang = o.lang;
  }
  if (Object.keys(patch).length === 0) return fail('Nothing to set: give --telegram-chat, --line-group, --webhook-url or --lang.');
  await store.setAgencyAlerts(o.agency, patch);
  await store.transaction((tx) => tx.audit({ ticketRef: null, actor: 'cli', action: 'alerts.configured', detail: { agency: o.agency, fields: Object.keys(patch) } }));
  console.error(`Alerts of ${o.agency} updated.`);
  if (generated) {
    console.error('The webhook secret was generated. Give it to the receiving system now; it is not shown again:');
    console.log(generated);
  }
  return 0;
}

/** Runs `alerts list`: where each agency's alerts go (the secret itself is never printed). */
export async function alertsListCommand(store: Store): Promise<number> {
  const rows = await store.listAgencyAlerts();
  if (rows.length === 0) console.error('No agency has alerts yet. Set them with: npm run cli -- alerts set --agency <id> ...');
  for (const r of rows) {
    const parts = [
      r.telegramChat ? `telegram ${r.telegramChat}` : undefined,
      r.lineGroup ? `line ${r.lineGroup}` : undefined,
      r.webhookUrl ? `webhook ${new URL(r.webhookUrl).origin}/… (secret ${r.webhookSecret ? 'set' : 'MISSING'})` : undefined,
    ].filter(Boolean);
    console.log(`${r.agency}\t${parts.join(', ') || 'nothing'}\tlang ${r.lang}`);
  }
  return 0;
}

/** Runs `alerts groups`: the LINE groups the bot has joined, newest first. */
export async function alertsGroupsCommand(store: Store): Promise<number> {
  const groups = await store.listLineGroups();
  if (groups.length === 0) console.error('The bot has not joined any LINE group yet. Invite it to the group (LINE must allow group chats for the bot), then run this again.');
  for (const g of groups) console.log(`${g.groupId}\tjoined ${g.joinedAt}${g.leftAt ? `\tLEFT ${g.leftAt}` : ''}`);
  return 0;
}
