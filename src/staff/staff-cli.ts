/**
 * `npm run cli -- staff create --name <n> --role <admin|supervisor|agent> [--agency <id>] [--lang <staff language>]`:
 * creates an account, the first admin in particular. The password is read from stdin, never from
 * an argument or the environment (both end up in shell history or process listings): typed twice
 * without echo at a terminal, or one line from a pipe.
 */
import type { Directory } from '../directory/directory.ts';
import type { Store } from '../store/store.ts';
import { MIN_PASSWORD_LENGTH } from './passwords.ts';
import { createStaffAccount, newStaffProblem, ROLES, TELEGRAM_USER_ID } from './staff-accounts.ts';
import type { StaffLanguages } from './staff-languages.ts';

const PROBLEMS: Record<string, string> = {
  invalid_name: '--name must be 2 to 60 letters, digits, dots, dashes or underscores',
  invalid_role: `--role must be one of ${ROLES.join(', ')}`,
  unknown_agency: '--agency must be an agency id from flows/agencies.yaml (supervisors and agents belong to one agency)',
  password_short: `the password needs at least ${MIN_PASSWORD_LENGTH} characters`,
  name_taken: 'that name is taken',
};

/** Reads one line from a pipe, or asks twice without echo at a terminal. */
export async function readPassword(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) return (await readLine(input)).replace(/\r?\n$/, '');
  const first = await askHidden(input, output, 'Password: ');
  const second = await askHidden(input, output, 'Password again: ');
  if (first !== second) throw new Error('The two passwords differ; nothing was created.');
  return first;
}

function readLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString();
      const nl = buffer.indexOf('\n');
      if (nl >= 0) finish(buffer.slice(0, nl));
    };
    const finish = (line: string) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', reject);
      input.pause();
      resolve(line);
    };
    const onEnd = () => finish(buffer);
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', reject);
    input.resume();
  });
}

function askHidden(input: NodeJS.ReadStream, output: NodeJS.WriteStream, prompt: string): Promise<string> {
  output.write(prompt);
  input.setRawMode(true);
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      input.setRawMode(false);
      input.off('data', onData);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chars: string) => {
      for (const c of chars) {
        if (c === '\r' || c === '\n') return done();
        if (c === '\u0003') return done(new Error('Cancelled; nothing was created.'));
        if (c === '\u007f' || c === '\b') value = value.slice(0, -1);
        else if (c >= ' ') value += c;
      }
    };
    input.on('data', onData);
    input.resume();
  });
}

/** Runs `staff create`; returns the exit code. */
export async function staffCreateCommand(store: Store, directory: Directory, opts: { name?: string; role?: string; agency?: string; lang?: string }, languages: StaffLanguages): Promise<number> {
  if (opts.lang !== undefined && !languages.has(opts.lang)) {
    console.error(`--lang must be one of ${languages.codes.join(', ')} (locales/staff-languages.yaml)`);
    return 2;
  }
  const account = { name: (opts.name ?? '').trim(), role: opts.role ?? '', agency: opts.agency, lang: languages.pick(opts.lang), password: '' };
  // Check everything but the password before asking for it.
  const early = await newStaffProblem(store, directory, { ...account, password: 'x'.repeat(MIN_PASSWORD_LENGTH) });
  if (early) {
    console.error(`${PROBLEMS[early]}.\nusage: npm run cli -- staff create --name <name> --role <${ROLES.join('|')}> [--agency <agency id>] [--lang ${languages.codes.join('|')}]`);
    return 2;
  }
  account.password = await readPassword();
  const problem = await newStaffProblem(store, directory, account);
  if (problem) {
    console.error(`${PROBLEMS[problem]}; nothing was created.`);
    return 2;
  }
  const id = await createStaffAccount(store, account);
  await store.transaction((tx) => tx.audit({ ticketRef: null, actor: 'cli', action: 'staff.created', detail: { id, role: account.role } }));
  console.error(`Created ${account.role} "${account.name}". Log in at /staff/login.`);
  return 0;
}

/**
 * Runs `staff link-telegram --name <n> --telegram-user <id|none>`: links an account to a Telegram
 * user, so that the "claim" button of alerts works for them and escalations reach them.
 */
export async function staffLinkTelegramCommand(store: Store, opts: { name?: string; 'telegram-user'?: string }): Promise<number> {
  const user = opts.name ? await store.findStaffByName(opts.name.trim()) : undefined;
  if (!user) {
    console.error('--name must be an existing login name.\nusage: npm run cli -- staff link-telegram --name <name> --telegram-user <numeric id|none>');
    return 2;
  }
  const value = opts['telegram-user'];
  if (value === undefined || (value !== 'none' && !TELEGRAM_USER_ID.test(value))) {
    console.error('--telegram-user must be the numeric Telegram user id (e.g. from @userinfobot), or "none" to unlink');
    return 2;
  }
  const id = value === 'none' ? null : value;
  const other = id ? await store.findStaffByTelegram(id) : undefined;
  if (other && other.id !== user.id) {
    console.error(`That Telegram user is linked to "${other.name}" already; unlink it there first.`);
    return 2;
  }
  await store.updateStaff(user.id, { telegramUserId: id });
  await store.transaction((tx) => tx.audit({ ticketRef: null, actor: 'cli', action: id ? 'staff.telegram_linked' : 'staff.telegram_unlinked', detail: { id: user.id } }));
  console.error(id ? `Linked "${user.name}" to Telegram user ${id}. They must start a chat with the bot once, so that it may write to them.` : `Unlinked "${user.name}" from Telegram.`);
  return 0;
}
