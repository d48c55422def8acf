/**
 * The store contract: one table of behaviours over the {@link Store} interface, run against SQLite
 * and PostgreSQL alike. A behaviour is what the callers (conversation, dashboard, delivery) rely
 * on; each engine must show it the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { NewTicket, RetentionKind, Store } from '../src/store/store.ts';
import { turnBody } from '../src/store/transcript-turns.ts';
import { freshDatabase, postgresUrl } from './helpers/postgres.ts';
import { scaleBehaviours } from './store-contract-scale.ts';

let now = new Date('2026-03-01T08:00:00.000Z');
const clock = () => now;
/** Moves the stores' clock on. */
const later = (ms: number) => (now = new Date(now.getTime() + ms));

const ticket = (ref: string, over: Partial<NewTicket> = {}): NewTicket => ({
  ref,
  sessionId: `line:${ref}`,
  channel: 'line',
  userId: `U-${ref}`,
  language: 'th',
  role: 'victim',
  answers: { work: 'fishing', note: 'ข้อความ "quoted" \\ back\u0000slash' },
  indicators: ['passport_taken'],
  caseType: 'trafficking',
  priority: 'p2',
  basis: 'consent',
  conversationId: `c-${ref}`,
  ...over,
});

type Behaviour = [name: string, run: (store: Store) => Promise<void>];

const RETENTION_KINDS: RetentionKind[] = ['unticketed_conversations', 'closed_transcripts', 'outbox_content', 'inbound_events', 'closed_attachments', 'staff_sessions', 'audit'];

/** A purge in slices of one row each, as Retention.run takes it: the sums of its slices. */
async function purgeInSlices(store: Store, cutoffs: Partial<Record<RetentionKind, string>>, dryRun: boolean) {
  const counts = Object.fromEntries(RETENTION_KINDS.map((k) => [k, 0]));
  const files: string[] = [];
  let from: string | undefined;
  let slices = 0;
  do {
    const slice = { rows: 1, ...(from === undefined ? {} : { from }) };
    const r = await store.transaction((tx) => tx.purgeExpired(cutoffs, { dryRun, slice }));
    for (const k of RETENTION_KINDS) counts[k]! += r.counts[k];
    files.push(...r.files);
    from = r.next;
    expect(++slices).toBeLessThan(200);
  } while (from !== undefined);
  return { counts, files };
}

/**
 * Some of every kind a purge removes, written ten days before `now`, and what it must keep: three
 * closed tickets with two rows and a file each, an open one, four conversations that never became
 * a ticket and one that goes on, five messages sent and one waiting, five events, three audit rows
 * of no ticket, and a ticket on hold with its own.
 */
async function seedExpiring(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    for (const ref of ['TR-S1', 'TR-S2', 'TR-S3', 'TR-S4']) {
      await tx.insertTicket(ticket(ref));
      for (const text of ['one', 'two']) await tx.addTranscript(`line:${ref}`, 'in', { text }, undefined, { conversationId: `c-${ref}` });
      if (ref === 'TR-S4') continue;
      await tx.addAttachment({ id: `f-${ref}`, sessionId: `line:${ref}`, channel: 'line', messageId: null, name: null, mime: 'image/png', size: 3, sha256: 'x', path: `files/f-${ref}`, conversationId: `c-${ref}` });
      await tx.linkAttachments(`line:${ref}`, ref, `c-${ref}`);
      await tx.updateTicketWork(ref, { status: 'closed', outcome: 'assisted' });
    }
    for (const n of [1, 2, 3, 4]) for (const text of ['hi', 'bye']) await tx.addTranscript(`line:U-gone-${n}`, 'in', { text }, undefined, { conversationId: `c-gone-${n}` });
    await tx.addTranscript('line:U-going-on', 'in', { text: 'old' }, undefined, { conversationId: 'c-going-on' });
    for (const n of [1, 2, 3, 4, 5]) {
      await tx.enqueue({ channel: 'line', recipient: `U-sent-${n}`, kind: 'reply', payload: { text: 'sent' } }, { delivered: true });
      await tx.claimEvent('line', `ev-old-${n}`);
    }
    await tx.enqueue({ channel: 'line', recipient: 'U-waiting', kind: 'reply', payload: { text: 'waiting' } });
    for (const action of ['a', 'b', 'c']) await tx.audit({ ticketRef: null, actor: 'system', action });
    // A ticket on hold keeps its trail; the rows of no ticket go all the same.
    await tx.insertTicket(ticket('TR-S5'));
    await tx.setPrivacyFlags('TR-S5', { legalHold: true });
    await tx.audit({ ticketRef: 'TR-S5', actor: 'bot', action: 'ticket.created' });
  });
  later(10 * 86_400_000);
  await store.transaction((tx) => tx.addTranscript('line:U-going-on', 'in', { text: 'new' }, undefined, { conversationId: 'c-going-on' }));
}

