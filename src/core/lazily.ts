/**
 * A value made on first use: for a library that only rare calls need, so that a start does not
 * load it (an SDK's entry point can be hundreds of modules).
 */

/** `make`'s result, made on the first call and shared by the later ones; a failed attempt is made again on the next call. */
export function lazily<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch((err: unknown) => {
      made = undefined;
      throw err;
    }));
}
