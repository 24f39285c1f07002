/**
 * Hash chains (docs/security.md "Tamper evidence"). The domain does no hashing itself (no node:* here): the SHA-256
 * function is passed in, so the same code runs in the writer thread, the gateway, the offline CLI and the tests.
 *
 * A link is SHA-256(domain tag || previous link || index as u64 LE || digest of the link's content): changing,
 * removing or reordering any link changes every link after it, so a signed head (a checkpoint) vouches for all of
 * them (the construction of Certificate Transparency's signed tree heads, as a chain instead of a tree).
 */

/** SHA-256 of `data`: 32 bytes. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

/** Bytes of a SHA-256 digest. */
export const DIGEST_BYTES = 32;

/** The link before the first: 32 zero bytes. */
export const GENESIS: Uint8Array = new Uint8Array(DIGEST_BYTES);

const utf8 = new TextEncoder();

/** The chains hashed separately, so a link of one can never be passed off as a link of the other. */
export type ChainName = 'readings' | 'records';

/** The link at `index` (1, 2, ...) after `prev`, over content whose digest is `digest`. */
export function linkOf(sha256: Sha256, chain: ChainName, prev: Uint8Array, index: number, digest: Uint8Array): Uint8Array {
  const tag = utf8.encode(`coldtrace/${chain}/link/v1`);
  const out = new Uint8Array(tag.length + prev.length + 8 + digest.length);
  out.set(tag, 0);
  out.set(prev, tag.length);
  new DataView(out.buffer).setBigUint64(tag.length + prev.length, BigInt(index), true);
  out.set(digest, tag.length + prev.length + 8);
  return sha256(out);
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** UTF-8 bytes of a string (canonical encodings are built from these). */
export function utf8Bytes(s: string): Uint8Array {
  return utf8.encode(s);
}