const behaviours: Behaviour[] = [
  [
    'a transaction that throws leaves nothing behind',
    async (store) => {
      await expect(
        store.transaction(async (tx) => {
          await tx.insertTicket(ticket('TR-RB'));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.getTicket('TR-RB')).toBeUndefined();
    },
  ],
  [
    'an event id is claimed once per channel',
    async (store) => {
      const claims = await store.transaction(async (tx) => [await tx.claimEvent('line', 'e1'), await tx.claimEvent('line', 'e1'), await tx.claimEvent('telegram', 'e1')]);
      expect(claims).toEqual([true, false, true]);
    },
  ],
  [
    'a session is saved, read back and updated',
    async (store) => {
      await store.transaction((tx) => tx.saveSession({ id: 'line:U1', channel: 'line', userId: 'U1', state: { step: 'a', answers: {} } as never }));
      later(1000);
      await store.transaction((tx) => tx.saveSession({ id: 'line:U1', channel: 'line', userId: 'U1', state: { step: 'b', answers: { x: 1 } } as never }));
      const s = await store.transaction((tx) => tx.getSession('line:U1'));
      expect(s).toMatchObject({ id: 'line:U1', channel: 'line', userId: 'U1', state: { step: 'b', answers: { x: 1 } } });
      expect(Date.parse(s!.updatedAt) - Date.parse(s!.createdAt)).toBe(1000);
      expect(s!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    },
  ],
  [
    'the transcript keeps order, links rows to reports, and reads one ticket only',
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.addTranscript('line:U1', 'in', { text: 'first report' }, 'm1', { conversationId: 'c1' });
        await tx.addTranscript('line:U1', 'out', { text: 'reply one' }, undefined, { conversationId: 'c1' });
        await tx.addTranscript('line:U1', 'in', { text: 'second report' }, 'm2', { conversationId: 'c2' });
        await tx.addTranscript('line:U1', 'in', { text: 'to case one' }, 'm3', { conversationId: 'c2', ticketRef: 'TR-1' });
      });
      expect((await store.transcriptOf('line:U1')).map((r) => (r.body as { text: string }).text)).toEqual(['first report', 'reply one', 'second report', 'to case one']);
      const one = await store.ticketTranscript({ ref: 'TR-1', sessionId: 'line:U1', conversationId: 'c1' });
      expect(one.map((r) => (r.body as { text: string }).text)).toEqual(['first report', 'reply one', 'to case one']);
      expect(await store.transaction((tx) => tx.inboundMessageIds('line:U1'))).toEqual(['m1', 'm2', 'm3']);
      expect(await store.lastMessageToCaseAt('TR-1')).toBe(now.toISOString());
      expect(await store.lastInboundAt('line:U1')).toBe(now.toISOString());
      expect(await store.lastInboundAt('line:nobody')).toBeUndefined();
      expect(await store.transaction((tx) => tx.lastOutbound('line:U1'))).toEqual({ text: 'reply one' });
      expect(await store.transaction((tx) => tx.lastOutboundRow('line:U1'))).toEqual({ body: { text: 'reply one' }, ticketRef: null });
    },
  ],
  [
    "a turn's answers kept in one row are read one by one, and the last of them is the last answer",
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.addTranscript('line:U2', 'in', { text: 'hello' }, 'm1', { conversationId: 'c1' });
        await tx.addTranscript('line:U2', 'out', turnBody([{ text: 'welcome' }, { text: 'type EXIT' }, { text: 'are you safe?' }]), undefined, { conversationId: 'c1' });
        await tx.redactOutbound('line:U2', 'c1', 'EXIT', 'STOP');
      });
      const texts = (rows: { body: unknown }[]) => rows.map((r) => (r.body as { text: string }).text);
      expect(texts(await store.transcriptOf('line:U2'))).toEqual(['hello', 'welcome', 'type STOP', 'are you safe?']);
      expect(texts(await store.ticketTranscript({ ref: 'TR-2', sessionId: 'line:U2', conversationId: 'c1' }))).toEqual(['hello', 'welcome', 'type STOP', 'are you safe?']);
      expect(await store.transaction((tx) => tx.lastOutbound('line:U2'))).toEqual({ text: 'are you safe?' });
      expect(await store.transaction((tx) => tx.lastOutboundRow('line:U2'))).toEqual({ body: { text: 'are you safe?' }, ticketRef: null });
    },
  ],
  [
    'a ticket transcript leaves out what came after `until`',
    async (store) => {
      await store.transaction((tx) => tx.addTranscript('s', 'in', { text: 'a' }, undefined, { conversationId: 'c' }));
      const until = now.toISOString();
      later(5000);
      await store.transaction((tx) => tx.addTranscript('s', 'in', { text: 'b' }, undefined, { conversationId: 'c' }));
      expect((await store.ticketTranscript({ ref: 'T', sessionId: 's', conversationId: 'c' }, until)).length).toBe(1);
      // A ticket older than conversations: the session's rows without a conversation.
      await store.transaction((tx) => tx.addTranscript('s', 'in', { text: 'old' }));
      expect((await store.ticketTranscript({ ref: 'T', sessionId: 's', conversationId: null })).map((r) => (r.body as { text: string }).text)).toEqual(['old']);
    },
  ],
  [
    'unsending a message removes its rows and files and says what they answered',
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.addTranscript('s', 'in', { text: 'secret' }, 'm1', { conversationId: 'c1' });
        await tx.addAttachment({ id: 'a1', sessionId: 's', channel: 'line', messageId: 'm1', name: null, mime: 'image/jpeg', size: 3, sha256: 'ab', path: 'files/x' });
        await tx.addTranscript('s', 'in', { text: 'kept' }, 'm2');
      });
      const out = await store.transaction((tx) => tx.unsendMessage('s', 'm1'));
      expect(out).toEqual({ rows: [{ body: { text: 'secret' }, conversationId: 'c1', ticketRef: null }], files: ['files/x'] });
      expect(await store.transaction((tx) => tx.deleteTranscriptMessage('s', 'm2'))).toBe(1);
      expect(await store.transcriptOf('s')).toEqual([]);
    },
  ],
  [
    'an unsent answer is blanked in the bot messages of its conversation only',
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.addTranscript('s', 'out', { text: 'You said: "my boss" took it' }, undefined, { conversationId: 'c1' });
        await tx.addTranscript('s', 'out', { text: 'You said: "my boss" here too' }, undefined, { conversationId: 'c2' });
        await tx.redactOutbound('s', 'c1', '"my boss"', '…');
      });
      expect((await store.transcriptOf('s')).map((r) => (r.body as { text: string }).text)).toEqual(['You said: … took it', 'You said: "my boss" here too']);
    },
  ],
  [
    'erasing a chat without a ticket removes it and its delivered replies, not the pending ones',
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.saveSession({ id: 'line:U9', channel: 'line', userId: 'U9', state: {} as never });
        await tx.addTranscript('line:U9', 'in', { text: 'hi' });
        await tx.addAttachment({ id: 'a9', sessionId: 'line:U9', channel: 'line', messageId: 'm', name: 'p.jpg', mime: 'image/jpeg', size: 1, sha256: 'cd', path: 'files/p' });
        await tx.enqueue({ channel: 'line', recipient: 'U9', kind: 'reply', payload: { text: 'sent' } }, { delivered: true });
        await tx.enqueue({ channel: 'line', recipient: 'U9', kind: 'reply', payload: { text: 'pending' } });
      });
      expect(await store.transaction((tx) => tx.eraseSession('line:U9', 'line', 'U9'))).toEqual(['files/p']);
      expect(await store.transaction((tx) => tx.getSession('line:U9'))).toBeUndefined();
      expect(await store.transcriptOf('line:U9')).toEqual([]);
      expect((await store.takeOutbox('line', 'U9')).map((m) => m.payload)).toEqual([{ text: 'pending' }]);
    },
  ],
  [
    'a ticket keeps its answers exactly, with its referrals',
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.insertTicket(ticket('TR-A'));
        expect(await tx.addReferral('TR-A', 'dsdw')).toBe(true);
        expect(await tx.addReferral('TR-A', 'dsdw')).toBe(false);
      });
      const t = await store.getTicket('TR-A');
      expect(t).toMatchObject({ ref: 'TR-A', answers: ticket('TR-A').answers, indicators: ['passport_taken'], status: 'new', basis: 'consent', conversationId: 'c-TR-A', firstActionAt: null, reporterLeftAt: null });
      expect(t!.referrals).toEqual([{ agency: 'dsdw', status: 'pending', reason: null, createdAt: now.toISOString(), updatedAt: now.toISOString() }]);
      await store.transaction((tx) => tx.updateAssessment('TR-A', { ...ticket('TR-A'), priority: 'p1', indicators: [] }));
      expect(await store.getTicket('TR-A')).toMatchObject({ priority: 'p1', indicators: [] });
    },
  ],
  [
    'staff work stamps the first action once and changes only the fields given',
    async (store) => {
      await store.transaction((tx) => tx.insertTicket(ticket('TR-W')));
      const first = now.toISOString();
      await store.transaction((tx) => tx.updateTicketWork('TR-W', { status: 'triaged', assignee: 'staff:1' }));
      later(60_000);
      await store.transaction((tx) => tx.updateTicketWork('TR-W', { outcome: 'helped', duplicateOf: 'TR-X' }));
      expect(await store.getTicket('TR-W')).toMatchObject({ status: 'triaged', assignee: 'staff:1', outcome: 'helped', duplicateOf: 'TR-X', firstActionAt: first, updatedAt: now.toISOString() });
    },
  ],
  [
    'the queue filters, orders by priority then age, and counts per status',
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.insertTicket(ticket('TR-1', { priority: 'p2' }));
        later(1);
        await tx.insertTicket(ticket('TR-2', { priority: 'p1', channel: 'telegram', language: 'my' }));
        later(1);
        await tx.insertTicket(ticket('TR-3', { priority: 'p1', caseType: 'missing' }));
        await tx.addReferral('TR-3', 'police');
        await tx.updateTicketWork('TR-1', { status: 'closed' });
      });
      const refs = async (f: Parameters<Store['listTickets']>[0]) => (await store.listTickets(f)).map((t) => t.ref);
      expect(await refs({})).toEqual(['TR-2', 'TR-3', 'TR-1']);
      expect(await refs({ status: 'open' })).toEqual(['TR-2', 'TR-3']);
      expect(await refs({ status: 'closed' })).toEqual(['TR-1']);
      expect(await refs({ agency: 'police' })).toEqual(['TR-3']);
      expect(await refs({ channel: 'telegram', language: 'my' })).toEqual(['TR-2']);
      expect(await refs({ caseType: 'missing', priority: 'p1' })).toEqual(['TR-3']);
      expect(await refs({ limit: 1 })).toEqual(['TR-2']);
      expect(await store.countByStatus({ status: 'closed' })).toEqual({ new: 2, triaged: 0, in_progress: 0, referred: 0, closed: 1 });
      expect(await store.countByStatus({ agency: 'police' })).toEqual({ new: 1, triaged: 0, in_progress: 0, referred: 0, closed: 0 });
      const facts = await store.ticketFacts('2000-01-01T00:00:00.000Z');
      expect(facts.map((f) => [f.ref, f.agencies])).toEqual([['TR-1', []], ['TR-2', []], ['TR-3', ['police']]]);
      expect((await store.ticketFacts('2000-01-01T00:00:00.000Z', 'police')).map((f) => f.ref)).toEqual(['TR-3']);
      expect(await store.transaction(async (tx) => (await tx.ticketsOfUser('line', 'U-TR-3')).map((t) => t.ref))).toEqual(['TR-3']);
    },
  ],
  [
    'reporter marks: a message to the case, and the quick exit on every ticket of the chat',
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.insertTicket(ticket('TR-R'));
        await tx.setReporterUpdate('TR-R', true);
        await tx.setReporterLeft('line', 'U-TR-R', true);
      });
      expect(await store.getTicket('TR-R')).toMatchObject({ updatedByReporterAt: now.toISOString(), reporterLeftAt: now.toISOString() });
      await store.transaction(async (tx) => {
        await tx.setReporterUpdate('TR-R', false);
        await tx.setReporterLeft('line', 'U-TR-R', false);
      });
      expect(await store.getTicket('TR-R')).toMatchObject({ updatedByReporterAt: null, reporterLeftAt: null });
    },
  ],
  [
    'referral decisions, escalation compare-and-set, and the pending list',
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.insertTicket(ticket('TR-E', { priority: 'p1' }));
        await tx.addReferral('TR-E', 'a1');
        await tx.addReferral('TR-E', 'a2');
        await tx.setReferralStatus('TR-E', 'a2', 'declined', 'not ours');
      });
      expect(await store.pendingReferrals()).toEqual([{ ref: 'TR-E', agency: 'a1', priority: 'p1', createdAt: now.toISOString(), escalationLevel: 0 }]);
      expect(await store.transaction((tx) => tx.advanceEscalation('TR-E', 'a1', 0, 1))).toBe(true);
      expect(await store.transaction((tx) => tx.advanceEscalation('TR-E', 'a1', 0, 1))).toBe(false);
      expect((await store.pendingReferrals())[0]?.escalationLevel).toBe(1);
      expect((await store.getTicket('TR-E'))!.referrals.find((r) => r.agency === 'a2')).toMatchObject({ status: 'declined', reason: 'not ours' });
      await store.transaction((tx) => tx.updateTicketWork('TR-E', { status: 'closed' }));
      expect(await store.pendingReferrals()).toEqual([]);
    },
  ],
  [
    'notes and the audit trail, in order',
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.insertTicket(ticket('TR-N'));
        await tx.addNote('TR-N', 'staff:1', 'called the shelter');
        await tx.addNote('TR-N', 'staff:2', 'ok');
        await tx.audit({ ticketRef: 'TR-N', actor: 'bot', action: 'ticket.created' });
        await tx.audit({ ticketRef: 'TR-N', actor: 'staff:1', action: 'status', detail: { from: 'new', to: 'triaged' } });
        await tx.audit({ ticketRef: null, actor: 'system', action: 'other' });
      });
      expect((await store.notesOf('TR-N')).map((n) => [n.author, n.body])).toEqual([['staff:1', 'called the shelter'], ['staff:2', 'ok']]);
      expect(await store.auditOf('TR-N')).toEqual([
        { ticketRef: 'TR-N', actor: 'bot', action: 'ticket.created', at: now.toISOString() },
        { ticketRef: 'TR-N', actor: 'staff:1', action: 'status', detail: { from: 'new', to: 'triaged' }, at: now.toISOString() },
      ]);
    },
  ],
  [
    "attachments join their own report's ticket only",
    async (store) => {
      const a = (id: string, conversationId: string | null) => ({ id, sessionId: 's', channel: 'line', messageId: id, name: null, mime: 'image/png', size: 10, sha256: `h-${id}`, path: `files/${id}`, conversationId });
      await store.transaction(async (tx) => {
        await tx.addAttachment(a('x1', 'c1'));
        await tx.addAttachment(a('x2', 'c2'));
        await tx.addAttachment(a('x0', null));
        await tx.linkAttachments('s', 'TR-1', 'c1');
        await tx.linkAttachments('s', 'TR-0', null);
      });
      expect((await store.attachmentsOf('TR-1')).map((x) => [x.id, x.sha256, x.size, x.ticketRef])).toEqual([['x1', 'h-x1', 10, 'TR-1']]);
      expect((await store.attachmentsOf('TR-0')).map((x) => x.id)).toEqual(['x0']);
    },
  ],
  [
    "the outbox: a chat's messages in order, a retry holds back the later ones",
    async (store) => {
      const ids = await store.transaction(async (tx) => [
        await tx.enqueue({ channel: 'line', recipient: 'U1', kind: 'reply', payload: { text: '1' }, replyTo: 'ev1' }),
        await tx.enqueue({ channel: 'line', recipient: 'U1', kind: 'reply', payload: { text: '2' } }),
        await tx.enqueue({ channel: 'line', recipient: 'U2', kind: 'notify', payload: { text: 'x' } }),
      ]);
      expect((await store.dueOutbox('line', now, 10)).map((m) => m.id)).toEqual(ids);
      expect((await store.dueOutboxOf('line', 'U1', now, 10))[0]).toMatchObject({ id: ids[0], replyTo: 'ev1', attempts: 0, partsSent: 0, retryKey: null, kind: 'reply' });
      await store.markRetry(ids[0]!, 'timeout', new Date(now.getTime() + 60_000));
      expect((await store.dueOutbox('line', now, 10)).map((m) => m.id)).toEqual([ids[2]]);
      expect(await store.dueOutboxOf('line', 'U1', now, 10)).toEqual([]);
      expect(await store.dueRecipients('line', now, 10, [])).toEqual(['U2']);
      expect(await store.dueRecipients('line', now, 10, ['U2'])).toEqual([]);
      later(60_000);
      expect(await store.dueRecipients('line', now, 10, [])).toEqual(['U1', 'U2']);
      await store.markSent(ids[0]!);
      await store.markFailed(ids[2]!, 'blocked');
      expect((await store.dueOutbox('line', now, 10)).map((m) => m.id)).toEqual([ids[1]]);
      expect(await store.dueOutbox('telegram', now, 10)).toEqual([]);
    },
  ],
  [
    'the outbox: a chat with a danger-path reply is served before the chats that wrote before it',
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.enqueue({ channel: 'line', recipient: 'U1', kind: 'reply', payload: { text: 'hello' } });
        await tx.enqueue({ channel: 'line', recipient: 'Udanger', kind: 'reply', payload: { text: 'Call for help now' }, urgent: true });
        await tx.enqueue({ channel: 'line', recipient: 'U2', kind: 'reply', payload: { text: 'hello' } });
      });
      expect(await store.dueRecipients('line', now, 10, [])).toEqual(['Udanger', 'U1', 'U2']);
      expect((await store.dueOutboxOf('line', 'Udanger', now, 10))[0]).toMatchObject({ urgent: true });
      expect((await store.dueOutboxOf('line', 'U1', now, 10))[0]?.urgent).toBeUndefined();
    },
  ],
  [
    'outage holds are released at once; retry keys are fixed once; parts sent only grow',
    async (store) => {
      const id = await store.transaction((tx) => tx.enqueue({ channel: 'line', recipient: 'U1', kind: 'reply', payload: { text: 'long' } }));
      await store.markRetry(id, 'down', new Date(now.getTime() + 3_600_000), { outage: true });
      expect(await store.dueOutboxOf('line', 'U1', now, 10)).toEqual([]);
      expect(await store.releaseOutage('line', now)).toBe(1);
      expect(await store.releaseOutage('line', now)).toBe(0);
      await store.setRetryKeys([{ id, key: 'k1' }]);
      await store.setRetryKeys([{ id, key: 'k2' }]);
      await store.markPartsSent(id, 2);
      await store.markPartsSent(id, 1);
      expect((await store.dueOutboxOf('line', 'U1', now, 10))[0]).toMatchObject({ id, retryKey: 'k1', partsSent: 2, attempts: 1 });
    },
  ],
  [
    "the simulator takes a chat's pending messages once; the quick exit cancels the rest",
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.enqueue({ channel: 'sim', recipient: 'u', kind: 'reply', payload: { text: 'a' } });
        await tx.enqueue({ channel: 'sim', recipient: 'u', kind: 'reply', payload: { text: 'b' } });
        await tx.enqueue({ channel: 'sim', recipient: 'v', kind: 'reply', payload: { text: 'c' } });
      });
      expect((await store.takeOutbox('sim', 'u')).map((m) => [m.payload, m.attempts])).toEqual([
        [{ text: 'a' }, 0],
        [{ text: 'b' }, 0],
      ]);
      expect(await store.takeOutbox('sim', 'u')).toEqual([]);
      expect(await store.transaction((tx) => tx.cancelPending('sim', 'v'))).toBe(1);
      expect(await store.takeOutbox('sim', 'v')).toEqual([]);
    },
  ],
  [
    'inbound events: stored once, never when handled already, claimed, failed and deleted',
    async (store) => {
      await store.transaction((tx) => tx.claimEvent('line', 'handled'));
      const added = await store.addInbound([
        { channel: 'line', eventId: 'e1', userKey: 'U1', payload: { text: 'one', n: [1, 2] } },
        { channel: 'line', eventId: 'e2', userKey: 'U1', payload: { text: 'two' } },
        { channel: 'line', eventId: 'handled', userKey: 'U1', payload: {} },
      ]);
      expect(added.map((r) => [r.eventId, r.payload, r.attempts])).toEqual([
        ['e1', { text: 'one', n: [1, 2] }, 0],
        ['e2', { text: 'two' }, 0],
      ]);
      expect(await store.addInbound([{ channel: 'line', eventId: 'e1', userKey: 'U1', payload: {} }])).toEqual([]);
      expect((await store.claimInbound(100)).map((r) => r.eventId)).toEqual(['e1', 'e2']);
      // Claimed already by this instance: not handed out again.
      expect(await store.claimInbound(100)).toEqual([]);
      await store.failInbound(added[0]!.id, 'Error: x');
      await store.deleteInbound(added[1]!.id);
      expect((await store.pendingInbound()).map((r) => [r.eventId, r.attempts])).toEqual([['e1', 1]]);
      const next = await store.addInbound([{ channel: 'line', eventId: 'e3', userKey: 'U2', payload: {} }]);
      expect((await store.claimInbound(100)).map((r) => r.id)).toEqual([next[0]!.id]);
    },
  ],
  [
    'a reply token is taken once, and only while fresh',
    async (store) => {
      await store.saveReplyToken('line', 'U1', 'e1', 'tok1');
      await store.saveReplyToken('line', 'U1', 'e2', 'tok2');
      expect(await store.takeReplyToken('line', 'e1', new Date(now.getTime() - 1000))).toBe('tok1');
      expect(await store.takeReplyToken('line', 'e1', new Date(now.getTime() - 1000))).toBeUndefined();
      expect(await store.takeReplyToken('line', 'e2', new Date(now.getTime() + 1000))).toBeUndefined();
    },
  ],
  [
    "the bot's sent message ids are taken once, since a time",
    async (store) => {
      await store.recordSentMessage('telegram', '42', 'old');
      later(10_000);
      const since = now;
      await store.recordSentMessage('telegram', '42', 'm1');
      later(1);
      await store.recordSentMessage('telegram', '42', 'm2');
      await store.setUnreachable('telegram', '42', true);
      expect(await store.takeSentMessages('telegram', '42', since)).toEqual(['m1', 'm2']);
      expect(await store.takeSentMessages('telegram', '42', since)).toEqual([]);
    },
  ],
  [
    'staff accounts: names without regard to case, changes, Telegram links',
    async (store) => {
      await store.createStaff({ id: 's1', name: 'Somchai', role: 'agent', agency: 'dsdw', lang: 'th', passwordHash: 'h1' });
      await store.createStaff({ id: 's2', name: 'anna', role: 'admin', agency: '*', lang: 'en', passwordHash: 'h2' });
      await expect(store.createStaff({ id: 's3', name: 'SOMCHAI', role: 'agent', agency: 'x', lang: 'th', passwordHash: 'h' })).rejects.toThrow();
      expect(await store.findStaffByName('somCHAI')).toMatchObject({ id: 's1', passwordHash: 'h1', disabled: false, telegramUserId: null });
      expect((await store.listStaff()).map((s) => s.name)).toEqual(['anna', 'Somchai']);
      await store.updateStaff('s1', { role: 'supervisor', disabled: true, passwordHash: 'h9', telegramUserId: '777' });
      expect(await store.getStaff('s1')).toMatchObject({ role: 'supervisor', disabled: true, telegramUserId: '777' });
      expect((await store.findStaffByTelegram('777'))?.id).toBe('s1');
      expect((await store.findStaffByName('Somchai'))?.passwordHash).toBe('h9');
      await store.updateStaff('s1', { disabled: false, telegramUserId: null });
      expect(await store.findStaffByTelegram('777')).toBeUndefined();
      expect(await store.getStaff('nobody')).toBeUndefined();
    },
  ],
  [
    'staff sessions expire, are touched unless told not to, and end per user',
    async (store) => {
      await store.createStaff({ id: 's1', name: 'n', role: 'agent', agency: 'a', lang: 'th', passwordHash: 'h' });
      const expiresAt = new Date(now.getTime() + 3_600_000).toISOString();
      await store.createStaffSession({ idHash: 'h1', userId: 's1', csrf: 'c1', expiresAt });
      await store.createStaffSession({ idHash: 'h2', userId: 's1', csrf: 'c2', expiresAt });
      const at = new Date(now.getTime() + 60_000).toISOString();
      expect(await store.useStaffSession('h1', at, false)).toEqual({ userId: 's1', csrf: 'c1', expiresAt, lastSeenAt: now.toISOString() });
      await store.useStaffSession('h1', at);
      expect((await store.useStaffSession('h1', at))?.lastSeenAt).toBe(at);
      expect(await store.useStaffSession('h1', new Date(now.getTime() + 7_200_000).toISOString())).toBeUndefined();
      await store.deleteStaffSession('h1');
      expect(await store.useStaffSession('h1', at)).toBeUndefined();
      await store.deleteStaffSessionsOf('s1');
      expect(await store.useStaffSession('h2', at)).toBeUndefined();
    },
  ],
  [
    'failed logins are counted since a time and cleared',
    async (store) => {
      const start = now.toISOString();
      await store.recordLoginFailure('k');
      later(1000);
      await store.recordLoginFailure('k');
      expect(await store.loginFailuresSince('k', start)).toEqual({ count: 2, lastAt: now.toISOString() });
      expect(await store.loginFailuresSince('k', now.toISOString())).toEqual({ count: 1, lastAt: now.toISOString() });
      await store.clearLoginFailures('k');
      expect(await store.loginFailuresSince('k', start)).toEqual({ count: 0, lastAt: null });
    },
  ],
  [
    'agency alerts: fields set apart, null clears; LINE groups joined and left',
    async (store) => {
      await store.setAgencyAlerts('dsdw', { telegramChat: '-100123', lang: 'en' });
      await store.setAgencyAlerts('dsdw', { webhookUrl: 'https://x.example/hook', webhookSecret: 's'.repeat(16) });
      await store.setAgencyAlerts('dsdw', { telegramChat: null });
      expect(await store.transaction((tx) => tx.agencyAlerts('dsdw'))).toEqual({
        agency: 'dsdw',
        telegramChat: null,
        lineGroup: null,
        webhookUrl: 'https://x.example/hook',
        webhookSecret: 's'.repeat(16),
        lang: 'en',
        updatedAt: now.toISOString(),
      });
      expect((await store.listAgencyAlerts()).map((a) => a.agency)).toEqual(['dsdw']);
      await store.recordLineGroup('C1', true);
      later(1);
      await store.recordLineGroup('C2', true);
      await store.recordLineGroup('C1', false);
      expect(await store.listLineGroups()).toEqual([
        { groupId: 'C2', joinedAt: now.toISOString(), leftAt: null },
        { groupId: 'C1', joinedAt: new Date(now.getTime() - 1).toISOString(), leftAt: now.toISOString() },
      ]);
    },
  ],
  [
    'API tokens: found by hash until revoked, last use written about once a minute',
    async (store) => {
      const expiresAt = new Date(now.getTime() + 86_400_000).toISOString();
      await store.createToken({ id: 't1', hash: 'hash1', agency: 'dsdw', label: 'cms', expiresAt });
      expect(await store.findToken('hash1')).toEqual({ id: 't1', agency: 'dsdw', label: 'cms', expiresAt });
      const t0 = now.toISOString();
      await store.touchToken('t1', t0);
      await store.touchToken('t1', new Date(now.getTime() + 30_000).toISOString());
      expect((await store.listTokens())[0]).toMatchObject({ id: 't1', lastUsedAt: t0, revokedAt: null, createdAt: t0 });
      expect(await store.revokeToken('t1')).toBe(true);
      expect(await store.revokeToken('t1')).toBe(false);
      expect(await store.findToken('hash1')).toBeUndefined();
    },
  ],
  [
    'model calls are recorded, newest first',
    async (store) => {
      await store.recordLlmCall({ feature: 'extract', model: 'm', durationMs: 12.6, promptTokens: 5, completionTokens: null, outcome: 'ok', redacted: true });
      later(1);
      await store.recordLlmCall({ feature: 'summary', model: 'm', durationMs: 1, promptTokens: null, completionTokens: null, outcome: 'timeout', redacted: false });
      expect(await store.recentLlmCalls(10)).toEqual([
        { at: now.toISOString(), feature: 'summary', model: 'm', durationMs: 1, promptTokens: null, completionTokens: null, outcome: 'timeout', redacted: false },
        { at: new Date(now.getTime() - 1).toISOString(), feature: 'extract', model: 'm', durationMs: 13, promptTokens: 5, completionTokens: null, outcome: 'ok', redacted: true },
      ]);
    },
  ],
  [
    'a named lock is held by one at a time, and free again once released',
    async (store) => {
      const a = await store.acquireLock('poll');
      expect(a).toBeDefined();
      expect(await store.acquireLock('poll')).toBeUndefined();
      expect(await store.acquireLock('other')).toBeDefined();
      await a!.release();
      expect(await store.acquireLock('poll')).toBeDefined();
    },
  ],
  [
    'rate limits count per key within a window, then start again',
    async (store) => {
      expect(await store.hitRateLimit('k', 60_000, now, { increment: false })).toEqual({ count: 0, resetAt: now.toISOString() });
      expect((await store.hitRateLimit('k', 60_000, now)).count).toBe(1);
      expect((await store.hitRateLimit('k', 60_000, now, { increment: false })).count).toBe(1);
      const second = await store.hitRateLimit('k', 60_000, now);
      expect(second).toEqual({ count: 2, resetAt: new Date(now.getTime() + 60_000).toISOString() });
      expect((await store.hitRateLimit('other', 60_000, now)).count).toBe(1);
      expect((await store.hitRateLimit('k', 60_000, new Date(now.getTime() + 60_000))).count).toBe(1);
    },
  ],
  [
    'services, return steps, monitoring data and matches (issue 15)',
    async (store) => {
      const item = (id: string, over: Record<string, unknown> = {}) => ({ ticketRef: 'TR-C', plan: 'service' as const, id, template: null, seq: 0, agency: 'th-msdhs-1300', status: 'requested' as const, reason: null, note: null, dueAt: new Date(now.getTime() + 3_600_000).toISOString(), plannedAt: null, doneAt: null, alertedAt: null, ...over });
      await store.transaction(async (tx) => {
        await tx.insertTicket(ticket('TR-C'));
        await tx.insertTicket(ticket('TR-D'));
        await tx.addReferral('TR-C', 'th-msdhs-1300');
        await tx.audit({ ticketRef: 'TR-C', actor: 'bot', action: 'service.requested', detail: { kind: 'shelter', agency: 'th-msdhs-1300' } });
        await tx.saveCareItem(item('shelter'));
        await tx.saveCareItem(item('handover', { plan: 'return', template: 'p', seq: 1, agency: 'kh-ncct', status: 'pending', plannedAt: '2026-03-09' }));
        await tx.saveCareItem(item('legal', { seq: 1, dueAt: new Date(now.getTime() + 7_200_000).toISOString() }));
        await tx.setMatchKeys('TR-C', ['n:sk', 'n:dr']);
        await tx.setMatchKeys('TR-D', ['n:dr', 'p:12345678']);
        await tx.saveMatch({ a: 'TR-C', b: 'TR-D', score: 0.8, reasons: [{ code: 'name', weight: 0.5 }], status: 'rejected', reason: 'not him', decidedBy: 'staff:1', decidedAt: now.toISOString() });
      });
      expect((await store.careItems('TR-C')).map((i) => [i.plan, i.id, i.status, i.plannedAt])).toEqual([['service', 'shelter', 'requested', null], ['service', 'legal', 'requested', null], ['return', 'handover', 'pending', '2026-03-09']]);
      later(90 * 60_000);
      expect((await store.openCareItemsDue(now.toISOString())).map((i) => i.id)).toEqual(['shelter', 'handover']);
      // A queue page's tickets only; the tick's items whose agency was not told yet.
      expect((await store.openCareItemsDue(now.toISOString(), { tickets: ['TR-C', 'TR-NONE'] })).map((i) => i.id).sort()).toEqual(['handover', 'shelter']);
      expect(await store.openCareItemsDue(now.toISOString(), { tickets: ['TR-D'] })).toEqual([]);
      const handover = (await store.careItems('TR-C')).find((i) => i.id === 'handover')!;
      await store.transaction((tx) => tx.saveCareItem({ ...handover, alertedAt: now.toISOString() }));
      expect((await store.openCareItemsDue(now.toISOString(), { notAlerted: true })).map((i) => i.id)).toEqual(['shelter']);
      expect((await store.openCareItemsDue(now.toISOString(), { tickets: ['TR-C'], notAlerted: true })).map((i) => i.id)).toEqual(['shelter']);
      await store.transaction((tx) => tx.saveCareItem(item('shelter', { status: 'delivered', doneAt: now.toISOString() })));
      expect((await store.openCareItemsDue(now.toISOString())).map((i) => i.id)).toEqual(['handover']);
      const data = await store.monitoringData('2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z', 'th-msdhs-1300');
      expect(data.tickets.map((t) => [t.ref, t.agencies])).toEqual([['TR-C', ['th-msdhs-1300']]]);
      expect(data.audit.map((e) => [e.action, e.detail?.kind])).toEqual([['service.requested', 'shelter']]);
      expect(data.items).toHaveLength(3);
      expect(await store.ticketsWithMatchKeys('TR-C', ['n:sk', 'n:dr'])).toEqual(['TR-D']);
      expect(await store.matchesOf('TR-D')).toMatchObject([{ a: 'TR-C', b: 'TR-D', score: 0.8, status: 'rejected', reason: 'not him', reasons: [{ code: 'name', weight: 0.5 }] }]);
    },
  ],
  [
    'delivery leases: a claimed chat is handed out again only once released',
    async (store) => {
      await store.transaction((tx) => tx.enqueue({ channel: 'line', recipient: 'U1', kind: 'reply', payload: { text: 'x' } }));
      expect(await store.claimRecipients('line', now, 10, [])).toEqual(['U1']);
      await store.releaseRecipient('line', 'U1');
      expect(await store.claimRecipients('line', now, 10, [])).toEqual(['U1']);
    },
  ],
  // Privacy duties (issue 14).
  [
    'legal hold and the reporter\'s erasure request are set and cleared',
    async (store) => {
      await store.transaction((tx) => tx.insertTicket(ticket('TR-HOLD')));
      await store.transaction((tx) => tx.setPrivacyFlags('TR-HOLD', { legalHold: true, erasureRequested: true }));
      expect(await store.getTicket('TR-HOLD')).toMatchObject({ legalHoldAt: now.toISOString(), erasureRequestedAt: now.toISOString(), erasedAt: null });
      await store.transaction((tx) => tx.setPrivacyFlags('TR-HOLD', { legalHold: false }));
      expect(await store.getTicket('TR-HOLD')).toMatchObject({ legalHoldAt: null, erasureRequestedAt: now.toISOString() });
    },
  ],
  [
    'a purge removes what is past its cutoff (a dry run counts the same and removes nothing); a held ticket keeps its rows',
    async (store) => {
      await store.transaction(async (tx) => {
        for (const ref of ['TR-OLD', 'TR-KEPT']) {
          await tx.insertTicket(ticket(ref));
          await tx.addTranscript(`line:${ref}`, 'in', { text: 'words' }, undefined, { conversationId: `c-${ref}` });
          await tx.updateTicketWork(ref, { status: 'closed', outcome: 'assisted' });
        }
        await tx.setPrivacyFlags('TR-KEPT', { legalHold: true });
        await tx.addTranscript('line:U-none', 'in', { text: 'left half-way' }, undefined, { conversationId: 'c-none' });
        await tx.saveSession({ id: 'line:U-none', channel: 'line', userId: 'U-none', state: { v: 1, flow: 'entry', node: 'ask_lang', answers: {} } as never });
      });
      later(10 * 86_400_000);
      // Closed after the cutoff: kept, as its time has not run out (the purge reads closed tickets by age).
      await store.transaction(async (tx) => {
        await tx.insertTicket(ticket('TR-RECENT'));
        await tx.addTranscript('line:TR-RECENT', 'in', { text: 'words' }, undefined, { conversationId: 'c-TR-RECENT' });
        await tx.updateTicketWork('TR-RECENT', { status: 'closed', outcome: 'assisted' });
      });
      const cutoff = new Date(now.getTime() - 86_400_000).toISOString();
      const cutoffs = { closed_transcripts: cutoff, unticketed_conversations: cutoff };
      const dry = await store.transaction((tx) => tx.purgeExpired(cutoffs, { dryRun: true }));
      expect(dry.counts).toMatchObject({ closed_transcripts: 1, unticketed_conversations: 1, audit: 0 });
      expect(await store.transcriptOf('line:U-none')).toHaveLength(1);
      const real = await store.transaction((tx) => tx.purgeExpired(cutoffs, { dryRun: false }));
      expect(real.counts).toEqual(dry.counts);
      expect(await store.ticketTranscript((await store.getTicket('TR-OLD'))!)).toEqual([]);
      expect(await store.ticketTranscript((await store.getTicket('TR-KEPT'))!)).toHaveLength(1);
      expect(await store.ticketTranscript((await store.getTicket('TR-RECENT'))!)).toHaveLength(1);
      expect(await store.transcriptOf('line:U-none')).toEqual([]);
      expect(await store.transaction((tx) => tx.getSession('line:U-none'))).toBeUndefined();
    },
  ],
  [
    'a purge in slices removes exactly what one purge removes, and its slices come to an end',
    async (store) => {
      await seedExpiring(store);
      const cutoff = new Date(now.getTime() - 86_400_000).toISOString();
      const cutoffs = Object.fromEntries(RETENTION_KINDS.map((k) => [k, cutoff]));
      const dry = await store.transaction((tx) => tx.purgeExpired(cutoffs, { dryRun: true }));
      expect(dry.counts).toMatchObject({ unticketed_conversations: 4, closed_transcripts: 6, closed_attachments: 3, outbox_content: 5, inbound_events: 5, audit: 3 });
      // A dry run in slices of one row counts the same (a conversation's two rows come in two slices).
      expect((await purgeInSlices(store, cutoffs, true)).counts).toEqual(dry.counts);
      const { counts, files } = await purgeInSlices(store, cutoffs, false);
      expect(counts).toEqual(dry.counts);
      expect(files.sort()).toEqual(['files/f-TR-S1', 'files/f-TR-S2', 'files/f-TR-S3']);
      // Nothing is left to remove, and what was kept is still there.
      const again = await store.transaction((tx) => tx.purgeExpired(cutoffs, { dryRun: true }));
      expect(Object.values(again.counts).every((n) => n === 0)).toBe(true);
      expect(await store.ticketTranscript((await store.getTicket('TR-S4'))!)).toHaveLength(2);
      expect((await store.transcriptOf('line:U-going-on')).map((r) => (r.body as { text: string }).text)).toEqual(['old', 'new']);
      expect((await store.auditOf('TR-S5')).map((e) => e.action)).toEqual(['ticket.created']);
    },
  ],
  [
    'erasing a ticket leaves a tombstone: answers, transcript, files and notes go, the facts stay',
    async (store) => {
      await store.transaction(async (tx) => {
        await tx.insertTicket(ticket('TR-ERASE'));
        await tx.addTranscript('line:TR-ERASE', 'in', { text: 'my name is Somchai' }, undefined, { conversationId: 'c-TR-ERASE' });
        await tx.addAttachment({ id: 'a-erase', sessionId: 'line:TR-ERASE', channel: 'line', messageId: null, name: 'p.png', mime: 'image/png', size: 3, sha256: 'x', path: 'files/a-erase', conversationId: 'c-TR-ERASE' });
        await tx.linkAttachments('line:TR-ERASE', 'TR-ERASE', 'c-TR-ERASE');
        await tx.addNote('TR-ERASE', 'staff:s1', 'called Somchai');
        await tx.updateTicketWork('TR-ERASE', { status: 'closed', outcome: 'assisted' });
      });
      const files = await store.transaction((tx) => tx.eraseTicket('TR-ERASE'));
      expect(files).toEqual(['files/a-erase']);
      const t = (await store.getTicket('TR-ERASE'))!;
      expect(t).toMatchObject({ ref: 'TR-ERASE', priority: 'p2', caseType: 'trafficking', status: 'closed', outcome: 'assisted', answers: {} });
      expect(t.erasedAt).toBeTruthy();
      expect(await store.attachmentsOf('TR-ERASE')).toEqual([]);
      expect(await store.notesOf('TR-ERASE')).toEqual([]);
      expect(await store.ticketTranscript(t)).toEqual([]);
      expect(await store.transaction((tx) => tx.ticketsOfUser('line', 'U-TR-ERASE'))).toEqual([]);
      await store.scrub();
    },
  ],
  ...scaleBehaviours(later, clock),
  [
    'an unticketed-conversation purge removes exactly the expired conversations no ticket came from, and their loose files',
    async (store) => {
      // [session, conversation id (null: keyed by `session:<id>`), written before or after the cutoff, kept?]
      const rows: [session: string, conversation: string | null, when: 'old' | 'new', kept: boolean][] = [
        ['line:U-A', 'c-TR-A', 'old', true], // TR-A came from this conversation (by conversation id)
        ['line:TR-B', null, 'old', true], // TR-B has no conversation id: its session's rows are its own
        ['line:U-C', null, 'old', false], // no ticket: gone
        ['line:U-D', 'c-D', 'old', true], // still talking after the cutoff: the whole conversation stays
        ['line:U-D', 'c-D', 'new', true],
        ['line:U-E', 'c-E', 'old', false], // no ticket: gone
      ];
      // [id, session, conversation id, kept?]: files sent without a ticket
      const files: [id: string, session: string, conversation: string | null, kept: boolean][] = [
        ['f-A', 'line:U-A', 'c-TR-A', true],
        ['f-B', 'line:TR-B', null, true],
        ['f-C', 'line:U-C', null, false],
      ];
      const write = (when: 'old' | 'new') =>
        store.transaction(async (tx) => {
          for (const [session, conversation, w] of rows) {
            if (w === when) await tx.addTranscript(session, 'in', { text: `${session} ${when}` }, undefined, conversation ? { conversationId: conversation } : undefined);
          }
          if (when === 'new') return;
          for (const [id, session, conversation] of files) {
            await tx.addAttachment({ id, sessionId: session, channel: 'line', messageId: null, name: null, mime: 'image/png', size: 3, sha256: 'x', path: `files/${id}`, conversationId: conversation });
          }
          await tx.insertTicket(ticket('TR-A', { sessionId: 'line:U-A', userId: 'U-A', conversationId: 'c-TR-A' }));
          await tx.insertTicket(ticket('TR-B', { conversationId: null }));
        });
      await write('old');
      later(10 * 86_400_000);
      const cutoff = new Date(now.getTime() - 86_400_000).toISOString();
      await write('new');
      const result = await store.transaction((tx) => tx.purgeExpired({ unticketed_conversations: cutoff }, { dryRun: false }));
      expect(result.counts.unticketed_conversations).toBe(2);
      expect(result.files.sort()).toEqual(files.filter((f) => !f.at(-1)).map(([id]) => `files/${id}`));
      for (const session of new Set(rows.map(([s]) => s))) {
        const kept = rows.filter(([s, , , k]) => s === session && k).map(([s, , w]) => `${s} ${w}`);
        expect((await store.transcriptOf(session)).map((r) => (r.body as { text: string }).text)).toEqual(kept);
      }
    },
  ],
];

