/**
 * The local simulator: a channel that needs no tokens, for flow authors and tests.
 * `POST /api/sim/messages` takes one user message and answers the bot's replies; `GET` with `?user=`
 * collects messages that arrived later (staff writing through the bot); `/sim` is a chat page.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { RequestError } from '../../core/errors.ts';
import { forDisplay } from '../../conversation/display.ts';
import { type InboundContent, type Reply, rowReplies } from '../../conversation/reply.ts';
import { ACCEPTED_MIME, sniffMime } from '../media.ts';
import { simRateLimit } from './sim-limits.ts';
import { TRAINING_SIM_BANNER } from '../../training/workspace.ts';

/** The simulator's channel name in sessions, tickets and the outbox. */
export const SIM_CHANNEL = 'sim';

/** File types the bot accepts as evidence (kept here too for existing imports). */
export { ACCEPTED_MIME };

const user = z.string().trim().min(1, 'user must not be empty').max(128, 'user is at most 128 characters');

export const simMessageSchema = z
  .object({
    user,
    /** Optional idempotency key: the same id twice is handled once. */
    id: z.string().min(1).max(128).optional(),
    text: z.string().max(100_000).optional(),
    choice: z.string().max(1000).optional(),
    location: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), text: z.string().max(500).optional() }).strict().optional(),
    image: z
      .object({
        name: z.string().max(255).default('upload'),
        mime: z.string().min(3).max(100),
        base64: z.string().regex(/^[A-Za-z0-9+/=\s]*$/, 'image.base64 must be base64'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((m) => [m.text, m.choice, m.location, m.image].filter((v) => v !== undefined).length === 1, {
    message: 'send exactly one of text, choice, location or image',
  });

const STATIC: Record<string, { file: string; type: string }> = {
  '/sim': { file: 'sim.html', type: 'text/html; charset=utf-8' },
  '/sim/sim.js': { file: 'sim.js', type: 'text/javascript; charset=utf-8' },
  '/sim/sim.css': { file: 'sim.css', type: 'text/css; charset=utf-8' },
};

/** A reply in the simulator's contract: text, choices, expects, ticket (the page has its own 📍 and 📎). */
function forSimulator(shown: Reply): Reply {
  const { inputLabels: _native, ...reply } = forDisplay(shown);
  return reply;
}

/** Mounts the simulator's API and page. */
export function registerSimulator(app: FastifyInstance, services: Services): void {
  const { conversation, files, polled, config } = services;
  const limited = { preHandler: simRateLimit(app, config) };

  app.post('/api/sim/messages', limited, async (req, reply) => {
    const parsed = simMessageSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new RequestError(400, 'invalid_message', `${issue.path.join('.') || 'body'}: ${issue.message}. Expected {"user": "...", "text": "..."} or choice, location or image.`);
    }
    const m = parsed.data;
    let content: InboundContent;
    if (m.text !== undefined) content = { type: 'text', text: m.text };
    else if (m.choice !== undefined) content = { type: 'choice', ids: m.choice.split(',').map((s) => s.trim()).filter(Boolean) };
    else if (m.location) content = { type: 'location', lat: m.location.lat, lon: m.location.lon, ...(m.location.text ? { text: m.location.text } : {}) };
    else {
      const image = m.image!;
      const bytes = Buffer.from(image.base64, 'base64');
      // The type is told from the bytes, as on LINE and Telegram: the declared type is only a claim.
      const mime = sniffMime(bytes);
      if (bytes.byteLength === 0) throw new RequestError(400, 'invalid_message', 'image.base64 is empty.');
      else if (bytes.byteLength > config.MAX_UPLOAD_BYTES) content = { type: 'unsupported', what: 'file_too_large' };
      else if (!mime || !ACCEPTED_MIME.includes(mime)) content = { type: 'unsupported', what: 'file_type' };
      else content = { type: 'media', file: await files.save(bytes, mime, image.name) };
    }
    const id = m.id ?? randomUUID();
    // The idempotency id is the user's own: another user's "m-1" is another message.
    const eventId = `${m.user.length}:${m.user}:${id}`;
    const result = await conversation.handle({ channel: SIM_CHANNEL, userId: m.user, eventId, messageId: id, content }, { synchronous: true });
    if (result.duplicate && content.type === 'media') await files.delete([content.file.path]);
    return reply.send({ replies: result.replies.map(forSimulator), ...(result.duplicate ? { duplicate: true } : {}) });
  });

  app.get('/api/sim/messages', limited, async (req) => {
    const parsed = z.object({ user }).safeParse(req.query);
    if (!parsed.success) throw new RequestError(400, 'invalid_query', 'Pass ?user=<the simulator user id>.');
    const pending = await polled.take(SIM_CHANNEL, parsed.data.user);
    return { replies: pending.flatMap(rowReplies).map(forSimulator) };
  });

  for (const [route, { file, type }] of Object.entries(STATIC)) {
    app.get(route, async (_req, reply) => {
      let body: Buffer | string = await readFile(new URL(`../../../public/${file}`, import.meta.url));
      // The training workspace says so on its chat page too (the simulator page is in English).
      if (config.TRAINING && file === 'sim.html') body = body.toString('utf8').replace('<body>', `<body>\n  <p class="training-banner" role="note">${TRAINING_SIM_BANNER}</p>`);
      return reply.type(type).header('cache-control', 'no-store').header('content-security-policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'").send(body);
    });
  }
}
