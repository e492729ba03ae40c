/**
 * The embedded stack's decision signer: an Ed25519 key pair in `<stateDir>/keys/`, created on
 * first use. The private key never leaves this process's machine; `decision-signing.pub.pem` is
 * what a hosting-account owner needs to verify a decision by hand. Rotation: move the public key
 * into `retired/` and delete the private key — the next use creates a new pair, and decisions
 * signed by the old one still verify (docs/promotion-signing.md).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Signer } from '../../core/promotion/types.js';

export const ED25519 = 'Ed25519';
export const PRIVATE_KEY_FILE = 'decision-signing.key.pem';
export const PUBLIC_KEY_FILE = 'decision-signing.pub.pem';
/** Public keys of rotated-out key pairs: decisions they signed still verify. */
export const RETIRED_DIR = 'retired';

/** A signing key file that cannot be used as it is (unreadable, not an Ed25519 key, readable by others). */
export class SigningKeyError extends Error {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.name = 'SigningKeyError';
    this.file = file;
  }
}

/** `ed25519:` + the first 16 hex digits of the SHA-256 of the public key's DER (SPKI) encoding. */
export const ed25519KeyId = (publicKey: KeyObject): string =>
  `ed25519:${createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16)}`;

interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

const pairOf = (privateKey: KeyObject): KeyPair => {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: ed25519KeyId(publicKey) };
};

const readPrivateKey = (file: string): KeyPair => {
  // Like ssh: a private key that others can read is not trusted to sign decisions.
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new SigningKeyError(file, `is readable by others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 on it`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SigningKeyError(file, 'is not a PEM private key', { cause: err });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(file, `holds a ${key.asymmetricKeyType ?? 'symmetric'} key (expected an Ed25519 PKCS#8 PEM private key)`);
  }
  return pairOf(key);
};

const tempName = (dir: string, name: string): string => join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}`);

/**
 * Loads the key pair in `dir`, creating it when absent. Creation is atomic across processes (the
 * local stack and the CLI share a state directory): the key is written to a temporary file and
 * hard-linked into place, so exactly one pair wins and nobody reads a half-written file.
 */
const loadOrCreate = (dir: string): KeyPair => {
  const file = join(dir, PRIVATE_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const temp = tempName(dir, PRIVATE_KEY_FILE);
    writeFileSync(temp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    chmodSync(temp, 0o600); // the umask may not be trusted to leave 0600 alone
    try {
      linkSync(temp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(temp);
    }
  }
  const pair = readPrivateKey(file);
  const publicFile = join(dir, PUBLIC_KEY_FILE);
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  if (!existsSync(publicFile) || readFileSync(publicFile, 'utf8') !== publicPem) {
    const temp = tempName(dir, PUBLIC_KEY_FILE);
    writeFileSync(temp, publicPem, { mode: 0o644 });
    renameSync(temp, publicFile);
  }
  return pair;
};

/** The public keys in `<dir>/retired/*.pem`, by key id. Unreadable files are skipped, never trusted. */
const retiredKeys = (dir: string): Map<string, KeyObject> => {
  const out = new Map<string, KeyObject>();
  const retired = join(dir, RETIRED_DIR);
  if (!existsSync(retired)) return out;
  for (const name of readdirSync(retired)) {
    if (!name.endsWith('.pem')) continue;
    try {
      const key = createPublicKey(readFileSync(join(retired, name), 'utf8'));
      if (key.asymmetricKeyType === 'ed25519') out.set(ed25519KeyId(key), key);
    } catch {
      // A stray file is no key: verification with it simply fails.
    }
  }
  return out;
};

/**
 * Signs decision records with a local Ed25519 key (the embedded stack, the CLI without AWS).
 * `verify` trusts only this key and the retired keys of the same directory: any other key id or
 * algorithm is `false`.
 *
 * @example
 * ```ts
 * const signer = new Ed25519Signer(join(stateDir, 'keys'));
 * const signed = await signDecision(signer, attestation);
 * ```
 */
export class Ed25519Signer implements Signer {
  readonly algorithm = ED25519;
  /** Empty for an in-memory signer. */
  readonly #dir: string;
  #pair: KeyPair | undefined;

  /** @param dir the keys directory (`<stateDir>/keys`); the pair is created there on first use. */
  constructor(dir: string) {
    this.#dir = dir;
  }

  /** A signer whose key lives only in this process (tests, `stateDir: null`). */
  static inMemory(): Ed25519Signer {
    const signer = new Ed25519Signer('');
    signer.#pair = pairOf(generateKeyPairSync('ed25519').privateKey);
    return signer;
  }

  #key(): KeyPair {
    this.#pair ??= loadOrCreate(this.#dir);
    return this.#pair;
  }

  get keyId(): string {
    return this.#key().keyId;
  }

  /** The public key as SPKI PEM, for a verifier elsewhere. */
  get publicKeyPem(): string {
    return this.#key().publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(sign(null, message, this.#key().privateKey));
  }

  async verify(message: Uint8Array, signature: Uint8Array, keyId: string, algorithm: string): Promise<boolean> {
    if (algorithm !== ED25519) return false;
    const pair = this.#key();
    const publicKey = keyId === pair.keyId ? pair.publicKey : this.#dir ? retiredKeys(this.#dir).get(keyId) : undefined;
    if (!publicKey) return false;
    try {
      return verify(null, message, publicKey, signature);
    } catch {
      // A signature of the wrong length is a bad signature, not a failure.
      return false;
    }
  }
}
