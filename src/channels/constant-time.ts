/** Comparing secrets without leaking, through timing, how much of a guess was right. */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when both strings are equal. Both are hashed first so that the comparison takes the same
 * time whatever their lengths (timingSafeEqual itself needs equal lengths).
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}
