/**
 * Agency alerts (issue 6): a new P1 referral reaches the agency's Telegram group, its LINE group
 * (whose id the bot learnt from LINE's join event) and its case-management webhook, signed; the
 * group texts carry no personal details; a failing receiver is retried until it recovers; the
 * Telegram "claim" button claims for linked staff and tells unlinked users so.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from '../src/delivery/webhook-sender.ts';
import { type FakeLine, lineEvent, startFakeLine } from './fakes/fake-line.ts';
import { type FakeTelegram, startFakeTelegram } from './fakes/fake-telegram.ts';
import { type FakeWebhook, startFakeWebhook } from './fakes/fake-webhook.ts';
import { type ChannelApp, lineEnv, postLine, startChannelApp, TELEGRAM_TOKEN, waitFor } from './helpers/channel-app.ts';
import type { TestServer } from './helpers/server.ts';
import { addStaff, IN_DANGER, ticketFrom } from './helpers/staff.ts';

const AGENCY = 'th-police-atp';
const GROUP_CHAT = '-1001234567890';
const LINE_GROUP = `C${'a1'.repeat(16)}`;
const SECRET = 'webhook-secret-of-the-police-cms';
// What the reporter typed: it must never reach a group chat or the webhook.
const TYPED_PLACE = 'Boat Sea Star 9 at Pier 4, Mahachai, ask for Khun Somchai Jaidee';

let tg: FakeTelegram;
let line: FakeLine;
let hook: FakeWebhook;
let ctx: ChannelApp;
let ref: string;

/** The simulator, as the staff helpers expect it. */
const simOf = (c: ChannelApp) =>
  ({
    async sim(body: unknown) {
      const res = await fetch(`${c.url}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
  }) as unknown as TestServer;

beforeAll(async () => {
  tg = await startFakeTelegram(TELEGRAM_TOKEN);
  line = await startFakeLine();
  hook = await startFakeWebhook();
  ctx = await startChannelApp({
    ...lineEnv(line.origin),
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_MODE: 'polling',
    PUBLIC_BASE_URL: 'https://hotline.example.org',
    // The reports come through the simulator: let its tickets alert, as a deployer testing would.
    SIMULATOR_ALERTS: 'on',
  });
});
afterAll(async () => {
  await ctx?.close();
  await Promise.all([tg?.close(), line?.close(), hook?.close()]);
});

describe('agency alerts', () => {
  it('learns a LINE group from the join event, and forgets nothing else of groups', async () => {
    const join = { ...lineEvent('ignored', { type: 'join' }), source: { type: 'group', groupId: LINE_GROUP } };
    const groupMessage = { ...lineEvent('Ustaff', { type: 'message', message: { id: 'gm1', type: 'text', text: 'hello group' } }), source: { type: 'group', groupId: LINE_GROUP, userId: 'Ustaff' } };
    expect((await postLine(ctx.url, { destination: 'x', events: [join, groupMessage] })).status).toBe(200);
    const groups = await waitFor(async () => {
      const g = await ctx.services.store.listLineGroups();
      return g.length ? g : undefined;
    });
    expect(groups).toMatchObject([{ groupId: LINE_GROUP, leftAt: null }]);
    await ctx.idle();
    // The bot says nothing in a group, and a group message starts no conversation.
    expect(line.calls).toHaveLength(0);
    expect(await ctx.services.store.transcriptOf(`line:Ustaff`)).toHaveLength(0);
  });

  it('alerts the Telegram group, the LINE group and the signed webhook of a new P1 referral, without personal details', async () => {
    await ctx.services.store.setAgencyAlerts(AGENCY, { telegramChat: GROUP_CHAT, lineGroup: LINE_GROUP, webhookUrl: hook.url, webhookSecret: SECRET, lang: 'en' });
    // The receiver is down at first: the alert must arrive once it recovers.
    hook.failures.push(500);
    ref = await ticketFrom(simOf(ctx), 'p1-reporter', { ...IN_DANGER, location: { text: TYPED_PLACE } });
    const ticket = (await ctx.services.store.getTicket(ref))!;
    expect(ticket.priority).toBe('P1');
    expect(JSON.stringify(ticket.answers)).toContain('Sea Star');
    expect(ticket.referrals.map((r) => r.agency)).toContain(AGENCY);

    const tgAlert = await waitFor(() => tg.sent.find((m) => m.chat_id === GROUP_CHAT && m.text.includes(ref)), 10_000, 'the Telegram alert');
    expect(tgAlert.text).toContain('P1');
    expect(tgAlert.text).toContain(`https://hotline.example.org/staff/tickets/${ref}`);
    expect(tgAlert.text).toContain('Thailand');
    // A simulator ticket (let through by SIMULATOR_ALERTS=on) says at once that it is a test.
    expect(tgAlert.text.split('\n')[0]).toBe('🧪 TEST from the simulator: not a real report.');
    expect(tgAlert.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Claim', callback_data: `claim:${ref}` }]] });

    const lineAlert = await waitFor(() => line.delivered().find((c) => c.to === LINE_GROUP), 10_000, 'the LINE alert');
    const lineText = lineAlert.messages.map((m) => m.text).join('\n');
    expect(lineText).toContain(ref);
    expect(lineText).toContain('P1');

    const hit = await waitFor(() => hook.accepted()[0], 15_000, 'the webhook to be accepted after a 500');
    expect(hook.hits[0]!.status).toBe(500);
    expect(hook.hits.length).toBeGreaterThanOrEqual(2);
    // The receiver's check: HMAC-SHA256 over "<timestamp>.<raw body>", timestamp recent.
    const ts = String(hit.headers[TIMESTAMP_HEADER]);
    expect(hit.headers[SIGNATURE_HEADER]).toBe(signWebhook(SECRET, ts, hit.raw));
    expect(Math.abs(Date.now() / 1000 - Number(ts))).toBeLessThan(300);
    expect(hit.headers[SIGNATURE_HEADER]).not.toBe(signWebhook('another-secret-entirely', ts, hit.raw));
    const body = JSON.parse(hit.raw);
    expect(body).toMatchObject({ event: 'referral.created', agency: AGENCY, ticket: { ref, priority: 'P1', country: 'TH' } });

    for (const text of [tgAlert.text, lineText, hit.raw]) {
      expect(text).not.toContain('Somchai');
      expect(text).not.toContain('Sea Star');
      expect(text).not.toContain('Mahachai');
    }
    // Each went through the outbox and is marked sent; the audit trail says where alerts went.
    const audit = await ctx.services.store.auditOf(ref);
    expect(audit.find((a) => a.action === 'alert.queued' && a.detail?.agency === AGENCY)?.detail).toMatchObject({ to: ['telegram', 'line', 'webhook'] });
  });

  it('claims from the Telegram button for linked staff; unlinked users are told', async () => {
    const staffId = await addStaff({ services: ctx.services } as unknown as TestServer, 'telegram-sup', 'supervisor', AGENCY);
    await ctx.services.store.updateStaff(staffId, { telegramUserId: '7001' });
    const group = { id: Number(GROUP_CHAT), type: 'supergroup', title: 'ATP hotline' };
    const tap = (updateId: number, userId: number) => ({
      update_id: updateId,
      callback_query: { id: `cq-${randomUUID()}`, from: { id: userId, is_bot: false, first_name: 'Staff', language_code: 'en' }, chat_instance: '9', data: `claim:${ref}`, message: { message_id: 5, date: 0, chat: group } },
    });
    tg.updates.push(tap(900001, 8002));
    const unlinked = await waitFor(() => tg.calls.find((c) => c.method === 'answerCallbackQuery' && String(c.params.text ?? '').includes('not linked')), 10_000, 'the unlinked answer');
    expect(unlinked.params.show_alert).toBe(true);
    expect((await ctx.services.store.getTicket(ref))!.assignee).toBeNull();

    tg.updates.push(tap(900002, 7001));
    await waitFor(() => tg.calls.find((c) => c.method === 'answerCallbackQuery' && String(c.params.text ?? '').includes(`You claimed ${ref}`)), 10_000, 'the claim answer');
    const t = (await ctx.services.store.getTicket(ref))!;
    expect(t.assignee).toBe(staffId);
    expect(t.status).toBe('triaged');
    const claimed = (await ctx.services.store.auditOf(ref)).filter((a) => a.action === 'ticket.claimed');
    expect(claimed).toHaveLength(1);
    expect(claimed[0]!.actor).toBe(`staff:${staffId}`);
  });

  it('gives up on an alert a receiver refuses, with an audit row on the ticket', async () => {
    await ctx.services.store.setAgencyAlerts('th-msdhs-1300', { webhookUrl: hook.url, webhookSecret: SECRET });
    hook.failures.push(410);
    const r = await ticketFrom(simOf(ctx), 'p1-reporter-2', IN_DANGER);
    const failed = await waitFor(async () => (await ctx.services.store.auditOf(r)).find((a) => a.action === 'outbox.failed'), 10_000, 'the outbox.failed audit row');
    expect(failed.detail).toMatchObject({ channel: 'webhook', kind: 'notify', failure: 'permanent', error: 'webhook: HTTP 410' });
  });
});
