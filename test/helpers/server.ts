/**
 * Starts the real server on a free port with a temporary data folder, as a newcomer's `npm start`
 * would, and gives tests small helpers to talk to it.
 */
import type { FastifyInstance } from 'fastify';
import { createApiToken } from '../../src/api/tokens.ts';
import type { Services } from '../../src/services.ts';
import type { Reply } from '../../src/conversation/reply.ts';
import type { Clock } from '../../src/core/clock.ts';
import { startChannelApp } from './channel-app.ts';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  services: Services;
  dataDir: string;
  /** Posts a simulator message; returns the status and body. */
  sim(body: unknown): Promise<{ status: number; body: { replies: Reply[]; duplicate?: boolean; error?: string; message?: string } }>;
  /** Creates an API token for an agency id or 'all'. */
  token(agency: string): Promise<string>;
  /** GETs a staff API path with a bearer token. */
  api(pathAndQuery: string, token?: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}, clock?: Clock): Promise<TestServer> {
  const base = await startChannelApp(env, undefined, clock);
  const { url, services } = base;
  return {
    url,
    app: base.app,
    services,
    dataDir: base.dataDir,
    async sim(body) {
      const res = await fetch(`${url}/api/sim/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as never };
    },
    async token(agency) {
      return (await createApiToken(services.store, agency === 'all' ? '*' : agency, 'test')).token;
    },
    async api(p, token) {
      const res = await fetch(`${url}${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: res.status, body: await res.json() };
    },
    close: () => base.close(),
  };
}

/** The last reply that waits for an answer. */
export function question(replies: Reply[]): Reply | undefined {
  return [...replies].reverse().find((r) => r.expects);
}

/** Every reply's text, joined. */
export function texts(replies: Reply[]): string {
  return replies.map((r) => r.text).join('\n');
}
