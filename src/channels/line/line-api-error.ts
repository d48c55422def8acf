/**
 * An answer of LINE's API that is not 2xx, as the sender reads it: the status, the headers
 * (Retry-After) and the body. The platform call worker's errors come back as {@link LineApiError};
 * the SDK's own clients (the rare calls) throw its `HTTPFetchError`, which has the same fields and
 * name. {@link isLineApiError} accepts both, so that the main thread never has to load the SDK to
 * tell a refused reply token from a network error.
 */

/** What a LINE HTTP error holds. */
export interface LineApiErrorFields {
  status: number;
  statusText: string;
  headers: Headers;
  body: string;
}

/** A LINE answer that is not 2xx (named as the SDK's, whose message it keeps too). */
export class LineApiError extends Error implements LineApiErrorFields {
  override name = 'HTTPFetchError';
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: string;

  constructor(message: string, fields: LineApiErrorFields) {
    super(message);
    this.status = fields.status;
    this.statusText = fields.statusText;
    this.headers = fields.headers;
    this.body = fields.body;
  }
}

/** True for a LINE HTTP error, the worker's or the SDK's `HTTPFetchError`. */
export function isLineApiError(err: unknown): err is Error & LineApiErrorFields {
  return err instanceof Error && err.name === 'HTTPFetchError' && typeof (err as { status?: unknown }).status === 'number';
}
