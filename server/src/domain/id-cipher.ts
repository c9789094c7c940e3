/**
 * Encryption at rest for customers' ID numbers: AES-256-GCM with a 32-byte key. A stored value is
 * `iv.tag.ciphertext`, each part base64url (12-byte random IV, 16-byte tag). The optional
 * associated data (the project id) binds a ciphertext to its row's project: copied elsewhere, it
 * does not decrypt. Pure (no I/O): the key comes from configuration.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface IdCipher {
  encrypt(plain: string, aad?: string): string;
  /** Throws when the value was tampered with, or made with another key or associated data. */
  decrypt(stored: string, aad?: string): string;
}

/** Decode a base64 / base64url key; it must be exactly 32 bytes. */
export function decodeDataKey(text: string): Buffer {
  const normalized = text.trim().replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(normalized)) throw new Error('key must be base64');
  const key = Buffer.from(normalized, 'base64');
  if (key.length !== 32) throw new Error(`key must be 32 bytes (got ${key.length})`);
  return key;
}

/** A deterministic development key derived from another secret (HKDF-SHA256). Never for production. */
export function deriveDevDataKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'kaipan', 'kaipan customer data key (development only)', 32));
}

export function createIdCipher(key: Buffer): IdCipher {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  return {
    encrypt(plain, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url')).join('.');
    },
    decrypt(stored, aad) {
      const parts = stored.split('.');
      if (parts.length !== 3) throw new Error('not an encrypted value');
      const [iv, tag, ciphertext] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('not an encrypted value');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    },
  };
}
