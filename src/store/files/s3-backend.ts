/**
 * Stored files in an S3-compatible bucket (MinIO, Ceph, a cloud bucket) through the AWS SDK, so that
 * every instance sees the same files without a shared volume (issue 16). The bytes arrive already
 * encrypted when DATABASE_KEY is set: the bucket's operator sees no photo either.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { FileBackend } from './file-backend.ts';

/** The AWS SDK module, loaded on the first file operation: a server without a bucket never loads it (start-up, issue 12). */
type S3Sdk = typeof import('@aws-sdk/client-s3');

/** The bucket and how to reach it (FILES_S3_* in the environment). */
export interface S3Options {
  bucket: string;
  /** http(s) origin of a non-AWS server (MinIO, Ceph); unset: AWS itself. */
  endpoint?: string | undefined;
  region: string;
  /** `host/bucket/key` addressing, which MinIO and most self-hosted servers need. */
  forcePathStyle: boolean;
  /** Explicit keys; unset: the SDK's usual chain (AWS_* variables, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** S3 deletes at most this many keys a request. */
const DELETE_BATCH = 1000;

/** Files as objects in one bucket, under the same keys a folder would use. */
export class S3Backend implements FileBackend {
  private readonly config: S3ClientConfig;
  private connected: Promise<{ sdk: S3Sdk; client: S3Client }> | undefined;
  private readonly bucket: string;

  constructor(opts: S3Options) {
    const config: S3ClientConfig = {
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      // The SDK waits forever by default: a stalled store must not hold a chat's messages for good
      // (a failed save is retried by the inbound queue, then the person is told).
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    };
    if (opts.endpoint) config.endpoint = opts.endpoint;
    if (opts.credentials) config.credentials = opts.credentials;
    this.config = config;
    this.bucket = opts.bucket;
  }

  /** The SDK and the client, made once on first use. */
  private connect(): Promise<{ sdk: S3Sdk; client: S3Client }> {
    this.connected ??= import('@aws-sdk/client-s3').then((sdk) => ({ sdk, client: new sdk.S3Client(this.config) }));
    return this.connected;
  }

  get where(): string {
    return `s3://${this.bucket}`;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    // A PUT replaces an object whole: a reader sees the old bytes or the new, never half.
    const { sdk, client } = await this.connect();
    await client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: 'application/octet-stream' }));
  }

  async get(key: string): Promise<Buffer | undefined> {
    const { sdk, client } = await this.connect();
    try {
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return res.Body ? Buffer.from(await res.Body.transformToByteArray()) : Buffer.alloc(0);
    } catch (err) {
      if (err instanceof sdk.NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async remove(keys: string[]): Promise<void> {
    const { sdk, client } = await this.connect();
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const res = await client.send(new sdk.DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      // An erasure that did not happen must not look as if it did.
      if (res.Errors?.length) throw new Error(`The bucket kept ${res.Errors.length} of ${batch.length} files it was asked to delete (${res.Errors[0]?.Code ?? 'error'}).`);
    }
  }
}
