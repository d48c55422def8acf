/**
 * What the scale seeds of SQLite (bench/scale.ts) and PostgreSQL (bench/scale-postgres.ts) share:
 * the fields' values and a ticket reference made in SQL from the ticket's number.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { REF_ALPHABET } from '../src/tickets/reference.ts';

export const LANGS = ['th', 'en', 'km', 'my', 'lo', 'vi', 'zh'];
export const CHANNELS = ['line', 'telegram', 'sim'];
export const STATUSES = ['new', 'triaged', 'in_progress', 'referred', 'closed'];
export const DAY_MS = 86_400_000;

/**
 * A ticket reference as the app makes them (`TR-XXXX-XXXX` from REF_ALPHABET), from the ticket's
 * number in SQL: its digits in base 25 after a bijective scramble (6364136223 is prime to 25^8), so
 * that references come in no order, as random ones do. `cast` for PostgreSQL, whose `substr` wants
 * an integer position.
 */
export function refSql(i: string, cast = ''): string {
  const x = `((${i} * 6364136223) % 152587890625)`;
  const digit = (k: number) => `substr('${REF_ALPHABET}', ((${x} / ${25 ** k}) % 25 + 1)${cast}, 1)`;
  return `'TR-' || ${[7, 6, 5, 4].map(digit).join(' || ')} || '-' || ${[3, 2, 1, 0].map(digit).join(' || ')}`;
}

/**
 * Puts a seeded SQLite file's pages on disk. The seeds write with `synchronous=OFF`, so the first
 * sync after them (the retention purge's scrub, timed as a stall of the bot) paid for the whole seed.
 */
export function syncToDisk(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
