import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createIdCipher, decodeDataKey, deriveDevDataKey } from './id-cipher.js';

describe('id cipher (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const cipher = createIdCipher(key);

  it('round-trips, with a fresh IV every time, as iv.tag.ciphertext base64url', () => {
    const a = cipher.encrypt('11010519491231002X', 'project-1');
    const b = cipher.encrypt('11010519491231002X', 'project-1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('1101');
    expect(cipher.decrypt(a, 'project-1')).toBe('11010519491231002X');
    expect(cipher.decrypt(b, 'project-1')).toBe('11010519491231002X');
  });

  it('refuses a tampered value, another key, or other associated data', () => {
    const stored = cipher.encrypt('E12345678', 'p');
    const [iv, tag, ct] = stored.split('.') as [string, string, string];
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => cipher.decrypt(`${iv}.${tag}.${flipped.toString('base64url')}`, 'p')).toThrow();
    expect(() => createIdCipher(randomBytes(32)).decrypt(stored, 'p')).toThrow();
    expect(() => cipher.decrypt(stored, 'q')).toThrow();
    expect(() => cipher.decrypt('garbage', 'p')).toThrow(/not an encrypted value/);
  });

  it('decodes 32-byte base64 keys only; the dev key is deterministic', () => {
    expect(decodeDataKey(key.toString('base64'))).toEqual(key);
    expect(decodeDataKey(key.toString('base64url'))).toEqual(key);
    expect(() => decodeDataKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => decodeDataKey('not base64!')).toThrow(/base64/);
    expect(deriveDevDataKey('secret-a')).toEqual(deriveDevDataKey('secret-a'));
    expect(deriveDevDataKey('secret-a')).not.toEqual(deriveDevDataKey('secret-b'));
    expect(deriveDevDataKey('secret-a')).toHaveLength(32);
    expect(() => createIdCipher(randomBytes(16))).toThrow(/32-byte/);
  });
});
