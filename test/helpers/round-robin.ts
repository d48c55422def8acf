/**
 * A round-robin reverse proxy on 127.0.0.1, as a load balancer in front of several instances: each
 * request goes to the next upstream; one that refuses the connection (an instance that died) is
 * skipped, as a balancer's health check would, and the request tried on the next.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running proxy. */
export interface RoundRobin {
  url: string;
  /** Requests answered by each upstream, by its URL. */
  served: Map<string, number>;
  close(): Promise<void>;
}

export async function startRoundRobin(upstreams: string[]): Promise<RoundRobin> {
  let next = 0;
  const served = new Map<string, number>(upstreams.map((u) => [u, 0]));
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    for (let tried = 0; tried < upstreams.length; tried++) {
      const upstream = upstreams[next++ % upstreams.length]!;
      const answered = await new Promise<boolean>((resolve) => {
        const target = new URL(req.url ?? '/', upstream);
        const out = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
          served.set(upstream, (served.get(upstream) ?? 0) + 1);
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.on('end', () => resolve(true));
          up.on('error', () => resolve(true));
        });
        // Refused or reset before an answer: try the next instance.
        out.on('error', () => resolve(false));
        out.end(body);
      });
      if (answered) return;
    }
    res.writeHead(502).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