/** The engines: how to open a fresh store of each. */
interface Engine {
  name: string;
  skip: boolean;
  setup(): Promise<void>;
  open(): Promise<Store>;
  reset(store: Store): Promise<void>;
  teardown(): Promise<void>;
}

const sqlite = (): Engine => {
  let dir = '';
  return {
    name: 'SQLite',
    skip: false,
    async setup() {
      dir = mkdtempSync(path.join(tmpdir(), 'tangrod-contract-'));
    },
    async open() {
      return openSqliteStore(path.join(dir, `${Math.random().toString(36).slice(2)}.db`), clock);
    },
    async reset(store) {
      await store.close();
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const postgres = (): Engine => {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  return {
    name: 'PostgreSQL',
    skip: !postgresUrl,
    async setup() {
      db = await freshDatabase();
    },
    async open() {
      const store = openPostgresStore(db!.url, { clock });
      await store.ready;
      return store;
    },
    async reset(store) {
      await store.close();
      // Empty every table but the migrations' record, ids from 1 again: a fresh database, quickly.
      const c = new pg.Client(db!.url);
      await c.connect();
      try {
        const tables = (await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`)).rows.map((r: { tablename: string }) => r.tablename);
        await c.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`);
      } finally {
        await c.end();
      }
    },
    async teardown() {
      await db?.drop();
    },
  };
};

for (const engine of [sqlite(), postgres()]) {
  describe.skipIf(engine.skip)(`the store contract on ${engine.name}`, () => {
    let store: Store;
    beforeAll(() => engine.setup());
    afterAll(() => engine.teardown());
    beforeEach(async () => {
      now = new Date('2026-03-01T08:00:00.000Z');
      store = await engine.open();
      return () => engine.reset(store);
    });
    it.each(behaviours)('%s', async (_name, run) => {
      await run(store);
    });
  });
}
