/**
 * A real crash between a LINE push and its "sent" mark: the server process is killed (SIGKILL)
 * right after the fake LINE accepted a push and before it answered. More messages for the chat
 * arrive before the restart. The restart pushes again under the retry key fixed before the first
 * attempt, so LINE (like the fake) drops the repeat: the person sees every message once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../src/services.ts';
import { loadConfig } from '../src/config/env.ts';
import { startFakeLine, type FakeLine } from './fakes/fake-line.ts';
import { lineEnv, startChannelApp, tempDataDir, waitFor } from './helpers/channel-app.ts';

let fake: FakeLine;
let dataDir: string;
let child: ChildProcess | undefined;

beforeEach(async () => {
  fake = await startFakeLine();
  dataDir = tempDataDir();
});
afterEach(async () => {
  child?.kill('SIGKILL');
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SIMULATOR: 'off', ...lineEnv(fake.origin) });

/** Handles one event as the inbound queue would, without sending (no dispatcher runs here). */
async function handleOffline(eventId: string, text: string) {
  const services = createServices(loadConfig(env()));
  await services.conversation.handle({ channel: 'line', userId: 'Ucrash', eventId, messageId: `m-${eventId}`, content: { type: 'text', text } });
  await services.store.close();
}

describe('LINE push across a crash', () => {
  it('does not show a message twice when the process died between the push and marking it sent', async () => {
    // Reply tokens refused (expired), so the answers go by push, which has the retry key.
    fake.replyStatus = 400;
    await handleOffline('ev-1', 'hello');

    // The server starts, pushes the answer, LINE takes it, and the process is killed before the answer comes back.
    const exited = new Promise<void>((resolve) => {
      fake.acceptThenHang = true;
      fake.onAcceptedHang = () => child?.kill('SIGKILL');
      child = spawn(process.execPath, ['src/main.mjs'], { env: { ...process.env, ...env(), PORT: '0', HOST: '127.0.0.1' }, stdio: 'ignore' });
      child.once('exit', () => resolve());
    });
    await exited;
    const shownBeforeCrash = fake.texts();
    expect(shownBeforeCrash.length).toBeGreaterThan(0);

    // The person wrote again meanwhile (the event was handled before the restart's first send).
    fake.acceptThenHang = false;
    await handleOffline('ev-2', 'no');

    const app = await startChannelApp(env(), dataDir);
    try {
      await waitFor(async () => (await app.services.store.dueOutbox('line', new Date(Date.now() + 3_600_000), 100)).length === 0, 15_000, 'the outbox drained');
      await app.idle();
      const outs = (await app.services.store.transcriptOf('line:Ucrash')).filter((t) => t.direction === 'out').map((t) => (t.body as { text: string }).text);
      // Every message shown once, in order: LINE dropped the repeated push (409).
      expect(fake.texts()).toEqual(outs);
      expect(fake.calls.some((c) => c.kind === 'push' && c.status === 409)).toBe(true);
    } finally {
      await app.close({ keepData: true });
    }
  }, 60_000);
});
