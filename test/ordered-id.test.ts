/**
 * Conversation ids (src/core/ordered-id.ts): UUID version 7 of RFC 9562, whose first 48 bits are
 * the time in milliseconds. Fixed vectors for the time part (RFC 9562 appendix A.6 uses
 * 2022-02-22 19:22:22 UTC, 0x017F22E279B0), the version and variant bits, and the order.
 */
import { describe, expect, it } from 'vitest';
import { orderedId } from '../src/core/ordered-id.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const cases: { name: string; ms: number; prefix: string }[] = [
  { name: "RFC 9562's example moment", ms: Date.UTC(2022, 1, 22, 19, 22, 22), prefix: '017f22e2-79b0-7' },
  { name: 'the Unix epoch', ms: 0, prefix: '00000000-0000-7' },
  { name: 'one millisecond later', ms: 1, prefix: '00000000-0001-7' },
  { name: 'a date of this project', ms: Date.UTC(2026, 11, 2), prefix: '01a2340d-0c00-7' },
  { name: 'the last millisecond 48 bits hold', ms: 2 ** 48 - 1, prefix: 'ffffffff-ffff-7' },
  { name: 'a fraction of a millisecond is dropped', ms: 1.9, prefix: '00000000-0001-7' },
];

describe('ordered ids', () => {
  it.each(cases)('$name', ({ ms, prefix }) => {
    const id = orderedId(ms);
    expect(id).toMatch(V7);
    expect(id.slice(0, 15)).toBe(prefix);
  });

  it('are unique within one millisecond, and later ones sort after earlier ones', () => {
    const same = new Set(Array.from({ length: 1000 }, () => orderedId(1_700_000_000_000)));
    expect(same.size).toBe(1000);
    const ids = Array.from({ length: 200 }, (_, i) => orderedId(1_700_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
  });

  it('without a time, take the wall clock', () => {
    const before = Date.now();
    const id = orderedId();
    const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });
});
