/**
 * The worker thread that makes the platforms' per-message calls (LINE reply and push, Telegram
 * sendMessage and deleteMessages) for the main thread, one for every configured channel: see
 * `core/call-worker.ts` for why. Each channel's part is loaded only when it is configured. Started
 * by `platformCallWorker` (channels.ts); never imported.
 */
import { type Plain, type Served, serveCalls, startData } from '../core/call-worker.ts';
import { startMemoryRelease } from '../ops/memory-release.ts';
import type { LineWorkerData } from './line/line-call-worker.ts';
import type { TelegramWorkerData } from './telegram/telegram-call-worker.ts';

/** What the worker is started with: the configured channels' credentials and API roots. */
export interface PlatformWorkerData {
  line?: LineWorkerData;
  telegram?: TelegramWorkerData;
}

const data = startData<PlatformWorkerData>();
const methods: Served = {};
const plains: Plain[] = [];
const add = (part: { methods: Served; plain: Plain }) => (Object.assign(methods, part.methods), plains.push(part.plain));
if (data.line) add((await import('./line/line-call-worker.ts')).lineServed(data.line));
if (data.telegram) add((await import('./telegram/telegram-call-worker.ts')).telegramServed(data.telegram));
serveCalls(methods, plains);
// Its own heap grows under a burst too, and is handed back after it as the main thread's is
// (decision 0029); its heap is small, so a smaller growth is worth a release.
startMemoryRelease({ growthBytes: 4 * 1024 * 1024 });
