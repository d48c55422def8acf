/**
 * A small fake Telegram Bot API of our own for what `telegram-test-api` lacks: getFile and file
 * downloads, setWebhook/setMyCommands as sent, and 429 answers with retry_after. On 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTelegram {
  apiRoot: string;
  /** Every Bot API call, in order: method and parameters. */
  calls: { method: string; params: Record<string, any> }[];
  /** Messages accepted by sendMessage, in order. */
  sent: { chat_id: string; text: string; reply_markup?: any; at: number; message_id: number }[];
  /** Answers for the next sendMessage calls, used up in order (then success). */
  sendFailures: ({ error_code: number; description: string; retry_after?: number } | null)[];
  /** Files by file_id: what getFile and the download serve. */
  files: Map<string, { bytes: Buffer; path: string }>;
  /** Messages deleted with deleteMessages. */
  deleted: { chat_id: string; message_id: number }[];
  /** Updates served by getUpdates (respecting offset). */
  updates: Record<string, any>[];
  /** Bot API methods (or `file`, the download) taken and never answered, as a hanging server would. */
  hang: Set<string>;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

export async function startFakeTelegram(token: string): Promise<FakeTelegram> {
  const fake = { calls: [], sent: [], deleted: [], sendFailures: [], files: new Map(), updates: [], hang: new Set() } as unknown as FakeTelegram;
  let messageId = 1000;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const ok = (result: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, result }));
    };
    const fail = (error_code: number, description: string, parameters?: object) => {
      res.writeHead(error_code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code, description, ...(parameters ? { parameters } : {}) }));
    };
    const file = url.pathname.match(/^\/file\/bot([^/]+)\/(.+)$/);
    if (file && fake.hang.has('file')) return;
    if (file) {
      const entry = [...fake.files.values()].find((f) => f.path === file[2]);
      if (file[1] !== token || !entry) return fail(404, 'Not Found');
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(entry.bytes);
    }
    const call = url.pathname.match(/^\/bot([^/]+)\/(\w+)$/);
    if (!call || call[1] !== token) return fail(401, 'Unauthorized');
    const method = call[2]!;
    const params = await readJson(req);
    fake.calls.push({ method, params });
    if (fake.hang.has(method)) return;
    switch (method) {
      case 'getMe':
        return ok({ id: 42, is_bot: true, first_name: 'Tangrod', username: 'tangrod_test_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'deleteWebhook':
      case 'setWebhook':
      case 'setMyCommands':
      case 'answerCallbackQuery':
        return ok(true);
      case 'getUpdates': {
        const offset = Number(params.offset ?? 0);
        const pending = fake.updates.filter((u) => u.update_id >= offset);
        if (!pending.length) await new Promise((r) => setTimeout(r, 100));
        return ok(fake.updates.filter((u) => u.update_id >= offset));
      }
      case 'deleteMessages':
        fake.deleted.push(...(params.message_ids as number[]).map((id) => ({ chat_id: String(params.chat_id), message_id: id })));
        return ok(true);
      case 'getFile': {
        const f = fake.files.get(params.file_id);
        return f ? ok({ file_id: params.file_id, file_unique_id: params.file_id, file_size: f.bytes.length, file_path: f.path }) : fail(400, 'Bad Request: invalid file_id');
      }
      case 'sendMessage': {
        const failure = fake.sendFailures.shift();
        if (failure) return fail(failure.error_code, failure.description, failure.retry_after ? { retry_after: failure.retry_after } : undefined);
        fake.sent.push({ chat_id: String(params.chat_id), text: params.text, reply_markup: params.reply_markup, at: Date.now(), message_id: messageId });
        return ok({ message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(params.chat_id), type: 'private' }, text: params.text });
      }
      default:
        return fail(404, `Not Found: method ${method}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}

/** A private-chat update from user `userId`. */
export function tgMessage(updateId: number, userId: number, fields: Record<string, unknown>, languageCode?: string): Record<string, unknown> {
  const from = { id: userId, is_bot: false, first_name: 'Test', ...(languageCode ? { language_code: languageCode } : {}) };
  return { update_id: updateId, message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: userId, type: 'private', first_name: 'Test' }, from, ...fields } };
}

/** A button tap in a private chat. */
export function tgCallback(updateId: number, userId: number, data: string): Record<string, unknown> {
  const from = { id: userId, is_bot: false, first_name: 'Test' };
  return { update_id: updateId, callback_query: { id: `cq${updateId}`, from, chat_instance: '1', data, message: { message_id: 1, date: 0, chat: { id: userId, type: 'private', first_name: 'Test' } } } };
}
