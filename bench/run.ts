/**
 * `npm run bench`: how fast the core runs on this machine. Not a test: it prints numbers, and the
 * targets next to them, so that a change that slows the hot path shows up.
 *
 * - engine: pure `step` calls per second over the shipped flows (target: > 20,000/s);
 * - conversation: whole screenings through ConversationService on a temporary SQLite database,
 *   one transaction per message, as the simulator runs them (target: p95 of one message < 20 ms);
 * - start-up and memory: the real server process, from spawn to first answer, and its RSS with
 *   10,000 live sessions (bench/startup.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createServices } from '../src/services.ts';
import { loadConfig } from '../src/config/env.ts';
import type { InboundContent } from '../src/conversation/reply.ts';
import { initialState, step } from '../src/flow/engine.ts';
import type { Input, SessionState } from '../src/flow/types.ts';
import { TranslationLexicon } from '../src/i18n/lexicon.ts';
import { benchStartup } from './startup.ts';

const ENGINE_STEPS = 50_000;
const CONVERSATIONS = 200;

/** One victim screening, as choice ids and texts, in the order the shipped flows ask. */
const SCRIPT: Input[] = [
  { type: 'choice', ids: ['no'] },
  { type: 'choice', ids: ['help_me'] },
  { type: 'choice', ids: ['TH'] },
  { type: 'text', text: 'Samut Sakhon, fishing port' },
  { type: 'choice', ids: ['MM'] },
  { type: 'choice', ids: ['adult'] },
  ...Array.from({ length: 10 }, (): Input => ({ type: 'choice', ids: ['yes'] })),
  { type: 'choice', ids: ['shelter', 'go_home'] },
  { type: 'choice', ids: ['skip'] },
  { type: 'choice', ids: ['yes'] },
  { type: 'choice', ids: ['yes'] },
  { type: 'choice', ids: ['yes'] },
  { type: 'choice', ids: ['send'] },
];

const dataDir = mkdtempSync(path.join(tmpdir(), 'tangrod-bench-'));
try {
  const services = createServices(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  const { flows, translations } = services.definitions;
  const lexicon = new TranslationLexicon(translations);

  // Engine alone.
  let state: SessionState = initialState(flows, { lang: 'en' });
  let i = 0;
  const t0 = performance.now();
  for (let n = 0; n < ENGINE_STEPS; n++) {
    const input = i === 0 ? ({ type: 'start' } as Input) : SCRIPT[i - 1]!;
    state = step(flows, state, input, lexicon).state;
    i = state.ended || i >= SCRIPT.length ? 0 : i + 1;
  }
  const engineRate = ENGINE_STEPS / ((performance.now() - t0) / 1000);

  // Whole conversations through the pipeline and the database.
  const times: number[] = [];
  const c0 = performance.now();
  for (let c = 0; c < CONVERSATIONS; c++) {
    const user = `bench-${c}`;
    const contents: InboundContent[] = [
      { type: 'text', text: 'hello' },
      ...SCRIPT.map((s): InboundContent => (s.type === 'choice' ? { type: 'choice', ids: s.ids } : { type: 'text', text: (s as { text: string }).text })),
    ];
    for (const [n, content] of contents.entries()) {
      const m0 = performance.now();
      await services.conversation.handle({ channel: 'sim', userId: user, eventId: `${user}-${n}`, content }, { synchronous: true });
      times.push(performance.now() - m0);
    }
  }
  const seconds = (performance.now() - c0) / 1000;
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(2);
  const tickets = (await services.store.listTickets({ limit: 1000 })).length;
  await services.store.close();

  console.log(`engine:        ${Math.round(engineRate).toLocaleString('en')} steps/s (target > 20,000)`);
  console.log(`conversation:  ${CONVERSATIONS} screenings, ${times.length} messages in ${seconds.toFixed(1)} s = ${(times.length / seconds).toFixed(0)} messages/s`);
  console.log(`               per message p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms (target p95 < 20 ms)`);
  console.log(`               ${tickets} tickets created`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
for (const line of await benchStartup()) console.log(line);
