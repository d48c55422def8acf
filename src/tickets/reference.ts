import { randomInt } from 'node:crypto';

/**
 * Letters and digits that cannot be confused when read aloud or copied by hand: no 0/O, 1/I/L, U/V,
 * 5/S or 2/Z pairs.
 */
export const REF_ALPHABET = '346789ABCDEFGHJKMNPQRTWXY';

/**
 * A new ticket reference such as `TR-7KXM-49QA`: eight characters from {@link REF_ALPHABET}
 * (about 37 bits, so not guessable), in two groups of four so that it reads aloud easily.
 */
export function newReference(): string {
  const pick = () => Array.from({ length: 4 }, () => REF_ALPHABET[randomInt(REF_ALPHABET.length)]).join('');
  return `TR-${pick()}-${pick()}`;
}

/** Whether a string has the shape of a reference (after trimming and upper-casing). */
export function looksLikeReference(text: string): boolean {
  return new RegExp(`^TR-[${REF_ALPHABET}]{4}-[${REF_ALPHABET}]{4}$`).test(text.trim().toUpperCase());
}
