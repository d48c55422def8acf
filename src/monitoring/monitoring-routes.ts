/**
 * /staff/monitoring (the page), /staff/monitoring.csv (the export: the figures, or with
 * `rows=intervals` every measured interval with its audit times) and /staff/monitoring/report (the
 * printable report, `lang=` any staff language: th, en, km). Supervisors and administrators; a staff member bound to one
 * agency sees that agency's figures only. Each export is written to the audit trail. The figures'
 * background catch-up (decision 0034) runs from the server's start to its close.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ALL_AGENCIES } from '../access/access.ts';
import { type Dashboard, requirePermission, sendPage, staffOf, viewOf } from '../dashboard/dashboard-context.ts';
import { toCsv } from '../dashboard/csv.ts';
import type { ReportFigures } from './figures.ts';
import { monitoringCatchUp } from './monitoring-catch-up.ts';
import { type Period, periodOf } from './monitoring-service.ts';
import { monitoringView, printableReport } from './monitoring-view.ts';

/** The log line when tickets are left out of the figures because their rows could not be read. */
const UNREADABLE = 'monitoring figures leave out tickets whose rows the database could not read';

const minutes = (ms: number | null) => (ms === null ? '' : Math.round((ms / 60_000) * 10) / 10);

/** The figures as rows: section, item, count, median and 90th percentile in minutes. */
export function figureRows(p: Period, f: ReportFigures): unknown[][] {
  const scope = [p.from, p.to, p.agency ?? '*'];
  const counts = (section: string, rows: [string, number][]) => rows.map(([k, n]) => [...scope, section, k, n, '', '']);
  return [
    ['from', 'to', 'agency', 'section', 'item', 'count', 'median_minutes', 'p90_minutes'],
    [...scope, 'tickets', 'all', f.tickets, '', ''],
    // Tickets changed but not counted again yet (decision 0034): the figures are not exact yet.
    ...(f.pending ? [[...scope, 'tickets', f.pendingMore ? 'not_yet_counted_more_than' : 'not_yet_counted', f.pending, '', '']] : []),
    ...counts('case_type', f.byCaseType),
    ...counts('priority', f.byPriority),
    ...counts('nationality', f.byNationality),
    ...counts('country', f.byCountry),
    ...f.times.map((t) => [...scope, 'time', t.measure, t.count, minutes(t.medianMs), minutes(t.p90Ms)]),
    ...f.overdue.flatMap((o) => [[...scope, 'overdue_referral', o.agency, o.referral, '', ''], [...scope, 'overdue_service', o.agency, o.service, '', ''], [...scope, 'overdue_return_step', o.agency, o.return_step, '', '']]),
    ...counts('outcome', f.outcomes),
  ];
}

/** Mounts the monitoring routes. */
export function registerMonitoringRoutes(app: FastifyInstance, d: Dashboard): void {
  const { definitions, clock, monitoring, audit: auditLog } = d.services;
  const agencyIds = [...definitions.directory.byId.keys()];
  // The figures kept up to date while the bot runs.
  const catchUp = monitoringCatchUp(d.services.store, {
    onCaughtUp: (spell) => app.log.info(spell, 'monitoring figures brought up to date'),
    onUnreadable: (tickets) => app.log.warn({ tickets }, UNREADABLE),
    onError: (err) => app.log.error({ err: { message: (err as Error).message } }, 'monitoring catch-up step failed'),
  });
  app.addHook('onReady', async () => catchUp.start());
  app.addHook('onClose', async () => catchUp.stop());

  /** The period asked for, narrowed to the staff member's agency unless they see all. */
  const periodFor = (req: FastifyRequest): Period => {
    requirePermission(req, 'monitoring');
    const q = req.query as Record<string, string | undefined>;
    const p = periodOf(q, clock());
    const mine = staffOf(req).user.agency;
    const agency = mine !== ALL_AGENCIES ? mine : q.agency && agencyIds.includes(q.agency) ? q.agency : undefined;
    return { ...p, ...(agency ? { agency } : {}) };
  };
  // A ticket the store could not read while this view counted it is left out from now on: told
  // in the log as the background catch-up tells it, since its mark is cleared.
  const figuresFor = async (req: FastifyRequest, p: Period) => {
    const f = await monitoring.figures(p);
    if (f.unreadable) req.log.warn({ tickets: f.unreadable }, UNREADABLE);
    return f;
  };
  const audit = (req: FastifyRequest, p: Period, kind: string) =>
    auditLog.record({ ticketRef: null, actor: `staff:${staffOf(req).user.id}`, action: 'export.monitoring', detail: { kind, from: p.from, to: p.to, agency: p.agency ?? '*' } });

  app.get('/monitoring', async (req, reply) => {
    const p = periodFor(req);
    const ctx = viewOf(d, req);
    return sendPage(reply, monitoringView(ctx, p, await figuresFor(req, p), staffOf(req).user.agency === ALL_AGENCIES ? agencyIds : undefined));
  });

  app.get('/monitoring.csv', async (req, reply) => {
    const p = periodFor(req);
    const intervals = (req.query as Record<string, string | undefined>).rows === 'intervals';
    const rows = intervals
      ? [['measure', 'ticket', 'agency', 'from', 'to', 'minutes'], ...(await monitoring.intervals(p)).map((i) => [i.measure, i.ref, i.agency ?? '', i.from, i.to, minutes(i.ms)])]
      : figureRows(p, await figuresFor(req, p));
    await audit(req, p, intervals ? 'csv_intervals' : 'csv');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="tangrod-monitoring${intervals ? '-intervals' : ''}-${p.from}-${p.to}${p.agency ? `-${p.agency}` : ''}.csv"`)
      .send(`\uFEFF${toCsv(rows)}`);
  });

  app.get('/monitoring/report', async (req, reply) => {
    const p = periodFor(req);
    const lang = d.language((req.query as Record<string, string | undefined>).lang ?? staffOf(req).user.lang);
    const f = await figuresFor(req, p);
    await audit(req, p, `report_${lang}`);
    return sendPage(reply, printableReport(d.text(lang), p, f, clock()));
  });
}
