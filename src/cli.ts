/**
 * `npm run cli -- <command>`: operations on the embedded database.
 *
 *   token create --agency <id|all> [--label <text>]   prints a new API token (stored only as a hash)
 */
import { parseArgs } from 'node:util';
import { databasePath } from './app.ts';
import { ALL_AGENCIES, createApiToken } from './api/tokens.ts';
import { loadConfig } from './config/env.ts';
import { loadDirectory } from './directory/directory.ts';
import { openSqliteStore } from './store/sqlite-store.ts';

const USAGE = 'usage: npm run cli -- token create --agency <agency id|all> [--label <text>]';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { agency: { type: 'string' }, label: { type: 'string' } },
  });
  const config = loadConfig();
  if (positionals[0] === 'token' && positionals[1] === 'create') {
    const agency = values.agency;
    const directory = loadDirectory(config.FLOWS_DIR);
    if (!agency || (agency !== 'all' && !directory.byId.has(agency))) {
      console.error(`--agency must be "all" or an agency id from flows/agencies.yaml: ${[...directory.byId.keys()].join(', ')}`);
      return 2;
    }
    const store = openSqliteStore(databasePath(config));
    const { id, token } = await createApiToken(store, agency === 'all' ? ALL_AGENCIES : agency, values.label ?? null);
    await store.close();
    console.error(`Created token ${id} for ${agency === 'all' ? 'all agencies' : agency}. It is shown only this once:`);
    console.log(token);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

process.exitCode = await main(process.argv.slice(2)).catch((err: Error) => {
  console.error(err.message);
  return 1;
});
