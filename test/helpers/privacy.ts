/**
 * Privacy test helpers (issue 14): a report whose answers and photo carry a marker string, and
 * the raw bytes of everything on disk (database, WAL, stored files) to look for it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pngBytes } from './channel-app.ts';
import { playScript, type ScriptAnswer } from './script.ts';
import type { TestServer } from './server.ts';
import { FISHING_BOAT } from './staff.ts';

/** Keys of the length `openssl rand -hex 32` gives. */
export const KEY_A = 'aaaaaaaa0123456789abcdef0123456789abcdef0123456789abcdef01234567';
export const KEY_B = 'bbbbbbbbfedcba9876543210fedcba9876543210fedcba9876543210fedcba98';

/** A fishing-boat report whose typed place is `marker`, and the ticket reference; a photo carrying `marker` follows it. */
export async function markedReport(server: TestServer, user: string, marker: string, first = 'hello'): Promise<string> {
  const answers: Record<string, ScriptAnswer> = { ...FISHING_BOAT, location: { text: `${marker} pier, Samut Sakhon` } };
  const { replies } = await playScript(server, user, first, answers);
  const ref = replies.find((r) => r.ticket)?.ticket?.ref;
  if (!ref) throw new Error(`no ticket for ${user}`);
  // After the screening a photo goes to the case as evidence.
  const sent = await server.sim({ user, image: { name: `${marker}.png`, mime: 'image/png', base64: pngBytes(marker).toString('base64') } });
  if (sent.status !== 200) throw new Error(`photo refused: ${JSON.stringify(sent.body)}`);
  return ref;
}

/** Every file under a folder, recursively. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The bytes of the database file, its WAL and every stored file: what a copied disk shows. */
export function diskBytes(dataDir: string): { database: Buffer; wal: Buffer; files: Buffer[] } {
  const read = (f: string) => (existsSync(f) ? readFileSync(f) : Buffer.alloc(0));
  return {
    database: read(path.join(dataDir, 'tangrod.db')),
    wal: read(path.join(dataDir, 'tangrod.db-wal')),
    files: filesUnder(path.join(dataDir, 'files')).map(read),
  };
}

/** Whether `text` appears anywhere on disk (UTF-8, as SQLite and JSON store it). */
export function onDisk(dataDir: string, text: string): string[] {
  const needle = Buffer.from(text, 'utf8');
  const d = diskBytes(dataDir);
  return [
    ...(d.database.includes(needle) ? ['database'] : []),
    ...(d.wal.includes(needle) ? ['wal'] : []),
    ...(d.files.some((b) => b.includes(needle)) ? ['files'] : []),
  ];
}
