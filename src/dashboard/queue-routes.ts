/** The queue page and its CSV export, both narrowed to the staff member's agency by the access service. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestError } from '../core/errors.ts';
import type { TicketFilter } from '../store/store.ts';
import { parseTicketCursor, ticketCursor } from '../tickets/ticket-queries.ts';
import { STATUSES } from '../tickets/ticket-actions.ts';
import { asSeenBy, can } from '../access/access.ts';
import { type Dashboard, sendPage, staffOf, viewOf } from './dashboard-context.ts';
import { toCsv } from './csv.ts';
import { timingOf } from '../tickets/targets.ts';
import { type QueueFilters, queueView } from './views/queue-view.ts';

/** The channels a ticket can come from. */
export const CHANNELS = ['sim', 'line', 'telegram'];
/** The most tickets an export holds. */
const QUEUE_LIMIT = 500;
/** Tickets on one queue page; the next page is read from where this one ended (keyset). */
export const QUEUE_PAGE = 100;

/** Mounts /staff (the queue) and /staff/export.csv. */
export function registerQueueRoutes(app: FastifyInstance, d: Dashboard): void {
  const { services, access } = d;
  const { tickets: ticketQueries, staff, audit, definitions, clock } = services;

  /** Reads the filters from the query; unknown values are ignored rather than refused (bookmarks age). */
  const filtersOf = (req: FastifyRequest): QueueFilters => {
    const q = req.query as Record<string, string | undefined>;
    const pick = (v: string | undefined, allowed: readonly string[]) => (v && allowed.includes(v) ? v : undefined);
    const status = pick(q.status, [...STATUSES, 'open', 'all']) as QueueFilters['status'] | undefined;
    return {
      status: status ?? 'open',
      priority: pick(q.priority, definitions.policy.priorities),
      caseType: pick(q.case_type, definitions.policy.caseTypes.map((c) => c.id)),
      agency: pick(q.agency, [...definitions.directory.byId.keys()]),
      language: pick(q.language, definitions.translations.languages),
      channel: pick(q.channel, CHANNELS),
      mine: q.mine === '1',
    };
  };

  /** The store filter for the staff member: their agency, whatever the query says, unless they see all. */
  const storeFilter = (req: FastifyRequest, f: QueueFilters): TicketFilter => {
    const { user } = staffOf(req);
    const wanted: TicketFilter = {
      ...(f.status !== 'all' ? { status: f.status } : {}),
      ...(f.priority ? { priority: f.priority } : {}),
      ...(f.caseType ? { caseType: f.caseType } : {}),
      ...(f.agency && can(user.role, 'all_agencies') ? { agency: f.agency } : {}),
      ...(f.language ? { language: f.language } : {}),
      ...(f.channel ? { channel: f.channel } : {}),
      ...(f.mine ? { assignee: user.id } : {}),
      limit: QUEUE_LIMIT,
    };
    const scoped = access.scope(user, wanted);
    if (!scoped) throw new RequestError(404, 'not_found', 'Not found.');
    return scoped;
  };

  const names = () => staff.names();

  app.get('/', async (req, reply) => {
    const filters = filtersOf(req);
    const after = (req.query as Record<string, string | undefined>).after;
    const cursor = after && parseTicketCursor(after) ? after : undefined;
    const filter = { ...storeFilter(req, filters), limit: QUEUE_PAGE, ...(cursor ? { after: cursor } : {}) };
    const [listed, counts] = await Promise.all([ticketQueries.list(filter), ticketQueries.countByStatus(filter)]);
    const careOverdue = await services.careOverdue.countsByTicket(listed.map((t) => t.ref), clock());
    const tickets = listed.map((t) => asSeenBy(staffOf(req).user, t));
    return sendPage(
      reply,
      queueView(viewOf(d, req), {
        tickets,
        filters,
        counts,
        options: {
          priorities: definitions.policy.priorities,
          caseTypes: definitions.policy.caseTypes.map((c) => c.id),
          agencies: [...definitions.directory.byId.keys()],
          languages: definitions.translations.languages,
          channels: CHANNELS,
        },
        targets: d.targets,
        now: clock(),
        names: await names(),
        refreshSeconds: services.config.QUEUE_REFRESH_SECONDS,
        paging: { ...(listed.length === QUEUE_PAGE ? { next: ticketCursor(listed.at(-1)!) } : {}), paged: cursor !== undefined, size: QUEUE_PAGE },
        careOverdue,
      }),
    );
  });

  app.get('/export.csv', async (req, reply) => {
    const filter = storeFilter(req, filtersOf(req));
    const tickets = await ticketQueries.list(filter);
    const who = await names();
    const now = clock();
    // Codes rather than free text: the export is for counting and follow-up, and leaves the
    // reporter's own words (places, names) in the dashboard.
    const rows: unknown[][] = [
      ['ref', 'priority', 'case_type', 'status', 'outcome', 'response', 'created_at', 'first_action_at', 'assignee', 'language', 'channel', 'current_country', 'nationality', 'indicators', 'agencies', 'duplicate_of'],
      ...tickets.map((t) => [
        t.ref,
        t.priority,
        t.caseType,
        t.status,
        t.outcome,
        timingOf(t, d.targets, now).state,
        t.createdAt,
        t.firstActionAt,
        t.assignee ? (who.get(t.assignee) ?? t.assignee) : '',
        t.language,
        t.channel,
        t.answers.current_country,
        t.answers.nationality,
        t.indicators.join(' '),
        t.referrals.map((r) => `${r.agency}:${r.status}`).join(' '),
        t.duplicateOf,
      ]),
    ];
    await audit.record({ ticketRef: null, actor: `staff:${staffOf(req).user.id}`, action: 'export.csv', detail: { count: tickets.length, agency: filter.agency ?? '*' } });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="tangrod-queue-${now.toISOString().slice(0, 10)}.csv"`)
      // The byte-order mark makes spreadsheet programs read Thai text as UTF-8.
      .send(`\uFEFF${toCsv(rows)}`);
  });
}
