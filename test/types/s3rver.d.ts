/** The part of s3rver (a local S3-compatible server, a dev dependency) the tests use; it ships no types. */
declare module 's3rver' {
  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    /** Where the buckets' objects are kept. */
    directory: string;
    configureBuckets?: { name: string }[];
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    /** Starts listening; the address and port it got. */
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}
