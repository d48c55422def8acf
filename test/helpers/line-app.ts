/**
 * A Tangrod server with the LINE channel on, against a fresh fake Messaging API for each test:
 * the set-up the LINE tests share.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { type FakeLine, startFakeLine } from '../fakes/fake-line.ts';
import { type ChannelApp, lineEnv, postLine, startChannelApp } from './channel-app.ts';

/** The fake LINE platform and the server of the running test. */
export interface LineTestApp {
  fake: FakeLine;
  ctx: ChannelApp;
  /** Posts signed events in one webhook request, expects 200, and waits until they are handled and answered. */
  send(...events: Record<string, unknown>[]): Promise<void>;
}

/** Registers the per-test start and stop; read `fake` and `ctx` inside the tests. */
export function useLineApp(): LineTestApp {
  const app = {
    async send(...events: Record<string, unknown>[]) {
      const res = await postLine(app.ctx.url, { destination: 'Ubot', events });
      expect(res.status).toBe(200);
      await app.ctx.idle();
    },
  } as LineTestApp;
  beforeEach(async () => {
    app.fake = await startFakeLine();
    app.ctx = await startChannelApp({ ...lineEnv(app.fake.origin), SIMULATOR: 'off' });
  });
  afterEach(async () => {
    await app.ctx.close();
    await app.fake.close();
  });
  return app;
}
