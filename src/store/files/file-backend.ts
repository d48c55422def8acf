/**
 * Where the stored files' bytes live (issue 16): a folder (DATA_DIR, or FILES_DIR on a volume every
 * instance mounts) or an S3-compatible bucket. A backend moves bytes as they are given: hashing and
 * encryption stay in `FileStore`, so a bucket only ever holds what a local folder would.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Keeps bytes under keys such as `files/2026-12/<uuid>`. */
export interface FileBackend {
  /** Writes the whole of `bytes` under `key`, replacing what was there in one step (never half a file). */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes under `key`, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  /** Deletes keys; a missing one is not an error. */
  remove(keys: string[]): Promise<void>;
  /** Where it keeps files, for messages: a folder or `s3://bucket`. */
  readonly where: string;
}

/** Files in a folder: owner-only, each written through a temporary file renamed over it. */
export class FolderBackend implements FileBackend {
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  get where(): string {
    return this.root;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const full = this.resolve(key);
    // Owner-only, like the files themselves: photos can identify a person.
    await mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
    const temp = `${full}.${randomUUID()}.tmp`;
    await writeFile(temp, bytes, { mode: 0o600 });
    await rename(temp, full);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.resolve(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async remove(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => rm(this.resolve(k), { force: true })));
  }

  /** The absolute path of a key, never outside the folder. */
  resolve(key: string): string {
    return path.join(this.root, path.normalize(key).replace(/^(\.\.[/\\])+/, ''));
  }
}
