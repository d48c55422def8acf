/**
 * An exercise over HTTP: the trainer's form, a scenario that does not reach the trainee's desk, a
 * child who did not allow staff to write first but wrote to her case (so the trainee may answer
 * her, and the persona answers back from its script), the trainee's own list, and the exercise
 * kept on disk.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExerciseStore } from '../src/training/exercise-store.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, StaffClient } from './helpers/staff.ts';
import { waitFor } from './helpers/channel-app.ts';

let server: TestServer;
let trainer: StaffClient;
let trainee: StaffClient;
let traineeId: string;

beforeAll(async () => {
  server = await startServer({ TRAINING: 'on', TRAINING_REPLY_SECONDS: '0' });
  await addStaff(server, 'trainer', 'admin');
  traineeId = await addStaff(server, 'malee', 'supervisor', 'th-police-atp');
  trainer = new StaffClient(server.url);
  trainee = new StaffClient(server.url);
  await trainer.login('trainer');
  await trainee.login('malee');
});
afterAll(async () => server?.close());

describe('an exercise', () => {
  it('is started from the form; a case that does not reach the desk is listed as such', async () => {
    await trainer.get('/staff/training');
    const none = await trainer.post('/staff/training/exercises', { [`trainee.${traineeId}`]: 'on' });
    expect(none.status).toBe(400);
    expect(none.text).toContain('Pick at least one scenario from the list.');
    const res = await trainer.post('/staff/training/exercises', { 'scenario.en-child-karaoke-th': 'on', 'scenario.en-labour-domestic-th': 'on', [`trainee.${traineeId}`]: 'on' });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/staff\/training\/exercises\/EX-[0-9A-F]{8}\?started=1$/);
    const card = await trainer.get(res.location!);
    expect(card.text).toContain('The exercise was started: 1 report is in the queue.');
    expect(card.text).toMatch(/data-scenario="en-labour-domestic-th">.*not for this desk: the case does not reach Royal Thai Police anti-trafficking centre/s);
    // Trainees run no exercise and read no scorecard.
    expect((await trainee.get(res.location!)).status).toBe(403);
    expect((await trainee.post('/staff/training/exercises', { 'scenario.en-child-karaoke-th': 'on', [`trainee.${traineeId}`]: 'on' })).status).toBe(403);
  });

  it('lets the trainee answer the child who wrote first; the persona answers from its script', async () => {
    const [exercise] = server.services.training!.list();
    const ref = exercise!.runs.find((r) => r.scenario === 'en-child-karaoke-th')!.ref!;
    const mine = await trainee.get('/staff/training');
    expect(mine.text).toContain(ref);
    expect(mine.text).not.toContain('karaoke');
    const ticket = await trainee.get(`/staff/tickets/${ref}`);
    expect(ticket.text).toContain('please help me. the boss takes my phone at night');
    expect((await trainee.post(`/staff/tickets/${ref}/message`, { message: 'This is the hotline. Are you safe to write now?' })).status).toBe(303);
    await waitFor(async () => (await trainee.get(`/staff/tickets/${ref}`)).text.includes('I am 16. They said it was a job in a restaurant'), 10_000, 'the scripted reply');
    const rows = await server.services.training!.scorecard(exercise!);
    const row = rows.find((r) => r.scenario.id === 'en-child-karaoke-th')!;
    expect(row.score).toMatchObject({ firstAction: { mark: 'ok' }, consent: { mark: 'ok', breaches: [] }, victim: { mark: 'ok' }, evidence: { mark: 'na' }, outcome: { mark: 'pending' } });
    // Kept on disk: a restarted workspace reads the same exercise.
    const again = new ExerciseStore(path.join(server.dataDir, 'training'));
    expect(again.get(exercise!.id)?.runs.find((r) => r.ref === ref)?.repliesSent).toBe(1);
  });
});
