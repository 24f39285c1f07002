/**
 * Checkpoints: the heads of both chains at a moment, signed with the gateway's Ed25519 key (docs/security.md
 * "Tamper evidence"). The signed bytes are a canonical JSON statement, so anyone can check one with the public key
 * alone. Copied off the machine, a checkpoint makes a later rewrite of anything before it evident, even by someone
 * who holds the database and the key.
 */
import { utf8Bytes } from './hash.js';

export interface ChainHead {
  /** Links in the chain (the index of the last). */
  readonly length: number;
  /** The last link, hex; 64 zeros for an empty chain. */
  readonly link: string;
}

export interface CheckpointStatement {
  /** When it was made, ms since the epoch (gateway clock). */
  readonly at: number;
  readonly readings: ChainHead;
  readonly records: ChainHead;
}

export interface SignedCheckpoint extends CheckpointStatement {
  readonly seq: number;
  /** Ed25519 signature of checkpointBytes(statement), base64. */
  readonly signature: string;
  /** SHA-256 of the public key (DER SPKI), hex. */
  readonly keyFingerprint: string;
}

/** The bytes that are signed: fixed key order, no whitespace. */
export function checkpointBytes(s: CheckpointStatement): Uint8Array {
  return utf8Bytes(JSON.stringify({
    v: 'coldtrace/checkpoint/v1', at: s.at,
    readings: { length: s.readings.length, link: s.readings.link },
    records: { length: s.records.length, link: s.records.link },
  }));
}

/** Whether a new checkpoint says something the last one did not (no checkpoint for an idle gateway). */
export function headsMoved(last: CheckpointStatement | undefined, next: Omit<CheckpointStatement, 'at'>): boolean {
  return last === undefined || last.readings.length !== next.readings.length || last.records.length !== next.records.length ||
    last.readings.link !== next.readings.link || last.records.link !== next.records.link;
}
