/**
 * A fake case-management system on 127.0.0.1: receives Tangrod's signed webhook posts, keeps the
 * raw bodies and headers, and answers with the statuses a test queues (then 200).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as received. */
export interface WebhookHit {
  raw: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  at: number;
}

export interface FakeWebhook {
  url: string;
  hits: WebhookHit[];
  /** Statuses for the next requests, used up in order (then 200). */
  failures: number[];
  /** Requests answered 2xx. */
  accepted(): WebhookHit[];
  close(): Promise<void>;
}

export async function startFakeWebhook(path = '/hooks/tangrod'): Promise<FakeWebhook> {
  const fake = { hits: [], failures: [] } as unknown as FakeWebhook;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const status = req.method === 'POST' && req.url === path ? (fake.failures.shift() ?? 200) : 404;
    fake.hits.push({ raw: Buffer.concat(chunks).toString('utf8'), headers: req.headers, status, at: Date.now() });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status < 300 ? '{"ok":true}' : '{"error":"boom"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  fake.accepted = () => fake.hits.filter((h) => h.status >= 200 && h.status < 300);
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}
