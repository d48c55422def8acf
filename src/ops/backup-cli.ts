/** The `backup` command of `npm run cli`. */
import { backupDatabase } from './backup.ts';

/** Writes the backup and prints what it holds; the exit code. */
export async function backupCommand(database: string, target: string | undefined, key?: string): Promise<number> {
  if (!target) {
    console.error('usage: npm run cli -- backup <new file>   (e.g. /var/backups/tangrod/tangrod-$(date +%F).db)');
    return 2;
  }
  try {
    const s = await backupDatabase(database, target, key);
    if (s.integrity !== 'ok') {
      console.error(`The copy at ${target} fails SQLite's integrity check (${s.integrity}); do not rely on it.`);
      return 1;
    }
    console.error(`Backup written: ${s.tickets} tickets, schema version ${s.schemaVersion}, integrity ok. It holds personal data: keep it as safe as the server${key ? ' (it is encrypted with DATABASE_KEY: keep the key apart from it)' : ''}.`);
    console.log(s.file);
    return 0;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    console.error(e.code === 'EEXIST' ? `${target} exists already; give a new file name (a backup never overwrites).` : `Backup failed: ${e.message}`);
    return 1;
  }
}
