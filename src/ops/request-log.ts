/**
 * How HTTP requests are logged: each with a request id, and without what could identify a person.
 *
 * Fastify's default request serializer logs the full URL (a query string may carry a search or a
 * token), the client's address and port, and the host. Here a request is logged as its method,
 * its path and its id only. The id is taken from an `X-Request-Id` set by the proxy in front (so
 * its logs and ours can be matched) when it looks like one, else made up, and is sent back in the
 * response's `X-Request-Id`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

/** A request id we accept from a proxy: short, and nothing that could break a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's path without its query string. */
export function pathOnly(url: string | undefined): string {
  const s = url ?? '/';
  const q = s.indexOf('?');
  return q === -1 ? s : s.slice(0, q);
}

/** Fastify options for logging and request ids; `stream` is for tests that read the log. */
export function requestLogOptions(logLevel: string, stream?: { write(line: string): void }): Pick<FastifyServerOptions, 'logger' | 'genReqId'> {
  return {
    logger:
      logLevel === 'silent'
        ? false
        : {
            level: logLevel,
            ...(stream ? { stream } : {}),
            serializers: {
              req: (req: { method?: string; url?: string }) => ({ method: req.method, path: pathOnly(req.url) }),
              res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
            },
          },
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  };
}

/** Sends the request id back, so a user's report of a failure can be found in the log. */
export function echoRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
}
