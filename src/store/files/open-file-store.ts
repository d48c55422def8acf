/**
 * The file store the configuration asks for (issue 16): an S3-compatible bucket when
 * FILES_S3_BUCKET is set, otherwise a folder (FILES_DIR, shared by the instances, or the given one).
 */
import type { Config } from '../../config/env.ts';
import { FileStore } from '../file-store.ts';
import { S3Backend } from './s3-backend.ts';

/** The variables that choose and reach the store. */
export type FilesConfig = Pick<
  Config,
  'FILES_DIR' | 'FILES_S3_BUCKET' | 'FILES_S3_ENDPOINT' | 'FILES_S3_REGION' | 'FILES_S3_FORCE_PATH_STYLE' | 'AWS_ACCESS_KEY_ID' | 'AWS_SECRET_ACCESS_KEY'
>;

/** A bucket, FILES_DIR, or `folder` (one instance's own), in that order; `key` encrypts the files. */
export function openFileStore(config: FilesConfig, folder: string, key?: Buffer): FileStore {
  if (!config.FILES_S3_BUCKET) return new FileStore(config.FILES_DIR ?? folder, key);
  const backend = new S3Backend({
    bucket: config.FILES_S3_BUCKET,
    endpoint: config.FILES_S3_ENDPOINT,
    region: config.FILES_S3_REGION,
    forcePathStyle: config.FILES_S3_FORCE_PATH_STYLE,
    credentials: config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY ? { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY } : undefined,
  });
  return new FileStore(backend, key);
}
