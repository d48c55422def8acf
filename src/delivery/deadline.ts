/**
 * Deadlines for platform calls. The LINE SDK takes no timeout and no AbortSignal (it calls fetch
 * without one, so undici's 300 s apply): without a deadline, one platform that accepts connections
 * and never answers holds the caller for five minutes.
 */

/** A platform call that took longer than its deadline. */
export class PlatformTimeoutError extends Error {
  readonly call: string;
  readonly ms: number;

  constructor(call: string, ms: number) {
    super(`${call}: no answer within ${ms} ms`);
    this.call = call;
    this.ms = ms;
    this.name = 'PlatformTimeoutError';
  }
}

/**
 * Resolves or rejects as `work` does, or rejects with a {@link PlatformTimeoutError} after `ms`.
 * `onTimeout` may release what the call holds (a download stream). The call itself cannot be
 * aborted through the SDK; its socket is left for undici to close.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, call: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new PlatformTimeoutError(call, ms));
    }, ms);
  });
  // A late rejection of the abandoned call must not surface as an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * The methods `keys` of an SDK client, each under a deadline of `ms` (a view over the client; the
 * client itself is unchanged).
 */
export function withDeadlines<T extends object, K extends keyof T>(client: T, keys: readonly K[], ms: number, prefix: string): Pick<T, K> {
  const view = {} as Pick<T, K>;
  for (const key of keys) {
    const method = client[key] as unknown as (...args: unknown[]) => Promise<unknown>;
    view[key] = ((...args: unknown[]) => withDeadline(method.apply(client, args), ms, `${prefix} ${String(key)}`)) as T[K];
  }
  return view;
}
