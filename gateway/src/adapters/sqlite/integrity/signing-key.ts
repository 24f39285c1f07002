/**
 * The gateway's Ed25519 signing key (docs/security.md "Tamper evidence"): read from the configured PEM file, or
 * generated on first start into the data directory with mode 0600. It signs checkpoints and evidence exports; its
 * public key is served at GET /api/v1/integrity/public-key.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Signer } from '../../../ports/integrity.js';

export class SigningKeyError extends Error {
  readonly code = 'E_SIGNING_KEY';
}

/** A Signer over the Ed25519 key at `path`; `create`: generate it when the file does not exist. */
export function loadSigningKey(path: string, create: boolean): Signer {
  if (!existsSync(path)) {
    if (!create) throw new SigningKeyError(`${path}: no signing key there`);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    // 'wx': never overwrite a key another process wrote meanwhile.
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new SigningKeyError(`${path}: mode ${mode.toString(8)} lets others read the signing key (chmod 600 it)`);
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(path));
  } catch (e) {
    throw new SigningKeyError(`${path}: not a PEM private key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SigningKeyError(`${path}: an ${key.asymmetricKeyType ?? 'unknown'} key, expected Ed25519`);
  return signerOf(key);
}

function signerOf(key: KeyObject): Signer {
  const pub = createPublicKey(key);
  return {
    publicKeyPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: fingerprintOf(pub),
    sign: (data) => sign(null, data, key).toString('base64'),
  };
}

/** SHA-256 of a public key's DER (SPKI), hex. */
export function fingerprintOf(pub: KeyObject): string {
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
}
