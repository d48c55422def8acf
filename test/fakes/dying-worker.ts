/** A worker for the CallWorker test: `echo` answers, `wait` answers after a while, `die` ends the thread as a crash would. */
import { serveCalls } from '../../src/core/call-worker.ts';

serveCalls(
  {
    echo: async (value: unknown) => value,
    wait: (ms: number) => new Promise((resolve) => setTimeout(() => resolve(ms), ms)),
    fail: async (message: string) => {
      throw new TypeError(message, { cause: { code: 'ECONNRESET' } });
    },
    die: async () => process.exit(3),
  },
);
