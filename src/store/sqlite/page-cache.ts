/**
 * The page cache of every SQLite connection that stays open (the store's, the operations
 * figures', the checkpoint worker's): SQLite's own default of 2 MB (decision 0047).
 */
import type Database from 'better-sqlite3-multiple-ciphers';

/**
 * In KiB. better-sqlite3 builds SQLite with 16 MB (`SQLITE_DEFAULT_CACHE_SIZE=-16000`), and a
 * connection fills its cache as it reads and writes and keeps it for good: after 10,000 new users'
 * webhooks the store's held 17 MB of pages that nothing read again, and one metrics scrape of a
 * million tickets (a count by priority and status) fills the figures' connection's cache as well.
 * What the bot and the staff pages read again is a few hundred pages (the last pages of
 * time-ordered indexes, the sessions being answered, one page of a queue); a page not cached
 * comes from the system's file cache, decrypted again when the file is encrypted.
 */
const PAGE_CACHE_KIB = 2000;

/** Gives `db` the page cache of {@link PAGE_CACHE_KIB}. */
export function limitPageCache(db: Database.Database): void {
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
}
