/**
 * How MQTT secrets are stored (docs/security.md, "Device identity"): never in clear. Two hashes of each secret are
 * kept, both salted:
 * - scrypt, which the embedded broker verifies against: `scrypt$N=1024,r=8,p=1$<salt>$<hash>` (base64). The cost is
 *   written into each hash, so it can be raised later without invalidating older ones.
 * - PBKDF2-SHA512 in Mosquitto's own `$7$` format, so the gateway can write a password file for an external
 *   Mosquitto (mosquitto-files.ts): the broker never sees the secret either.
 *
 * Why scrypt at N=2^10 rather than the interactive-login 2^14: secrets are issued by the gateway, 256 random bits
 * each, so no work factor changes how guessable they are; what the cost buys is that a stolen hash cannot be
 * reversed, which 256 bits already guarantee. At 2^14 one verification took ~36 ms of CPU on the 2-core reference
 * machine, so 10,000 nodes reconnecting after a restart would queue for minutes; at 2^10 it is ~2 ms.
 */
import { pbkdf2Sync, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly keyLen: number;
}

export const SCRYPT_PARAMS: ScryptParams = { N: 1024, r: 8, p: 1, keyLen: 32 };

export interface ScryptHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export function formatScrypt(h: ScryptHash): string {
  return `scrypt$N=${h.params.N},r=${h.params.r},p=${h.params.p}$${h.salt.toString('base64')}$${h.hash.toString('base64')}`;
}

/** A stored scrypt hash, or undefined when `s` is not one (a corrupted row verifies nothing). */
export function parseScrypt(s: string): ScryptHash | undefined {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(s);
  if (m === null) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4]!, 'base64');
  const hash = Buffer.from(m[5]!, 'base64');
  // N a power of two above 1 (scrypt's own rule), bounded so a forged row cannot make verification allocate gigabytes.
  if (N < 2 || N > 1 << 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16 || salt.length < 8 || hash.length < 16) return undefined;
  return { params: { N, r, p, keyLen: hash.length }, salt, hash };
}

/** Constant-time comparison of a derived key with the stored one. */
export function sameHash(derived: Buffer, stored: Buffer): boolean {
  return derived.length === stored.length && timingSafeEqual(derived, stored);
}

/** Mosquitto 2's default: PBKDF2-SHA512, 101 iterations, a 12-byte salt, a 64-byte key. */
export const MOSQUITTO_ITERATIONS = 101;

/** The `$7$` line Mosquitto's password file holds for `secret` with `salt` (what `mosquitto_passwd` writes). */
export function mosquittoHash(secret: string, salt: Buffer, iterations = MOSQUITTO_ITERATIONS): string {
  const key = pbkdf2Sync(secret, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}
