/**
 * ZIP files (the evidence package, the access-request export), with fflate loaded on the first
 * one: evaluating it took about 12 ms of every start, for files made a few times a day.
 */
import type * as Fflate from 'fflate';
import { requiredLazily } from './lazily.ts';

export type { Zippable } from 'fflate';

const fflate = requiredLazily<typeof Fflate>('fflate');
const encoder = new TextEncoder();

/** The archive of `files` (each entry's options as fflate takes them). */
export function zip(files: Fflate.Zippable): Uint8Array {
  return fflate().zipSync(files);
}

/** The entries of an archive; throws on one that is not a ZIP file. */
export function unzip(bytes: Uint8Array): Fflate.Unzipped {
  return fflate().unzipSync(bytes);
}

/** A text's UTF-8 bytes, as an entry's content. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
