/** The statistics page, over the tickets the staff member may see. */
import type { FastifyInstance } from 'fastify';
import { ALL_AGENCIES } from '../access/access.ts';
import { type Dashboard, sendPage, viewOf } from './dashboard-context.ts';
import { statsFromData, statsSince } from './stats.ts';
import { statsView } from './views/stats-view.ts';

/** Mounts /staff/stats. */
export function registerStatsRoutes(app: FastifyInstance, d: Dashboard): void {
  const { tickets, definitions, clock } = d.services;
  app.get('/stats', async (req, reply) => {
    const ctx = viewOf(d, req);
    const agency = ctx.staff!.user.agency === ALL_AGENCIES ? undefined : ctx.staff!.user.agency;
    const now = clock();
    const stats = statsFromData(await tickets.stats(statsSince(now), agency), now, definitions.policy.priorities);
    return sendPage(reply, statsView(ctx, stats, agency ? ctx.text.agency(agency) : ctx.text.t('admin.all_agencies')));
  });
}
