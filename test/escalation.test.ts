/**
 * Escalation (issue 6), with a controllable clock and no sleeping: a P1 referral nobody accepted
 * is reminded past its 15-minute target and escalated past twice that, to the agency, its linked
 * supervisors and the fallback; an accepted referral is left alone; ticks are idempotent.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../src/services.ts';
import { loadConfig } from '../src/config/env.ts';
import type { InboundContent } from '../src/conversation/reply.ts';
import { createStaffAccount } from '../src/staff/staff-accounts.ts';
import { playScript } from './helpers/script.ts';
import type { TestServer } from './helpers/server.ts';
import { IN_DANGER, PASSWORD } from './helpers/staff.ts';

const T0 = Date.parse('2026-03-01T02:00:00.000Z');
const now = T0;
const clock = () => new Date(now);
const minutes = (m: number) => new Date(T0 + m * 60_000);

let dir: string;
let services: Services;
let ref: string;
let supervisorId: string;

type Row = { channel: string; recipient: string; kind: string; payload: string };
const notifyRows = (): Row[] =>
  (services.store as unknown as { db: { prepare(s: string): { all(): Row[] } } }).db.prepare(`SELECT channel, recipient, kind, payload FROM outbox WHERE kind = 'notify' ORDER BY id`).all();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tangrod-escalation-'));
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    // Only so that alerts to Telegram are written; nothing is sent (no app, no dispatcher here).
    TELEGRAM_BOT_TOKEN: '123456:escalation-test',
    ESCALATION_TELEGRAM_CHAT: '-100999',
    // The ticket comes through the simulator's channel: let it alert, as a deployer testing would.
    SIMULATOR_ALERTS: 'on',
    ESCALATION_WEBHOOK_URL: 'https://fallback.example.org/hooks',
    ESCALATION_WEBHOOK_SECRET: 'fallback-secret-0123456789',
  });
  services = createServices(config, clock);
  await services.store.setAgencyAlerts('th-police-atp', { webhookUrl: 'https://cms.example.org/hooks', webhookSecret: 'police-secret-0123456789' });
  supervisorId = await createStaffAccount(services.store, { name: 'atp-sup', role: 'supervisor', agency: 'th-police-atp', lang: 'en', password: PASSWORD });
  await services.store.updateStaff(supervisorId, { telegramUserId: '4242' });
  // A P1 ticket through the conversation itself (the simulator's channel, without HTTP).
  const sim = {
    async sim(body: { user: string; text?: string; choice?: string; location?: { lat: number; lon: number } }) {
      const content: InboundContent =
        body.text !== undefined ? { type: 'text', text: body.text } : body.choice !== undefined ? { type: 'choice', ids: body.choice.split(',') } : { type: 'location', ...body.location! };
      const r = await services.conversation.handle({ channel: 'sim', userId: body.user, eventId: randomUUID(), content }, { synchronous: true });
      return { status: 200, body: { replies: r.replies } };
    },
  } as unknown as TestServer;
  const { replies } = await playScript(sim, 'esc-1', 'hello', IN_DANGER);
  ref = replies.find((r) => r.ticket)!.ticket!.ref;
});
afterAll(async () => {
  await services?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('escalation of unaccepted referrals', () => {
  it('reminds past the target, escalates past twice the target, once; an accepted referral never', async () => {
    const ticket = (await services.store.getTicket(ref))!;
    expect(ticket.priority).toBe('P1');
    const agencies = ticket.referrals.map((r) => r.agency);
    expect(agencies).toEqual(expect.arrayContaining(['th-police-atp', 'th-msdhs-1300']));
    // 1300 accepts at once; the police do not.
    await services.actions.decideReferral({ id: 'x', audit: 'staff:x' }, ticket, 'th-msdhs-1300', 'accepted', '');
    const before = notifyRows().length;

    expect((await services.escalation.tick(minutes(14))).sent).toBe(0);
    expect(notifyRows()).toHaveLength(before);

    // Past 15 minutes: a reminder to each pending agency, not to the one that accepted.
    const reminded = (await services.escalation.tick(minutes(16))).sent;
    expect(reminded).toBe(agencies.length - 1);
    const audit1 = await services.store.auditOf(ref);
    expect(audit1.filter((a) => a.action === 'referral.reminded').map((a) => a.detail?.agency)).not.toContain('th-msdhs-1300');
    expect(audit1.find((a) => a.action === 'referral.reminded' && a.detail?.agency === 'th-police-atp')).toBeDefined();
    const reminder = notifyRows().slice(before).find((r) => r.channel === 'webhook' && r.recipient === 'th-police-atp');
    expect(JSON.parse(reminder!.payload).body).toMatchObject({ event: 'referral.reminder', agency: 'th-police-atp', ticket: { ref } });

    // The same tick again, or a later one before twice the target, sends nothing more.
    const afterReminders = notifyRows().length;
    expect((await services.escalation.tick(minutes(16))).sent).toBe(0);
    expect((await services.escalation.tick(minutes(29))).sent).toBe(0);
    expect(notifyRows()).toHaveLength(afterReminders);

    // Past 30 minutes: escalated to the agency, its supervisor's Telegram and the fallback.
    expect((await services.escalation.tick(minutes(31))).sent).toBe(agencies.length - 1);
    const escalation = notifyRows().slice(afterReminders);
    expect(escalation.some((r) => r.channel === 'telegram' && r.recipient === '4242')).toBe(true);
    expect(escalation.some((r) => r.channel === 'telegram' && r.recipient === '-100999')).toBe(true);
    expect(escalation.some((r) => r.channel === 'webhook' && r.recipient === '_escalation')).toBe(true);
    expect(escalation.some((r) => r.channel === 'webhook' && r.recipient === 'th-police-atp' && JSON.parse(r.payload).body.event === 'referral.escalated')).toBe(true);
    const toSupervisor = JSON.parse(escalation.find((r) => r.recipient === '4242')!.payload);
    expect(toSupervisor.text).toContain('Escalation');
    expect(toSupervisor.claim).toBe(ref);
    const escalated = (await services.store.auditOf(ref)).find((a) => a.action === 'referral.escalated' && a.detail?.agency === 'th-police-atp');
    expect(escalated?.detail?.to).toEqual(expect.arrayContaining([`staff:${supervisorId}`, 'fallback:telegram', 'fallback:webhook']));

    expect((await services.escalation.tick(minutes(120))).sent).toBe(0);
    // Nothing at all was ever sent about the accepted referral.
    expect((await services.store.auditOf(ref)).some((a) => a.action.startsWith('referral.') && a.action !== 'referral.created' && a.action !== 'referral.accepted' && a.detail?.agency === 'th-msdhs-1300')).toBe(false);
  });

  it('leaves an accepted P1 referral alone even long after its target', async () => {
    const t = (await services.store.getTicket(ref))!;
    for (const r of t.referrals.filter((x) => x.status === 'pending')) await services.actions.decideReferral({ id: 'x', audit: 'staff:x' }, (await services.store.getTicket(ref))!, r.agency, 'accepted', '');
    const rows = notifyRows().length;
    expect((await services.escalation.tick(minutes(24 * 60))).sent).toBe(0);
    expect(notifyRows()).toHaveLength(rows);
  });
});
