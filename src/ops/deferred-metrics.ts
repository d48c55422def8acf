/**
 * The Prometheus metrics, loaded a moment after the server is up: prom-client and what it pulls in
 * are a sixth of start-up, and nothing a person is waiting for needs them (issue 12). What happens
 * before they are loaded is kept in order and counted when they are, so no event and no request
 * goes uncounted; a scrape before then waits for them.
 */
import type { Metrics } from './metrics.ts';

/** Metrics that may not be loaded yet. */
export class DeferredMetrics {
  private metrics: Metrics | undefined;
  private readonly pending: ((m: Metrics) => void)[] = [];
  private loading: Promise<Metrics> | undefined;
  private readonly load: () => Promise<Metrics>;

  /** `load` builds the metrics (importing prom-client); it runs once, on the first {@link ready}. */
  constructor(load: () => Promise<Metrics>) {
    this.load = load;
  }

  /** Counts or observes now when loaded, else as soon as the metrics are. */
  record(what: (m: Metrics) => void): void {
    if (this.metrics) what(this.metrics);
    else this.pending.push(what);
  }

  /** The metrics, loading them if nobody asked yet; what was recorded meanwhile is counted first. */
  ready(): Promise<Metrics> {
    this.loading ??= this.load().then((m) => {
      for (const what of this.pending.splice(0)) what(m);
      this.metrics = m;
      return m;
    });
    return this.loading;
  }
}
