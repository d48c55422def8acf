/**
 * A value made on first use: for a library that only rare calls need, so that a start does not
 * load it (an SDK's entry point can be hundreds of modules).
 */
import { createRequire } from 'node:module';

/** `make`'s result, made on the first call and shared by the later ones; a failed attempt is made again on the next call. */
export function lazily<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch((err: unknown) => {
      made = undefined;
      throw err;
    }));
}

const requireHere = createRequire(import.meta.url);

/**
 * A package's CommonJS entry (or a Node module's), required on the first call (synchronous, for code that cannot
 * wait): a start then neither loads nor evaluates it. Node resolves `specifier` from this folder,
 * which finds the project's own dependencies.
 */
export function requiredLazily<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(specifier) as T);
}
