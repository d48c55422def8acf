/**
 * Stored files (photos, documents), each under a fresh name so that erasing one chat's file never
 * touches another's, with its SHA-256 computed on the way in (over the original bytes: an evidence
 * package's hashes are those of what the person sent). The bytes live in a folder (`DATA_DIR/files`,
 * or FILES_DIR on a shared volume) or an S3-compatible bucket (src/store/files/); the hashing and
 * the encryption here are the same for both.
 *
 * With `DATABASE_KEY` set, each file is encrypted with AES-256-GCM under a key derived from it
 * (src/privacy/sealed.ts) before it is written anywhere: a copied disk or bucket shows no photo.
 * Files from before the key are read as they are until `npm run cli -- db encrypt` seals them.
 */
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { StoredFile } from '../conversation/reply.ts';
import { seal, unseal } from '../privacy/sealed.ts';
import { type FileBackend, FolderBackend } from './files/file-backend.ts';

/** Writes, reads and deletes attachment files. */
export class FileStore {
  private readonly backend: FileBackend;
  private readonly key: Buffer | undefined;

  /**
   * `place`: a folder (the attachment paths are relative to it) or a backend such as a bucket.
   * `key`: the files key derived from DATABASE_KEY (see src/privacy/keys.ts); none stores files as they are.
   */
  constructor(place: string | FileBackend, key?: Buffer) {
    this.backend = typeof place === 'string' ? new FolderBackend(place) : place;
    this.key = key;
  }

  /** Whether new files are encrypted. */
  get encrypted(): boolean {
    return this.key !== undefined;
  }

  /** Where the files are kept, for messages (a folder or `s3://bucket`). */
  get where(): string {
    return this.backend.where;
  }

  /** The same files opened with another key (or none), e.g. to re-seal them. */
  withKey(key: Buffer | undefined): FileStore {
    return new FileStore(this.backend, key);
  }

  /** Writes bytes and returns what the attachment row records; `path` is relative to the store. */
  async save(bytes: Uint8Array, mime: string, name: string | null): Promise<StoredFile> {
    const relative = path.posix.join('files', new Date().toISOString().slice(0, 7), randomUUID());
    await this.backend.put(relative, this.key ? seal(this.key, bytes) : bytes);
    return { path: relative, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, mime, name };
  }

  /** The original bytes of a stored file (decrypted when it was encrypted); throws when there is none. */
  async read(relative: string): Promise<Buffer> {
    const bytes = await this.stored(relative);
    if (!bytes) throw Object.assign(new Error(`No stored file at ${relative}`), { code: 'ENOENT' });
    return unseal(this.key, bytes);
  }

  /** The bytes as kept (sealed or not), or undefined when there is no such file. */
  stored(relative: string): Promise<Buffer | undefined> {
    return this.backend.get(keyOf(relative));
  }

  /** Keeps bytes exactly as given (already sealed or not) under a path: for moving files between stores. */
  async putStored(relative: string, bytes: Uint8Array): Promise<void> {
    await this.backend.put(keyOf(relative), bytes);
  }

  /**
   * Rewrites a stored file encrypted under `key` (or as plaintext without one), replacing it in one
   * step (a temporary file renamed over it, or one PUT), so that a crash leaves the old or the new.
   */
  async reseal(relative: string, key: Buffer | undefined): Promise<void> {
    const plain = await this.read(relative);
    await this.backend.put(keyOf(relative), key ? seal(key, plain) : plain);
  }

  /** Deletes files by their relative paths; a missing file is not an error. */
  async delete(paths: string[]): Promise<void> {
    await this.backend.remove(paths.map(keyOf));
  }

  /** The absolute path of a stored file in a folder store (a bucket has none). */
  resolve(relative: string): string {
    if (!(this.backend instanceof FolderBackend)) throw new Error(`Files are kept in ${this.backend.where}, not in a folder.`);
    return this.backend.resolve(relative);
  }
}

/** A stored path as a key: forward slashes, never above the store's root. */
function keyOf(relative: string): string {
  return path.posix.normalize(relative.replaceAll('\\', '/')).replace(/^(\.\.\/)+/, '').replace(/^\/+/, '');
}
