/**
 * The training pages under /staff/training (training workspace only): a trainer (an administrator)
 * starts exercises and reads their scorecards, also as CSV; a trainee finds their own exercise
 * tickets. Everything goes through the training service; the tickets themselves are worked on the
 * ordinary ticket pages.
 */
import type { FastifyInstance } from 'fastify';
import { can } from '../access/access.ts';
import { RequestError } from '../core/errors.ts';
import type { TrainingService } from '../training/exercise-service.ts';
import { toCsv } from './csv.ts';
import { type Dashboard, formOf, requirePermission, sendPage, staffOf, viewOf } from './dashboard-context.ts';
import { SCORE_COLUMNS, scenarioTitle, scoreCells, scorecardView, trainerView, traineeView } from './views/training-view.ts';

/** Mounts the training pages over the workspace's training service. */
export function registerTrainingRoutes(app: FastifyInstance, d: Dashboard, training: TrainingService): void {
  const { tickets: ticketQueries } = d.services;
  const exerciseOr404 = (id: string) => {
    const exercise = training.get(id);
    if (!exercise) throw new RequestError(404, 'not_found', 'No such exercise.');
    return exercise;
  };

  app.get('/training', async (req, reply) => {
    const ctx = viewOf(d, req);
    const me = staffOf(req).user;
    if (can(me.role, 'manage_staff')) return sendPage(reply, trainerView(ctx, { scenarios: training.scenarios, trainees: await training.trainees(), exercises: training.list() }));
    const tickets = [];
    for (const { run } of training.runsOf(me.id)) {
      const ticket = run.ref ? await ticketQueries.get(run.ref) : undefined;
      if (ticket) tickets.push(ticket);
    }
    return sendPage(reply, traineeView(ctx, { tickets }));
  });

  app.post('/training/exercises', async (req, reply) => {
    requirePermission(req, 'manage_staff');
    const form = formOf(req);
    const picked = (prefix: string) => Object.keys(form).filter((k) => k.startsWith(prefix) && form[k] === 'on').map((k) => k.slice(prefix.length));
    try {
      const exercise = await training.start(staffOf(req).user, picked('scenario.'), picked('trainee.'));
      const played = exercise.runs.filter((r) => r.ref).length;
      return reply.redirect(`/staff/training/exercises/${exercise.id}?started=${played}`, 303);
    } catch (err) {
      if (!(err instanceof RequestError) || err.status !== 400) throw err;
      const ctx = viewOf(d, req);
      return sendPage(reply, trainerView(ctx, { scenarios: training.scenarios, trainees: await training.trainees(), exercises: training.list(), error: ctx.text.t(`error.${err.code}`) }), 400);
    }
  });

  app.get<{ Params: { id: string }; Querystring: { started?: string } }>('/training/exercises/:id', async (req, reply) => {
    requirePermission(req, 'manage_staff');
    const exercise = exerciseOr404(req.params.id);
    const started = Number(req.query.started);
    return sendPage(reply, scorecardView(viewOf(d, req), { exercise, rows: await training.scorecard(exercise), ...(Number.isInteger(started) && started >= 0 ? { started } : {}) }));
  });

  app.get<{ Params: { id: string } }>('/training/exercises/:id/scorecard.csv', async (req, reply) => {
    requirePermission(req, 'manage_staff');
    const exercise = exerciseOr404(req.params.id);
    const { text } = viewOf(d, req);
    const rows: unknown[][] = [['exercise', 'trainee', 'scenario', 'title', 'ticket', ...SCORE_COLUMNS.flatMap((c) => [c, `${c}_detail`]), 'ok', 'of']];
    for (const row of await training.scorecard(exercise)) {
      const head = [exercise.id, row.trainee?.name ?? row.run.trainee, row.scenario.id, scenarioTitle(text, row.scenario), row.ticket?.ref ?? ''];
      if (!row.score) {
        rows.push([...head, ...SCORE_COLUMNS.flatMap(() => ['na', '']), 0, 0]);
        continue;
      }
      const cells = scoreCells(text, row.score);
      rows.push([...head, ...SCORE_COLUMNS.flatMap((c) => [cells[c].mark, cells[c].detail]), row.score.score.ok, row.score.score.of]);
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="tangrod-scorecard-${exercise.id}.csv"`)
      // The byte-order mark makes spreadsheet programs read Thai and Khmer as UTF-8.
      .send(`\uFEFF${toCsv(rows)}`);
  });
}
