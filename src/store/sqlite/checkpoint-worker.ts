/**
 * The WAL checkpoints of the database, in a thread of their own (see `checkpointer.ts`): a second
 * connection copies committed pages from the WAL into the database file and syncs it, while the
 * main connection goes on writing. Started by {@link Checkpointer}; never imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3-multiple-ciphers';
import { unlock } from './cipher.ts';
import type { CheckpointData } from './checkpointer.ts';
import { limitPageCache } from './page-cache.ts';

const { file, key } = workerData as CheckpointData;
const db = new Database(file);
unlock(db, file, key);
limitPageCache(db);
// NORMAL: the WAL is synced before its pages are copied, and the file after they are.
db.pragma('synchronous = NORMAL');
// Never wait for the writer: a checkpoint that finds it busy does what it can and comes back later.
db.pragma('busy_timeout = 0');

// 'checkpoint', or a number: a checkpoint someone waits for (Checkpointer.catchUp), sent back once done.
parentPort!.on('message', (msg: 'checkpoint' | 'close' | number) => {
  if (msg === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    // PASSIVE: copies what no reader still needs, without waiting for readers or the writer.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or a transient error: the next request tries again; the main connection's own
    // checkpoint (at a larger WAL) is the net if this thread can never do it.
  }
  if (typeof msg === 'number') parentPort!.postMessage(msg);
});
