/**
 * LINE's webhook signature (src/channels/line/line-signature.ts): fixed vectors (computed with
 * `openssl dgst -sha256 -hmac`), and the SDK's own `validateSignature`, which ours replaces on the
 * webhook, on the same table: the same verdict, except where the SDK's lenient base64 decoding
 * accepts more (`sdk`).
 */
import { validateSignature } from '@line/bot-sdk';
import { describe, expect, it } from 'vitest';
import { validLineSignature } from '../src/channels/line/line-signature.ts';

const BODY = '{"events":[]}';
const SECRET = 'testsecret';
/** `printf '{"events":[]}' | openssl dgst -sha256 -hmac testsecret -binary | base64` */
const GOOD = '7/zjpxmsANrs8ptIk/KkFoHlDrLSXUZV+eHj+1N7Rdg=';

const cases: { name: string; body: string; secret: string; signature: string; valid: boolean; sdk?: boolean }[] = [
  { name: 'the right signature', body: BODY, secret: SECRET, signature: GOOD, valid: true },
  { name: 'another secret', body: BODY, secret: 'othersecret', signature: GOOD, valid: false },
  { name: 'one byte of the body changed', body: '{"events":[ ]}', secret: SECRET, signature: GOOD, valid: false },
  { name: 'the last character changed', body: BODY, secret: SECRET, signature: `${GOOD.slice(0, -2)}A=`, valid: false },
  { name: 'cut short', body: BODY, secret: SECRET, signature: GOOD.slice(0, 20), valid: false },
  { name: 'too long', body: BODY, secret: SECRET, signature: `${GOOD}${GOOD}`, valid: false, sdk: true },
  { name: 'padding left off', body: BODY, secret: SECRET, signature: GOOD.slice(0, -1), valid: false, sdk: true },
  { name: 'empty', body: BODY, secret: SECRET, signature: '', valid: false },
  { name: 'not base64', body: BODY, secret: SECRET, signature: 'not a signature at all!', valid: false },
  { name: 'the hex digest instead of base64', body: BODY, secret: SECRET, signature: Buffer.from(GOOD, 'base64').toString('hex'), valid: false },
  { name: 'a Thai body, signed over its UTF-8 bytes', body: '{"events":[{"message":{"text":"ช่วยด้วย"}}]}', secret: SECRET, signature: 'GqbC3iV3wkMMgZxtdZGItC8Qxwtn79BIbn0BHmTQggI=', valid: true },
];

describe('LINE webhook signature', () => {
  it.each(cases)('$name', ({ body, secret, signature, valid, sdk = valid }) => {
    const bytes = Buffer.from(body, 'utf8');
    expect(validLineSignature(bytes, secret, signature)).toBe(valid);
    expect(validateSignature(bytes, secret, signature)).toBe(sdk);
  });
});
