/**
 * A fake OpenAI-compatible model server on 127.0.0.1, as Ollama or llama.cpp's server would be:
 * `POST /v1/chat/completions` (with `response_format: json_schema`) and
 * `POST /v1/audio/transcriptions` (multipart). Tests say what the "model" answers with a function
 * of the request, or queue faults: a hang, a 500, garbage, a refusal. Every request is kept.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat request as received. */
export interface ChatHit {
  kind: 'chat';
  body: {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean } };
  };
  raw: string;
  at: number;
}

/** A transcription request as received (the raw multipart body, as bytes). */
export interface AudioHit {
  kind: 'audio';
  raw: Buffer;
  model: string | undefined;
  at: number;
}

/** What the fake does with the next request instead of answering. */
export type Fault = 'hang' | 'error' | 'garbage' | 'refuse';

export interface FakeOpenAI {
  /** The base URL to give as LLM_BASE_URL (ends in /v1). */
  url: string;
  hits: (ChatHit | AudioHit)[];
  chats(): ChatHit[];
  /** Faults for the next requests, used up in order; `always` applies to every request. */
  faults: Fault[];
  always: Fault | undefined;
  /** The "model": the JSON object to answer a chat request with. */
  respond: (hit: ChatHit) => unknown;
  /** The transcript of an audio upload. */
  transcript: (hit: AudioHit) => string;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const hanging = new Set<() => void>();
  const fake: FakeOpenAI = {
    url: '',
    hits: [],
    chats: () => fake.hits.filter((h): h is ChatHit => h.kind === 'chat'),
    faults: [],
    always: undefined,
    respond: () => ({}),
    transcript: () => '',
    close: async () => {},
  };
  const server: Server = createServer(async (req, res) => {
    const raw = await body(req);
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const fault = fake.faults.shift() ?? fake.always;
    let hit: ChatHit | AudioHit;
    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      hit = { kind: 'chat', body: JSON.parse(raw.toString('utf8')), raw: raw.toString('utf8'), at: Date.now() };
    } else if (req.method === 'POST' && req.url === '/v1/audio/transcriptions') {
      const model = /name="model"\r\n\r\n([^\r]+)/.exec(raw.toString('latin1'))?.[1];
      hit = { kind: 'audio', raw, model, at: Date.now() };
    } else {
      return send(404, { error: { message: 'not found' } });
    }
    fake.hits.push(hit);
    if (fault === 'hang') {
      // Answers only when the client gives up or the fake closes.
      await new Promise<void>((resolve) => {
        hanging.add(resolve);
        req.socket.once('close', resolve);
      });
      if (!res.headersSent) res.destroy();
      return;
    }
    if (fault === 'error') return send(500, { error: { message: 'model crashed', type: 'server_error' } });
    if (hit.kind === 'audio') return send(200, { text: fault === 'garbage' ? '' : fake.transcript(hit) });
    const message =
      fault === 'refuse'
        ? { role: 'assistant', content: null, refusal: 'I cannot help with that.' }
        : { role: 'assistant', content: fault === 'garbage' ? 'Sure! Here is {not json' : JSON.stringify(fake.respond(hit)), refusal: null };
    send(200, {
      id: `chatcmpl-${fake.hits.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: hit.body.model,
      choices: [{ index: 0, message, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: Math.ceil(hit.raw.length / 4), completion_tokens: 20, total_tokens: Math.ceil(hit.raw.length / 4) + 20 },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const r of hanging) r();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/** The user message of a chat request (the conversation's text as it left). */
export function userText(hit: ChatHit): string {
  return hit.body.messages.find((m) => m.role === 'user')?.content ?? '';
}
