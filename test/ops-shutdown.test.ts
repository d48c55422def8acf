/**
 * The real server process: SIGTERM while messages are being delivered loses nothing and exits
 * within SHUTDOWN_TIMEOUT_MS; a delivery that hangs past the deadline still exits in time, and is
 * sent at the next start; the log carries request ids and no query strings or client addresses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { lineEvent } from './fakes/fake-line.ts';
import { LINE_SECRET, LINE_TOKEN, postLine, waitFor } from './helpers/channel-app.ts';
import { type ServerProcess, spawnServer } from './helpers/process.ts';

/** A LINE API whose pushes take `delayMs` each, or never answer while `hang` is on. */
interface SlowLine {
  origin: string;
  delayMs: number;
  hang: boolean;
  /** Pushes LINE accepted: recipient and texts. */
  pushes: { to: string; texts: string[] }[];
  /** Pushes that arrived (answered or not). */
  started: number;
  close(): Promise<void>;
}

async function startSlowLine(delayMs: number): Promise<SlowLine> {
  const held = new Set<() => void>();
  const line: SlowLine = { origin: '', delayMs, hang: false, pushes: [], started: 0, close: async () => {} };
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  };
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname.startsWith('/v2/bot/profile/')) return send(200, { userId: 'u', displayName: 'T', language: 'en' });
    // Reply tokens are refused, so that every message goes out as a push with its recipient.
    if (url.pathname === '/v2/bot/message/reply') return send(400, { message: 'Invalid reply token' });
    if (url.pathname === '/v2/bot/message/push') {
      const body = await read(req);
      line.started += 1;
      if (line.hang) return void held.add(() => res.destroy());
      await new Promise((r) => setTimeout(r, line.delayMs));
      line.pushes.push({ to: body.to, texts: (body.messages as { text: string }[]).map((m) => m.text) });
      return send(200, { sentMessages: [] });
    }
    send(404, {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  line.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  line.close = () =>
    new Promise<void>((r) => {
      for (const drop of held) drop();
      server.closeAllConnections();
      server.close(() => r());
    });
  return line;
}

const env = (dataDir: string, origin: string, extra: Record<string, string> = {}) => ({
  DATA_DIR: dataDir,
  SIMULATOR: 'off',
  LINE_CHANNEL_SECRET: LINE_SECRET,
  LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN,
  LINE_API_BASE_URL: origin,
  LINE_DATA_API_BASE_URL: origin,
  ...extra,
});

const textEvent = (user: string, text: string) => lineEvent(user, { type: 'message', message: { id: `${user}-${text}`, type: 'text', text, quoteToken: 'q' } });

let dataDir: string;
let line: SlowLine | undefined;
let proc: ServerProcess | undefined;
afterEach(async () => {
  proc?.proc.kill('SIGKILL');
  await line?.close();
  rmSync(dataDir, { recursive: true, force: true });
  proc = line = undefined;
});

function count(dir: string, sql: string): number {
  const db = new Database(path.join(dir, 'tangrod.db'), { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Sends SIGTERM once a push is on its way to LINE; the exit code and how long the exit took. */
async function terminateDuringPush(p: ServerProcess): Promise<{ code: number | null; took: number }> {
  await waitFor(() => line!.started > 0, 10_000, 'a push in flight');
  const signalled = Date.now();
  p.proc.kill('SIGTERM');
  const { code } = await p.exited;
  return { code, took: Date.now() - signalled };
}

describe('SIGTERM', () => {
  it('during delivery: exits 0 within the deadline, and after a restart every accepted message has its answer, none twice', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tangrod-sigterm-'));
    line = await startSlowLine(400);
    proc = await spawnServer(env(dataDir, line.origin, { SHUTDOWN_TIMEOUT_MS: '8000' }));
    const users = ['Usig1', 'Usig2', 'Usig3', 'Usig4', 'Usig5', 'Usig6'];
    for (const u of users) expect((await postLine(proc.url, { destination: 'Ubot', events: [textEvent(u, 'hello')] })).status).toBe(200);
    // Some answers are on their way to LINE (which takes 400 ms each) when the signal comes.
    const { code, took } = await terminateDuringPush(proc);
    expect(code).toBe(0);
    expect(took).toBeLessThan(8000);
    expect(proc.output()).toContain('stopped cleanly');

    // Start again on the same data: what was left is handled and sent.
    line.delayMs = 0;
    proc = await spawnServer(env(dataDir, line.origin));
    await waitFor(() => users.every((u) => line!.pushes.some((p) => p.to === u)), 15_000, 'an answer to every user');
    await waitFor(() => count(dataDir, `SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'`) === 0 && count(dataDir, 'SELECT COUNT(*) AS n FROM inbox') === 0, 10_000, 'empty queues');
    for (const u of users) {
      const texts = line.pushes.filter((p) => p.to === u).flatMap((p) => p.texts);
      expect(new Set(texts).size, `${u} got a message twice`).toBe(texts.length);
    }
    expect(count(dataDir, `SELECT COUNT(*) AS n FROM transcript WHERE direction = 'in'`)).toBe(users.length);
  }, 60_000);

  it('with a delivery that never ends: exits within the deadline with code 1, and the message is sent at the next start', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tangrod-sigterm-'));
    line = await startSlowLine(0);
    line.hang = true;
    proc = await spawnServer(env(dataDir, line.origin, { SHUTDOWN_TIMEOUT_MS: '1500' }));
    expect((await postLine(proc.url, { destination: 'Ubot', events: [textEvent('Uhang1', 'hello')] })).status).toBe(200);
    const { code, took } = await terminateDuringPush(proc);
    expect(code).toBe(1);
    expect(took).toBeGreaterThanOrEqual(1400);
    // The deadline, plus at most a second for closing the database, plus the process's own exit.
    expect(took).toBeLessThan(1500 + 1000 + 1500);
    const deadline = proc.logLines().find((l) => l.msg === 'shutdown deadline passed; work left is resumed at the next start');
    // It was still sending: the HTTP server and channels had not finished closing.
    expect(deadline?.waitingFor).toBe('server and channels');

    line.hang = false;
    proc = await spawnServer(env(dataDir, line.origin));
    await waitFor(() => line!.pushes.some((p) => p.to === 'Uhang1'), 15_000, 'the answer after the restart');
  }, 60_000);
});

describe('request log', () => {
  it('has a request id on every request line, echoes it, and carries no query string or client address', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tangrod-log-'));
    line = await startSlowLine(0);
    proc = await spawnServer(env(dataDir, line.origin));
    const given = await fetch(`${proc.url}/api/tickets?status=new&q=secret-query-text`, { headers: { 'x-request-id': 'ops-test-req-1' } });
    expect(given.status).toBe(401);
    expect(given.headers.get('x-request-id')).toBe('ops-test-req-1');
    const made = await fetch(`${proc.url}/healthz?probe=another-secret`);
    const madeId = made.headers.get('x-request-id');
    expect(madeId).toMatch(/^[0-9a-f-]{36}$/);
    // A header that could break a log line is not taken as an id.
    const odd = await fetch(`${proc.url}/healthz`, { headers: { 'x-request-id': 'a b"c' } });
    expect(odd.headers.get('x-request-id')).not.toBe('a b"c');

    await waitFor(() => proc!.logLines().filter((l) => l.reqId === madeId).length >= 2, 5000, 'the log lines');
    const lines = proc.logLines();
    const ours = lines.filter((l) => l.reqId === 'ops-test-req-1');
    expect(ours.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    expect(ours.find((l) => l.msg === 'incoming request')!.req).toEqual({ method: 'GET', path: '/api/tickets' });
    for (const l of lines.filter((l) => l.req || l.res)) {
      expect(l.reqId).toBeTruthy();
      if (l.req) expect(Object.keys(l.req as object).sort()).toEqual(['method', 'path']);
      expect(JSON.stringify(l)).not.toMatch(/secret-query-text|another-secret|remoteAddress|remotePort|127\.0\.0\.1/);
    }
    proc.proc.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  }, 60_000);
});
