/**
 * Stored files (photos, documents) under `DATA_DIR/files`, each under a fresh name so that erasing
 * one chat's file never touches another's, with its SHA-256 computed on the way in (over the
 * original bytes: an evidence package's hashes are those of what the person sent).
 *
 * With `DATABASE_KEY` set, each file is encrypted with AES-256-GCM under a key derived from it
 * (src/privacy/sealed.ts): a copied disk shows no photo. Files from before the key are read as
 * they are until `npm run cli -- db encrypt` seals them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StoredFile } from '../conversation/reply.ts';
import { seal, unseal } from '../privacy/sealed.ts';

/** Writes, reads and deletes attachment files. */
export class FileStore {
  private readonly dataDir: string;
  private readonly key: Buffer | undefined;

  /** `key`: the files key derived from DATABASE_KEY (see src/privacy/keys.ts); none stores files as they are. */
  constructor(dataDir: string, key?: Buffer) {
    this.dataDir = dataDir;
    this.key = key;
  }

  /** Whether new files are encrypted. */
  get encrypted(): boolean {
    return this.key !== undefined;
  }

  /** Writes bytes and returns what the attachment row records; `path` is relative to DATA_DIR. */
  async save(bytes: Uint8Array, mime: string, name: string | null): Promise<StoredFile> {
    const relative = path.join('files', new Date().toISOString().slice(0, 7), randomUUID());
    const full = path.join(this.dataDir, relative);
    // Owner-only, like the files themselves: photos can identify a person.
    await mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
    await writeFile(full, this.key ? seal(this.key, bytes) : bytes, { mode: 0o600 });
    return { path: relative, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, mime, name };
  }

  /** The original bytes of a stored file (decrypted when it was encrypted). */
  async read(relative: string): Promise<Buffer> {
    return unseal(this.key, await readFile(this.resolve(relative)));
  }

  /**
   * Rewrites a stored file encrypted under `key` (or as plaintext without one), through a
   * temporary file renamed over it, so that a crash leaves the old or the new, never half.
   */
  async reseal(relative: string, key: Buffer | undefined): Promise<void> {
    const full = this.resolve(relative);
    const plain = await this.read(relative);
    const temp = `${full}.${randomUUID()}.tmp`;
    await writeFile(temp, key ? seal(key, plain) : plain, { mode: 0o600 });
    await rename(temp, full);
  }

  /** Deletes files by their relative paths; a missing file is not an error. */
  async delete(paths: string[]): Promise<void> {
    await Promise.all(paths.map((p) => rm(this.resolve(p), { force: true })));
  }

  /** The absolute path of a stored file. */
  resolve(relative: string): string {
    return path.join(this.dataDir, path.normalize(relative).replace(/^(\.\.[/\\])+/, ''));
  }
}
