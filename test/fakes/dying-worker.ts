/** A worker for the CallWorker test: `echo` answers, `die` ends the thread as a crash would. */
import { serveCalls } from '../../src/core/call-worker.ts';

serveCalls(
  {
    echo: async (value: unknown) => value,
    fail: async (message: string) => {
      throw new TypeError(message, { cause: { code: 'ECONNRESET' } });
    },
    die: async () => process.exit(3),
  },
);
