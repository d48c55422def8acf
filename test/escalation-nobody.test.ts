/**
 * An escalation that reaches nobody is said (issue 10, item 11): with no alert destinations and no
 * ESCALATION_* fallback, the tick reports it, the audit trail says nobody could be told rather
 * than "Escalated", and the admin page lists the agencies that have no alert destination.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../src/services.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, IN_DANGER, StaffClient, ticketFrom } from './helpers/staff.ts';

const T0 = Date.parse('2026-03-01T02:00:00.000Z');
const minutes = (m: number) => new Date(T0 + m * 60_000);
let now = T0;

let server: TestServer;
let services: Services;

beforeAll(async () => {
  // No alert destination anywhere, no ESCALATION_*; simulator tickets allowed to alert, so that
  // the only reason nobody hears is that nobody is set up.
  server = await startServer({ SIMULATOR_ALERTS: 'on' }, () => new Date(now));
  services = server.services;
  await addStaff(server, 'root', 'admin');
});
afterAll(async () => server?.close());

describe('escalation with nobody to tell', () => {
  it('counts and audits the reminders and escalations that reached nobody', async () => {
    const ref = await ticketFrom(server, 'nobody-1', IN_DANGER);
    const agencies = (await services.store.getTicket(ref))!.referrals.map((r) => r.agency);
    expect(agencies.length).toBeGreaterThan(0);

    now = minutes(16).getTime();
    expect(await services.escalation.tick(minutes(16))).toEqual({ sent: agencies.length, nobody: agencies.length });
    now = minutes(31).getTime();
    expect(await services.escalation.tick(minutes(31))).toEqual({ sent: agencies.length, nobody: agencies.length });

    const audit = await services.store.auditOf(ref);
    expect(audit.filter((a) => a.action === 'alert.nobody').map((a) => a.detail?.agency).sort()).toEqual([...agencies].sort());
    expect(audit.filter((a) => a.action === 'referral.escalated_nobody').map((a) => a.detail?.agency).sort()).toEqual([...agencies].sort());
    expect(audit.some((a) => a.action === 'referral.escalated')).toBe(false);

    const admin = new StaffClient(server.url);
    await admin.login('root');
    const page = await admin.get(`/staff/tickets/${ref}`);
    expect(page.text).toContain('Overdue, but nobody could be told (no alert destination, no fallback)');
    expect(page.text).not.toContain('Escalated: referral not accepted');
  });

  it('lists on the admin page the agencies that have no alert destination', async () => {
    await services.store.setAgencyAlerts('th-police-atp', { webhookUrl: 'https://cms.example.org/tangrod', webhookSecret: 'police-secret-0123456789' });
    // A Telegram group while Telegram is off reaches nobody either.
    await services.store.setAgencyAlerts('th-doe-1694', { telegramChat: '-1001234567890' });
    const admin = new StaffClient(server.url);
    await admin.login('root');
    const page = (await admin.get('/staff/admin')).text;
    const listed = [...page.matchAll(/<li data-agency="([^"]+)">/g)].map((m) => m[1]);
    const all = [...services.definitions.directory.byId.keys()];
    expect(listed).toEqual(all.filter((a) => a !== 'th-police-atp'));
    expect(listed).toContain('th-doe-1694');
    expect(page).toContain(`Agencies with no alert destination (${all.length - 1})`);
    expect(page).toContain('No escalation fallback is set');
  });

  it('still says "Escalated" when someone was told', async () => {
    const s = await startServer({ SIMULATOR_ALERTS: 'on', ESCALATION_WEBHOOK_URL: 'https://duty.example.org/hooks', ESCALATION_WEBHOOK_SECRET: 'duty-secret-0123456789' });
    try {
      const ref = await ticketFrom(s, 'told-1', IN_DANGER);
      const n = (await s.services.store.getTicket(ref))!.referrals.length;
      // Both levels fall due at once: the reminders (to the agencies, which have no destination)
      // reach nobody; the escalations reach the fallback.
      expect(await s.services.escalation.tick(new Date(Date.now() + 31 * 60_000))).toEqual({ sent: 2 * n, nobody: n });
      const audit = await s.services.store.auditOf(ref);
      expect(audit.some((a) => a.action === 'referral.escalated' && ((a.detail?.to as string[] | undefined) ?? []).includes('fallback:webhook'))).toBe(true);
    } finally {
      await s.close();
    }
  });
});
