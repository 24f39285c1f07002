/**
 * The records chain: every version of a flag, of a custody record (a placement) and every photo record (issue #21:
 * its SHA-256 names its bytes) appended to one log, written in
 * the same transaction as the record (docs/security.md "Tamper evidence"). An entry names the record (kind, id) and
 * the SHA-256 of its canonical content as stored, or none when the record was deleted; its link chains it to the
 * entry before. Verification re-derives every link, then checks that each record's latest entry matches what is
 * stored now.
 */
import { DIGEST_BYTES, linkOf, type Sha256, utf8Bytes } from './hash.js';

/** The kinds of records chained. */
export type RecordKind = 'flag' | 'placement' | 'photo';

export interface RecordEntry {
  readonly seq: number;
  readonly kind: RecordKind;
  readonly id: string;
  /** SHA-256 of the record's content; undefined: deleted. */
  readonly version: Uint8Array | undefined;
}

/** The canonical content of a record: its stored columns, in order, as one JSON array (UTF-8). */
export function recordContent(columns: readonly (string | number | null)[]): Uint8Array {
  return utf8Bytes(JSON.stringify(columns));
}

/** The digest an entry's link covers: its kind, id and version. */
export function entryDigest(sha256: Sha256, e: Omit<RecordEntry, 'seq'>): Uint8Array {
  const name = utf8Bytes(JSON.stringify([e.kind, e.id]));
  const out = new Uint8Array(name.length + 1 + DIGEST_BYTES);
  out.set(name, 0);
  out[name.length] = e.version === undefined ? 0 : 1;
  if (e.version !== undefined) out.set(e.version, name.length + 1);
  return sha256(out);
}

/** The link of an entry after `prev`. */
export function recordLink(sha256: Sha256, prev: Uint8Array, e: RecordEntry): Uint8Array {
  return linkOf(sha256, 'records', prev, e.seq, entryDigest(sha256, e));
}
