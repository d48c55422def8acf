/** Channel configuration: a channel without credentials is off; half a configuration is an error. */
import { describe, expect, it } from 'vitest';
import { describeChannels } from '../src/channels/channels.ts';
import { ConfigError, loadConfig } from '../src/config/env.ts';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return '';
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
};

describe('channel configuration', () => {
  it('keeps every channel off without credentials, with the documented defaults', () => {
    const config = loadConfig({});
    expect(describeChannels(config)).toEqual([]);
    expect(config.LINE_API_BASE_URL).toBe('https://api.line.me');
    expect(config.LINE_DATA_API_BASE_URL).toBe('https://api-data.line.me');
    expect(config.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(config.TELEGRAM_MODE).toBe('polling');
  });

  it('turns channels on with their credentials and says how they receive', () => {
    const config = loadConfig({ LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't', TELEGRAM_BOT_TOKEN: '123:abc' });
    expect(describeChannels(config)).toEqual(['line (webhook /webhooks/line)', 'telegram (long polling)']);
    const hooked = loadConfig({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: 'abc_DEF-1' });
    expect(describeChannels(hooked)).toEqual(['telegram (webhook /webhooks/telegram)']);
  });

  it('names the missing half of a LINE configuration, without echoing the secret', () => {
    const message = problems({ LINE_CHANNEL_SECRET: 'super-secret-value' });
    expect(message).toContain('LINE_CHANNEL_ACCESS_TOKEN');
    expect(message).not.toContain('super-secret-value');
    expect(problems({ LINE_CHANNEL_ACCESS_TOKEN: 'tok' })).toContain('LINE_CHANNEL_SECRET');
  });

  it('requires a well-formed secret for Telegram webhook mode', () => {
    expect(problems({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_MODE: 'webhook' })).toContain('TELEGRAM_WEBHOOK_SECRET');
    expect(problems({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: 'has space' })).toContain('TELEGRAM_WEBHOOK_SECRET');
    const message = problems({ TELEGRAM_BOT_TOKEN: 'not a token' });
    expect(message).toContain('TELEGRAM_BOT_TOKEN');
    expect(message).not.toContain('not a token');
    expect(problems({ TELEGRAM_MODE: 'push' })).toContain('TELEGRAM_MODE');
  });

  it('drops a trailing slash from API roots (grammY and the LINE SDK append their own paths)', () => {
    expect(loadConfig({ TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' }).TELEGRAM_API_ROOT).toBe('http://127.0.0.1:8081');
    expect(loadConfig({ LINE_API_BASE_URL: 'http://127.0.0.1:9/' }).LINE_API_BASE_URL).toBe('http://127.0.0.1:9');
  });
});
