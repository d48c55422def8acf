/**
 * The metrics load after start-up (src/ops/deferred-metrics.ts), and what happened before they
 * did is still counted: the requests served in the first moments appear in the first scrape.
 */
import { describe, expect, it } from 'vitest';
import { DeferredMetrics } from '../src/ops/deferred-metrics.ts';
import type { Metrics } from '../src/ops/metrics.ts';
import { sample } from './helpers/metrics.ts';
import { startServer } from './helpers/server.ts';

describe('metrics loaded after start-up', () => {
  it('count the requests served before they were loaded', async () => {
    const s = await startServer();
    try {
      // At once after start, before the metrics load (a second after ready).
      for (let i = 0; i < 3; i++) expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      const text = await (await fetch(`${s.url}/metrics`)).text();
      expect(sample(text, 'tangrod_http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status_code: '200' })).toBe(3);
      // And after they are loaded, as before.
      await fetch(`${s.url}/healthz`);
      const again = await (await fetch(`${s.url}/metrics`)).text();
      expect(sample(again, 'tangrod_http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status_code: '200' })).toBe(4);
    } finally {
      await s.close();
    }
  });

  it('record in order, load once, and count directly once loaded', async () => {
    const seen: string[] = [];
    let loads = 0;
    const deferred = new DeferredMetrics(async () => {
      loads++;
      return { seen } as unknown as Metrics;
    });
    deferred.record(() => seen.push('a'));
    deferred.record(() => seen.push('b'));
    expect(seen).toEqual([]);
    await Promise.all([deferred.ready(), deferred.ready()]);
    expect(seen).toEqual(['a', 'b']);
    deferred.record(() => seen.push('c'));
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(loads).toBe(1);
  });
});
