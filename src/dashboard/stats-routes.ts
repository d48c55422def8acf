/** The statistics page, over the tickets the staff member may see. */
import type { FastifyInstance } from 'fastify';
import { ALL_AGENCIES } from '../access/access.ts';
import { type Dashboard, sendPage, viewOf } from './dashboard-context.ts';
import { computeStats, statsSince } from './stats.ts';
import { statsView } from './views/stats-view.ts';

/** Mounts /staff/stats. */
export function registerStatsRoutes(app: FastifyInstance, d: Dashboard): void {
  const { tickets, definitions, clock } = d.services;
  app.get('/stats', async (req, reply) => {
    const ctx = viewOf(d, req);
    const agency = ctx.staff!.user.agency === ALL_AGENCIES ? undefined : ctx.staff!.user.agency;
    const now = clock();
    // Weekly counts and response times over the recent weeks; open tickets whatever their age.
    const [recent, all] = await Promise.all([tickets.facts(statsSince(now), agency), tickets.facts('', agency)]);
    const stats = computeStats(recent, now, definitions.policy.priorities, agency);
    stats.openByAgency = computeStats(all, now, definitions.policy.priorities, agency).openByAgency;
    return sendPage(reply, statsView(ctx, stats, agency ? ctx.text.agency(agency) : ctx.text.t('admin.all_agencies')));
  });
}
