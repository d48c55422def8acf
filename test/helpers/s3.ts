/**
 * A local S3-compatible server (s3rver, from npm) on 127.0.0.1 with a temporary folder and one
 * bucket, and a look into the bucket as its operator would have it (issue 16).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** A running server, the environment that points Tangrod at it, and what its bucket holds. */
export interface LocalS3 {
  bucket: string;
  env: Record<string, string>;
  /** Every object in the bucket: key and bytes as kept. */
  objects(): Promise<Map<string, Buffer>>;
  close(): Promise<void>;
}

/** s3rver accepts these keys (and checks the signature made with them). */
const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Starts s3rver on a free port with a fresh bucket. */
export async function startS3(bucket = 'tangrod-files'): Promise<LocalS3> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tangrod-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: KEYS });
  return {
    bucket,
    env: {
      FILES_S3_BUCKET: bucket,
      FILES_S3_ENDPOINT: endpoint,
      FILES_S3_FORCE_PATH_STYLE: 'on',
      AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
    },
    async objects() {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      const out = new Map<string, Buffer>();
      for (const o of listed.Contents ?? []) {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
        out.set(o.Key!, Buffer.from(await got.Body!.transformToByteArray()));
      }
      return out;
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
