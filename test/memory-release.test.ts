/**
 * What a burst leaves in V8's heap is handed back once the server is quiet (src/ops/memory-release.ts,
 * decision 0029): never while it is busy, once per burst, and with V8's real collector it gives the
 * pages back although `node src/main.mjs` runs without `--expose-gc`.
 */
import { describe, expect, it } from 'vitest';
import { startMemoryRelease } from '../src/ops/memory-release.ts';

const MB = 1024 * 1024;

/** A release driven by hand: the test sets how busy the loop was and how big the heap is. */
function rig() {
  const state = { busy: 0, heap: 0, t: 0, collected: 0 };
  const release = startMemoryRelease({
    checkMs: 3_600_000,
    quietChecks: 2,
    minGapMs: 10_000,
    busy: () => state.busy,
    heapBytes: () => state.heap,
    now: () => state.t,
    collect: () => {
      state.collected++;
      state.heap = 30 * MB;
    },
  });
  const tick = (busy: number, heapMb: number) => {
    state.busy = busy;
    state.heap = heapMb * MB;
    state.t += 1000;
    return release.check();
  };
  return { state, release, tick };
}

describe('memory release after a burst', () => {
  // Each row: event-loop utilisation and committed heap (MB) per one-second check -> released at that check.
  const cases: { name: string; checks: [number, number][]; released: boolean[] }[] = [
    { name: 'start-up garbage, released at the second quiet second', checks: [[0.02, 60], [0.01, 60]], released: [false, true] },
    { name: 'never during a burst, however big the heap', checks: [[0.9, 200], [0.8, 200], [0.95, 220], [0.7, 220]], released: [false, false, false, false] },
    { name: 'once the burst is over', checks: [[0.9, 200], [0.03, 200], [0.03, 200], [0.03, 200]], released: [false, false, true, false] },
    { name: 'a busy second inside the window holds it back', checks: [[0.03, 200], [0.5, 200], [0.03, 200], [0.03, 200]], released: [false, false, false, true] },
    { name: 'a short task now and then does not hold it back for ever', checks: [[0.01, 200], [0.07, 200], [0.01, 200]], released: [false, false, true] },
    { name: 'nor while the last second was busy', checks: [[0, 200], [0.2, 200]], released: [false, false] },
    { name: 'a heap that did not grow is left alone', checks: [[0.01, 10], [0.01, 10], [0.01, 12]], released: [false, false, false] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { release, tick } = rig();
      try {
        expect(c.checks.map(([busy, heap]) => tick(busy, heap))).toEqual(c.released);
      } finally {
        release.stop();
      }
    });
  }

  it('waits for the heap to grow again before releasing again', () => {
    const { state, release, tick } = rig();
    try {
      tick(0, 200);
      expect(tick(0, 200)).toBe(true); // the heap is 30 MB after it
      state.t += 60_000;
      tick(0, 40);
      expect(tick(0, 40)).toBe(false); // quiet, long after, but grown by 10 MB only: not worth a pause
      expect(tick(0, 50)).toBe(true); // grown by 20 MB
    } finally {
      release.stop();
    }
  });

  it('releases at most once per least gap (here ten seconds)', () => {
    const { state, release, tick } = rig();
    try {
      tick(0, 200);
      expect(tick(0, 200)).toBe(true); // at 2 s
      tick(0.9, 200); // another burst at once
      tick(0, 200);
      expect(tick(0, 200)).toBe(false); // quiet again at 5 s: too soon
      while (state.t < 11_000) expect(tick(0, 200)).toBe(false);
      expect(tick(0, 200)).toBe(true); // at 12 s
      expect(state.collected).toBe(2);
    } finally {
      release.stop();
    }
  });

  it('waits for half a minute of quiet by default', () => {
    let collected = 0;
    const release = startMemoryRelease({ checkMs: 3_600_000, busy: () => 0, heapBytes: () => 200 * MB, collect: () => collected++ });
    try {
      const released = Array.from({ length: 31 }, () => release.check());
      expect(released.indexOf(true)).toBe(29);
      expect(collected).toBe(1);
    } finally {
      release.stop();
    }
  });

  it('gives the heap back with V8 own collector, without --expose-gc', () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    // A burst's leftovers: objects that lived long enough to be promoted, then dropped.
    let keep: unknown[] = [];
    for (let round = 0; round < 20; round++) keep.push(Array.from({ length: 20_000 }, (_, i) => ({ i, s: `x${i}-${round}` })));
    keep = [];
    const seen: { heapBeforeMb: number; heapAfterMb: number }[] = [];
    const release = startMemoryRelease({ checkMs: 3_600_000, quietChecks: 2, busy: () => 0, growthBytes: 0, onRelease: (r) => seen.push(r) });
    try {
      release.check();
      expect(release.check()).toBe(true);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.heapAfterMb).toBeLessThan(seen[0]!.heapBeforeMb);
      // No script sees a global gc afterwards.
      expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    } finally {
      release.stop();
    }
    expect(keep).toEqual([]);
  });
});
