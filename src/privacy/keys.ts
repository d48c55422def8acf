/**
 * Keys derived from `DATABASE_KEY` (issue 14): one for stored files (attachments, evidence), one for
 * secrets kept in the database (webhook secrets). HKDF-SHA256 with a purpose label each, so that
 * no two uses share a key, and the database's own key (SQLCipher's KDF over DATABASE_KEY) is
 * separate from both.
 */
import { hkdfSync } from 'node:crypto';

/** What a derived key is for. */
export type KeyPurpose = 'files' | 'secrets';

const SALT = Buffer.from('tangrod/data-at-rest/v1');

/** The 32-byte AES-256 key for one purpose. */
export function deriveKey(databaseKey: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(databaseKey, 'utf8'), SALT, `tangrod ${purpose} key v1`, 32));
}
