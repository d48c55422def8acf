/**
 * The training workspace (issue 17) beside the real one, on the same data folder: a training ticket
 * is invisible to real staff and to the real API, and no alert or reporter message leaves for it
 * (LINE, Telegram and an agency webhook all configured, and all silent); a real ticket is invisible
 * in training. Every training page says it is training.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/api/tokens.ts';
import { loadConfig } from '../src/config/env.ts';
import { databasePath } from '../src/services.ts';
import { type FakeLine, startFakeLine } from './fakes/fake-line.ts';
import { type FakeTelegram, startFakeTelegram } from './fakes/fake-telegram.ts';
import { type FakeWebhook, startFakeWebhook } from './fakes/fake-webhook.ts';
import { type ChannelApp, lineEnv, startChannelApp, TELEGRAM_TOKEN, tempDataDir } from './helpers/channel-app.ts';
import type { TestServer } from './helpers/server.ts';
import { addStaff, FISHING_BOAT, StaffClient, ticketFrom } from './helpers/staff.ts';

const DAY = 24 * 60 * 60 * 1000;
let dataDir: string;
let real: ChannelApp;
let training: ChannelApp;
let tg: FakeTelegram;
let line: FakeLine;
let hook: FakeWebhook;
let trainingRef: string;
let realRef: string;

/** The few helpers of TestServer the staff helpers need, over a ChannelApp. */
const asServer = (c: ChannelApp) =>
  ({
    url: c.url,
    services: c.services,
    async sim(body: unknown) {
      const res = await fetch(`${c.url}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
  }) as unknown as TestServer;

const api = async (c: ChannelApp, p: string, token: string) => {
  const res = await fetch(`${c.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
};

beforeAll(async () => {
  tg = await startFakeTelegram(TELEGRAM_TOKEN);
  line = await startFakeLine();
  hook = await startFakeWebhook();
  dataDir = tempDataDir();
  // Every way out is configured in the training instance: the platforms, an escalation webhook.
  const outward = { ...lineEnv(line.origin), TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_MODE: 'polling', ESCALATION_WEBHOOK_URL: hook.url, ESCALATION_WEBHOOK_SECRET: 'escalation-secret-0123456789', ESCALATION_TELEGRAM_CHAT: '-1009876543210', SIMULATOR_ALERTS: 'on' };
  real = await startChannelApp({}, dataDir);
  training = await startChannelApp({ ...outward, TRAINING: 'on' }, dataDir);
  // The police's alerts go to a Telegram group, a LINE group and their case system, in training too.
  await training.services.store.setAgencyAlerts('th-police-atp', { telegramChat: '-1001234567890', lineGroup: `C${'a1'.repeat(16)}`, webhookUrl: hook.url, webhookSecret: 'police-cms-secret-0123456789', lang: 'th' });
  trainingRef = await ticketFrom(asServer(training), 'trainee-reporter', FISHING_BOAT);
  realRef = await ticketFrom(asServer(real), 'real-reporter', FISHING_BOAT);
}, 60_000);

afterAll(async () => {
  await training?.close({ keepData: true });
  await real?.close();
  await Promise.all([tg?.close(), line?.close(), hook?.close()]);
});

describe('the training workspace', () => {
  it('keeps its own database and files under DATA_DIR/training', () => {
    expect(existsSync(path.join(dataDir, 'training', 'tangrod.db'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'tangrod.db'))).toBe(true);
    // Never the real instances' PostgreSQL or shared files, whatever the environment says.
    const config = loadConfig({ TRAINING: 'on', DATA_DIR: '/srv/tangrod', DATABASE_URL: 'postgres://tangrod@db/tangrod', FILES_DIR: '/srv/shared-files', FILES_S3_BUCKET: 'tangrod-files', SIMULATOR: 'off', SIMULATOR_ALERTS: 'on' });
    expect(config).toMatchObject({ DATABASE_URL: undefined, FILES_DIR: undefined, FILES_S3_BUCKET: undefined, SIMULATOR: true, SIMULATOR_ALERTS: false });
    expect(databasePath(config)).toBe('/srv/tangrod/training/tangrod.db');
  });

  it('hides a training ticket from real staff and the real API, and a real ticket from training', async () => {
    const realToken = (await createApiToken(real.services.store, '*', 'test')).token;
    const trainingToken = (await createApiToken(training.services.store, '*', 'test')).token;
    const refsOf = async (c: ChannelApp, token: string) => ((await api(c, '/api/tickets?limit=100', token)).body.tickets as { ref: string }[]).map((t) => t.ref);

    expect(await refsOf(real, realToken)).toEqual([realRef]);
    expect((await api(real, `/api/tickets/${trainingRef}`, realToken)).status).toBe(404);
    expect(await refsOf(training, trainingToken)).toEqual([trainingRef]);
    expect((await api(training, `/api/tickets/${realRef}`, trainingToken)).status).toBe(404);
    // A token of one workspace opens nothing in the other.
    expect((await api(real, '/api/tickets', trainingToken)).status).toBe(401);
    expect((await api(training, '/api/tickets', realToken)).status).toBe(401);

    await addStaff(asServer(real), 'admin-real', 'admin');
    await addStaff(asServer(training), 'admin-training', 'admin');
    const realAdmin = new StaffClient(real.url);
    await realAdmin.login('admin-real');
    const trainer = new StaffClient(training.url);
    await trainer.login('admin-training');
    const realQueue = await realAdmin.get('/staff?status=all');
    expect(realQueue.text).toContain(realRef);
    expect(realQueue.text).not.toContain(trainingRef);
    expect(realQueue.text).not.toContain('training-banner');
    expect(realQueue.text).toContain('badge sim-ticket');
    expect((await realAdmin.get(`/staff/tickets/${trainingRef}`)).status).toBe(404);
    expect((await realAdmin.get('/staff/export.csv?status=all')).text).not.toContain(trainingRef);
    const trainingQueue = await trainer.get('/staff?status=all');
    expect(trainingQueue.text).toContain(trainingRef);
    expect(trainingQueue.text).not.toContain(realRef);
    expect((await trainer.get(`/staff/tickets/${realRef}`)).status).toBe(404);
    // The same account name is another account in each workspace.
    expect((await new StaffClient(real.url).login('admin-training')).status).toBe(401);
  });

  it('says it is training on every page, the login and the simulator included', async () => {
    const login = await (await fetch(`${training.url}/staff/login`)).text();
    expect(login).toContain('class="training-banner"');
    expect(login).toContain('โหมดฝึกอบรม');
    const trainer = new StaffClient(training.url);
    await trainer.login('admin-training');
    for (const p of ['/staff', `/staff/tickets/${trainingRef}`, '/staff/stats', '/staff/admin', '/staff/tickets/TR-NONE-0000']) {
      expect((await trainer.get(p)).text, p).toContain('Training workspace: every case here is an exercise');
    }
    // The simulator's "Test" marks would be on every training ticket: the banner says it once.
    expect((await trainer.get('/staff?status=all')).text).not.toContain('badge sim-ticket');
    expect((await trainer.get(`/staff/tickets/${trainingRef}`)).text).not.toContain('notice sim-ticket');
    expect(await (await fetch(`${training.url}/sim`)).text()).toContain('TRAINING: this chat plays an exercise');
    expect(await (await fetch(`${real.url}/sim`)).text()).not.toContain('training-banner');
  });

  it('sends no alert and no reporter message out of training, whatever staff do', async () => {
    await addStaff(asServer(training), 'sup-training', 'supervisor', 'th-police-atp');
    const sup = new StaffClient(training.url);
    await sup.login('sup-training');
    await sup.get(`/staff/tickets/${trainingRef}`);
    expect((await sup.post(`/staff/tickets/${trainingRef}/referral`, { decision: 'accepted' })).status).toBe(303);
    expect((await sup.post(`/staff/tickets/${trainingRef}/message`, { message: 'This is the hotline.' })).status).toBe(303);
    expect((await sup.post(`/staff/tickets/${trainingRef}/refer`, { agency: 'th-doe-1694', mode: 'refer' })).status).toBe(303);
    // Days later, nobody accepted the other referrals: reminders and escalations are due.
    await training.services.escalation.tick(new Date(Date.now() + 3 * DAY));
    // LINE and Telegram messages could only come in by webhook: in training there is none.
    expect((await fetch(`${training.url}/webhooks/line`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"events":[]}' })).status).toBe(404);
    expect((await fetch(`${training.url}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
    await new Promise((r) => setTimeout(r, 1500));

    expect(tg.calls).toEqual([]);
    expect(line.received).toEqual({});
    expect(hook.hits).toEqual([]);
    const held = (await training.services.store.auditOf(trainingRef)).filter((a) => a.action === 'alert.not_sent');
    expect(new Set(held.map((a) => a.detail?.reason))).toEqual(new Set(['training']));
    expect(held.map((a) => a.detail?.agency)).toEqual(expect.arrayContaining(['th-police-atp', 'th-doe-1694']));
    // What the reporter is sent stays in the simulator's own outbox, for the scripted reporter to read.
    const pending = (await (await fetch(`${training.url}/api/sim/messages?user=trainee-reporter`)).json()).replies.map((r: { text: string }) => r.text);
    expect(pending).toEqual(expect.arrayContaining([expect.stringContaining('This is the hotline.')]));
  });
});
