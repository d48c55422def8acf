/**
 * The scripted reporters of the training workspace: once a second they read what staff sent them
 * and answer from their scenario (see {@link TrainingService.tick}), while the server is up.
 */
import type { FastifyInstance } from 'fastify';
import type { TrainingService } from './exercise-service.ts';

/** How often the personas read their messages. */
export const REPLY_TICK_MS = 1000;

/** Starts the personas' reading when the server is ready; stops it, waiting for a tick in flight, when it closes. */
export function registerScriptedReporters(app: FastifyInstance, training: TrainingService): void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      running = training.tick().catch((err: Error) => app.log.error({ err: { message: err.message } }, 'training: a scripted reply failed'));
    }, REPLY_TICK_MS);
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
