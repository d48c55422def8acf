/**
 * Stored files (photos, documents) under `DATA_DIR/files`, each under a fresh name so that erasing
 * one chat's file never touches another's, with its SHA-256 computed on the way in.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StoredFile } from '../conversation/reply.ts';

/** Writes and deletes attachment files. */
export class FileStore {
  private readonly dataDir: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  /** Writes bytes and returns what the attachment row records; `path` is relative to DATA_DIR. */
  async save(bytes: Uint8Array, mime: string, name: string | null): Promise<StoredFile> {
    const relative = path.join('files', new Date().toISOString().slice(0, 7), randomUUID());
    const full = path.join(this.dataDir, relative);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, bytes, { mode: 0o600 });
    return { path: relative, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, mime, name };
  }

  /** Deletes files by their relative paths; a missing file is not an error. */
  async delete(paths: string[]): Promise<void> {
    await Promise.all(paths.map((p) => rm(path.join(this.dataDir, path.normalize(p).replace(/^(\.\.[/\\])+/, '')), { force: true })));
  }

  /** The absolute path of a stored file. */
  resolve(relative: string): string {
    return path.join(this.dataDir, path.normalize(relative).replace(/^(\.\.[/\\])+/, ''));
  }
}
