/**
 * Webhook routes need the request body exactly as sent: LINE signs the raw bytes, and nothing
 * should be parsed before the sender is authenticated.
 */
import type { FastifyInstance } from 'fastify';

/** Webhook bodies are small; a LINE batch or a Telegram update stays far below this. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * Registers routes in their own plugin scope where every body arrives as a raw Buffer. The scope
 * keeps the parser from reaching the other routes, which still get parsed JSON.
 */
export function registerRawBodyRoutes(app: FastifyInstance, routes: (scope: FastifyInstance) => void): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
    routes(scope);
  });
}
