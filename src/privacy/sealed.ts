/**
 * AES-256-GCM for data at rest: stored files and secrets kept in the database (issue 14).
 *
 * A sealed file is `TGRDENC1` + 12-byte nonce + ciphertext + 16-byte tag; a sealed string is
 * `enc:v1:` + the same bytes in base64url. Anything without the prefix is plaintext from before
 * a key was set, and is read as it is (`db encrypt` seals it). GCM's tag makes a changed byte or
 * a wrong key fail loudly instead of giving garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FILE_MAGIC = Buffer.from('TGRDENC1', 'latin1');
const TEXT_PREFIX = 'enc:v1:';
const NONCE = 12;
const TAG = 16;

/** Encrypts bytes (with a fresh nonce each time). */
export function seal(key: Buffer, plain: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([FILE_MAGIC, nonce, body, cipher.getAuthTag()]);
}

/** Whether bytes were written by {@link seal}. */
export function isSealed(bytes: Uint8Array): boolean {
  return bytes.byteLength >= FILE_MAGIC.length + NONCE + TAG && Buffer.from(bytes.buffer, bytes.byteOffset, FILE_MAGIC.length).equals(FILE_MAGIC);
}

/** Decrypts what {@link seal} wrote; plaintext (no magic) is returned as it is. Throws on a wrong key or a changed byte. */
export function unseal(key: Buffer | undefined, bytes: Uint8Array): Buffer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isSealed(buf)) return buf;
  if (!key) throw new Error('This file is encrypted: set DATABASE_KEY to read it.');
  const nonce = buf.subarray(FILE_MAGIC.length, FILE_MAGIC.length + NONCE);
  const tag = buf.subarray(buf.length - TAG);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(buf.subarray(FILE_MAGIC.length + NONCE, buf.length - TAG)), decipher.final()]);
}

/** Encrypts a short text (a webhook secret) for a database column. */
export function sealText(key: Buffer, text: string): string {
  return TEXT_PREFIX + seal(key, Buffer.from(text, 'utf8')).subarray(FILE_MAGIC.length).toString('base64url');
}

/** Whether a column value was written by {@link sealText}. */
export function isSealedText(value: string): boolean {
  return value.startsWith(TEXT_PREFIX);
}

/** Reads a column value written by {@link sealText}; plaintext is returned as it is. */
export function unsealText(key: Buffer | undefined, value: string): string {
  if (!isSealedText(value)) return value;
  const body = Buffer.from(value.slice(TEXT_PREFIX.length), 'base64url');
  return unseal(key, Buffer.concat([FILE_MAGIC, body])).toString('utf8');
}
