/**
 * The environment (src/config/env.ts): defaults, flags, and errors that name the variable.
 * `loadConfig(env)` reads only the environment it is given, so these tests never touch `.env`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/env.ts';

/** Loads `env` and returns the ConfigError it throws; fails the test when nothing or something else is thrown. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig did not throw');
}

describe('loadConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('gives the defaults for an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: './data',
      FLOWS_DIR: './flows',
      LOCALES_DIR: './locales',
      SIMULATOR: true,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
    });
    expect(loadConfig({}).PUBLIC_BASE_URL).toBeUndefined();
  });

  it('reads the environment it is given, not process.env', () => {
    vi.stubEnv('PORT', '4444');
    vi.stubEnv('SIMULATOR', 'off');
    expect(loadConfig({})).toMatchObject({ PORT: 3000, SIMULATOR: true });
  });

  it('parses given values', () => {
    expect(loadConfig({ PORT: '8080', HOST: '0.0.0.0', DATA_DIR: '/var/lib/tangrod' })).toMatchObject({
      PORT: 8080,
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/tangrod',
    });
  });

  // [SIMULATOR as written, parsed value]
  const flags: [string, boolean][] = [
    ['off', false],
    ['false', false],
    ['0', false],
    ['no', false],
    ['on', true],
    ['true', true],
    ['1', true],
    ['yes', true],
  ];
  it.each(flags)('SIMULATOR=%s gives %s', (value, expected) => {
    expect(loadConfig({ SIMULATOR: value }).SIMULATOR).toBe(expected);
  });

  it('empty strings mean unset, so the defaults apply', () => {
    expect(loadConfig({ PORT: '', HOST: '', DATA_DIR: '', SIMULATOR: '', PUBLIC_BASE_URL: '' })).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: './data',
      SIMULATOR: true,
    });
    expect(loadConfig({ PUBLIC_BASE_URL: '' }).PUBLIC_BASE_URL).toBeUndefined();
  });

  it('undefined values mean unset too', () => {
    expect(loadConfig({ PORT: undefined, SIMULATOR: undefined })).toMatchObject({ PORT: 3000, SIMULATOR: true });
  });

  // [variable, bad value]
  const bad: [string, string][] = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '3000.5'],
    ['SIMULATOR', 'maybe'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'verbose'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['MAX_TEXT_LENGTH', '10'],
    ['FILES_S3_ENDPOINT', 'minio:9000'],
    ['FILES_S3_FORCE_PATH_STYLE', 'maybe'],
  ];
  it.each(bad)('%s=%s throws a ConfigError that names the variable', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]!.startsWith(`${name}: `)).toBe(true);
    expect(err.message).toContain(name);
  });

  it('half a pair of bucket keys names the missing half', () => {
    expect(configError({ AWS_ACCESS_KEY_ID: 'tangrod-app' }).problems).toEqual([expect.stringMatching(/^AWS_SECRET_ACCESS_KEY: /)]);
    expect(configError({ AWS_SECRET_ACCESS_KEY: 'secret' }).problems).toEqual([expect.stringMatching(/^AWS_ACCESS_KEY_ID: /)]);
  });

  it('names every bad variable at once', () => {
    const err = configError({ PORT: 'abc', SIMULATOR: 'maybe', HOST: 'localhost' });
    expect(err.problems.map((p) => p.split(':')[0]).sort()).toEqual(['PORT', 'SIMULATOR']);
  });
});
