import { describe, expect, it } from '@jest/globals';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ED25519, Ed25519Signer, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, RETIRED_DIR, SigningKeyError } from '../../../src/adapters/local/ed25519-signer.js';

const keysDir = (): string => join(mkdtempSync(join(tmpdir(), 'mg-keys-')), 'keys');
const message = new TextEncoder().encode('{"decision":"approve","runId":"run-1"}');

describe('Ed25519Signer', () => {
  it('creates the key pair on first use, private key mode 0600 in a 0700 directory', async () => {
    // Prepare
    const dir = keysDir();
    const signer = new Ed25519Signer(dir);
    const createdBeforeUse = existsSync(join(dir, PRIVATE_KEY_FILE));
    // Act
    await signer.sign(message);
    // Assess
    expect(createdBeforeUse).toBe(false);
    expect(statSync(join(dir, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dir, PRIVATE_KEY_FILE), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(readFileSync(join(dir, PUBLIC_KEY_FILE), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('names the key by a fingerprint of the public key file', () => {
    // Prepare
    const dir = keysDir();
    const signer = new Ed25519Signer(dir);
    // Act
    const keyId = signer.keyId;
    // Assess
    const der = createPublicKey(readFileSync(join(dir, PUBLIC_KEY_FILE), 'utf8')).export({ type: 'spki', format: 'der' });
    expect(keyId).toBe(`ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`);
    expect(signer.algorithm).toBe(ED25519);
  });

  it('reuses the persisted key across instances: one signs, another verifies', async () => {
    // Prepare
    const dir = keysDir();
    const first = new Ed25519Signer(dir);
    const signature = await first.sign(message);
    // Act
    const second = new Ed25519Signer(dir);
    const valid = await second.verify(message, signature, first.keyId, ED25519);
    // Assess
    expect(second.keyId).toBe(first.keyId);
    expect(valid).toBe(true);
  });

  it('returns false for an unknown key id, another algorithm, an altered message or a malformed signature', async () => {
    // Prepare
    const signer = Ed25519Signer.inMemory();
    const other = Ed25519Signer.inMemory();
    const signature = await signer.sign(message);
    const altered = new TextEncoder().encode('{"decision":"approve","runId":"run-2"}');
    // Act
    const results = await Promise.all([
      signer.verify(message, signature, other.keyId, ED25519),
      signer.verify(message, await other.sign(message), other.keyId, ED25519),
      signer.verify(message, signature, signer.keyId, 'ECDSA_SHA_256'),
      signer.verify(altered, signature, signer.keyId, ED25519),
      signer.verify(message, signature.slice(0, 10), signer.keyId, ED25519),
      signer.verify(message, signature, signer.keyId, ED25519),
    ]);
    // Assess
    expect(results).toEqual([false, false, false, false, false, true]);
  });

  it('in memory: a fresh key per instance, nothing written', () => {
    // Act
    const a = Ed25519Signer.inMemory();
    const b = Ed25519Signer.inMemory();
    // Assess
    expect(a.keyId).toMatch(/^ed25519:[0-9a-f]{16}$/);
    expect(a.keyId).not.toBe(b.keyId);
  });

  it('refuses a private key that others can read', async () => {
    // Prepare
    const dir = keysDir();
    void new Ed25519Signer(dir).keyId;
    chmodSync(join(dir, PRIVATE_KEY_FILE), 0o644);
    // Act
    const attempt = new Ed25519Signer(dir).sign(message);
    // Assess
    await expect(attempt).rejects.toThrow(SigningKeyError);
    await expect(new Ed25519Signer(dir).sign(message)).rejects.toThrow(/readable by others \(mode 0644\); run chmod 600/);
  });

  it('refuses a key file that holds another kind of key', () => {
    // Prepare
    const dir = keysDir();
    mkdirSync(dir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dir, PRIVATE_KEY_FILE), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    // Act + Assess
    expect(() => new Ed25519Signer(dir).keyId).toThrow(/holds a ec key \(expected an Ed25519 PKCS#8 PEM private key\)/);
  });

  it('after rotation, signs with the new key and still verifies decisions signed by the retired one', async () => {
    // Prepare
    const dir = keysDir();
    const old = new Ed25519Signer(dir);
    const oldSignature = await old.sign(message);
    mkdirSync(join(dir, RETIRED_DIR));
    renameSync(join(dir, PUBLIC_KEY_FILE), join(dir, RETIRED_DIR, `${old.keyId.replace(':', '-')}.pem`));
    unlinkSync(join(dir, PRIVATE_KEY_FILE));
    // Act
    const rotated = new Ed25519Signer(dir);
    const newSignature = await rotated.sign(message);
    // Assess
    expect(rotated.keyId).not.toBe(old.keyId);
    expect(await rotated.verify(message, oldSignature, old.keyId, ED25519)).toBe(true);
    expect(await rotated.verify(message, newSignature, rotated.keyId, ED25519)).toBe(true);
    expect(await old.verify(message, newSignature, rotated.keyId, ED25519)).toBe(false);
  });
});
