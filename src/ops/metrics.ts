/**
 * The Prometheus metrics (prom-client), in a registry of their own per app.
 *
 * Counters of what happens (events accepted and handled, deliveries, HTTP requests) are kept in
 * memory and start at zero with the process, as Prometheus expects. What is *in* the database
 * (queue depth and age, tickets, escalations) is read at scrape time, so it is right after a
 * restart too. Labels are channels, queues, priorities, statuses and route patterns: never a user
 * id, a ticket reference or anything a person wrote.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OpsFigures } from './ops-db.ts';

/** What the metrics observe (wired in ops-plugin.ts), and the scrape. */
export interface Metrics {
  /** This app's metrics (without the process's). */
  registry: Registry;
  /** The Prometheus text of this app's metrics and the process's. */
  scrape(): Promise<string>;
  contentType: string;
  inboundAccepted: Counter<'channel'>;
  inboundHandled: Counter<'channel'>;
  inboundDropped: Counter<'channel'>;
  deliveries: Counter<'channel'>;
  deliveryRetries: Counter<'channel'>;
  deliveryFailures: Counter<'channel'>;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  figures: OpsFigures;
  /** Channels whose queues are always reported (0 when empty), so that a dashboard has a series to draw. */
  channels: { inbound: string[]; outbox: string[] };
  /** The clock for queue ages. */
  now: () => Date;
}

let processRegistry: Registry | undefined;

/**
 * Node's process metrics (memory, CPU, event-loop lag, GC), once per process: they describe the
 * process, not an app, and each collector starts observers that are never stopped.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Builds the registry with every Tangrod metric; the scrape adds Node's process metrics. */
export function createMetrics(opts: MetricsOptions): Metrics {
  const registry = new Registry();
  const counter = (name: string, help: string) => new Counter({ name, help, labelNames: ['channel'] as const, registers: [registry] });
  const { figures } = opts;

  new Gauge({
    name: 'tangrod_queue_depth',
    help: 'Items waiting: inbound platform events not handled yet, outbox messages not sent yet.',
    labelNames: ['queue', 'channel'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const channel of opts.channels.inbound) this.set({ queue: 'inbound', channel }, 0);
      for (const channel of opts.channels.outbox) this.set({ queue: 'outbox', channel }, 0);
      for (const q of figures.queues()) this.set({ queue: q.queue, channel: q.channel }, q.depth);
    },
  });
  new Gauge({
    name: 'tangrod_queue_oldest_age_seconds',
    help: 'Age of the oldest waiting item of a queue (0 when empty).',
    labelNames: ['queue', 'channel'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const now = opts.now().getTime();
      for (const channel of opts.channels.inbound) this.set({ queue: 'inbound', channel }, 0);
      for (const channel of opts.channels.outbox) this.set({ queue: 'outbox', channel }, 0);
      for (const q of figures.queues()) this.set({ queue: q.queue, channel: q.channel }, Math.max(0, (now - Date.parse(q.oldest)) / 1000));
    },
  });
  new Gauge({
    name: 'tangrod_tickets',
    help: 'Tickets by priority and status.',
    labelNames: ['priority', 'status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of figures.tickets()) this.set({ priority: t.priority, status: t.status }, t.count);
    },
  });
  new Counter({
    name: 'tangrod_escalations_total',
    help: 'Referrals nobody accepted in time: reminders to the agency (level "reminded") and escalations to supervisors and the fallback ("escalated"), and escalations that reached nobody because no destination is set ("escalated_nobody"), from the audit trail.',
    labelNames: ['level'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map(figures.escalations().map((e) => [e.action, e.count]));
      this.inc({ level: 'reminded' }, counts.get('referral.reminded') ?? 0);
      this.inc({ level: 'escalated' }, counts.get('referral.escalated') ?? 0);
      this.inc({ level: 'escalated_nobody' }, counts.get('referral.escalated_nobody') ?? 0);
    },
  });

  return {
    registry,
    scrape: () => Registry.merge([processMetrics(), registry]).metrics(),
    contentType: registry.contentType,
    inboundAccepted: counter('tangrod_inbound_events_accepted_total', 'Platform events stored by a webhook or a poll (before the platform is answered).'),
    inboundHandled: counter('tangrod_inbound_events_handled_total', 'Platform events the conversation handled.'),
    inboundDropped: counter('tangrod_inbound_events_dropped_total', 'Platform events given up after repeated failures (each leaves an inbound.dropped audit row).'),
    deliveries: counter('tangrod_deliveries_total', 'Outbox messages the platform (or webhook receiver) accepted.'),
    deliveryRetries: counter('tangrod_delivery_retries_total', 'Failed delivery attempts that will be retried.'),
    deliveryFailures: counter('tangrod_delivery_failures_total', 'Outbox messages given up (each leaves an outbox.failed audit row).'),
    httpDuration: new Histogram({
      name: 'tangrod_http_request_duration_seconds',
      help: 'HTTP request latency, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
