/**
 * A crash between the commit and the send: the reply rows stay pending, and new services over the
 * same DATA_DIR deliver them at start, exactly once. Likewise an event stored by the webhook but
 * not yet handled when the process died.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../src/services.ts';
import { loadConfig } from '../src/config/env.ts';
import { lineEvent, startFakeLine, type FakeLine } from './fakes/fake-line.ts';
import { lineEnv, startChannelApp, tempDataDir, waitFor } from './helpers/channel-app.ts';

let fake: FakeLine;
let dataDir: string;

beforeEach(async () => {
  fake = await startFakeLine();
  dataDir = tempDataDir();
});
afterEach(async () => {
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({ ...lineEnv(fake.origin), SIMULATOR: 'off' });

describe('delivery across a crash', () => {
  it('sends the replies committed before the crash after a restart, exactly once', async () => {
    // "Before the crash": the conversation commits its outbox rows, and nothing sends them.
    const first = createServices(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env() }));
    const result = await first.conversation.handle({ channel: 'line', userId: 'Ucrash', eventId: 'ev-1', messageId: 'm-1', content: { type: 'text', text: 'hello' } });
    expect(result.replies.length).toBeGreaterThan(0);
    await first.store.close();
    expect(fake.calls).toEqual([]);

    // The restart delivers them.
    const second = await startChannelApp(env(), dataDir);
    await waitFor(() => fake.delivered().length > 0, 10_000, 'the pending replies');
    await second.idle();
    const texts = fake.texts();
    expect(texts.join('\n')).toContain(result.replies[0]!.text.slice(0, 50));
    expect(fake.delivered().every((c) => c.kind === 'push' && c.to === 'Ucrash')).toBe(true);
    await second.close({ keepData: true });

    // Another restart sends nothing again.
    const third = await startChannelApp(env(), dataDir);
    await new Promise((r) => setTimeout(r, 300));
    await third.idle();
    expect(fake.texts()).toEqual(texts);
    await third.close({ keepData: true });
  });

  it('handles an event accepted by the webhook but not handled before the crash', async () => {
    // "Before the crash": the webhook stored the event (and answered LINE 200), then the process died.
    const first = createServices(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env() }));
    await first.store.addInbound([{ channel: 'line', eventId: 'ev-2', userKey: 'Uinbox', payload: lineEvent('Uinbox', { type: 'message', webhookEventId: 'ev-2', message: { id: 'm-2', type: 'text', text: 'hello' } }) }]);
    await first.store.close();

    const second = await startChannelApp(env(), dataDir);
    await waitFor(() => fake.delivered().length > 0, 10_000, 'the answer to the stored event');
    await second.idle();
    expect(await second.services.store.pendingInbound()).toEqual([]);
    const sent = fake.texts().length;
    await second.close({ keepData: true });

    const third = await startChannelApp(env(), dataDir);
    await new Promise((r) => setTimeout(r, 300));
    await third.idle();
    expect(fake.texts().length).toBe(sent);
    await third.close({ keepData: true });
  });
});
