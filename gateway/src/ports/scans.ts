/**
 * The scan log (docs/scans.md): every read of every scan message, with what it did to custody and why. The record a
 * door refusal or a custody contradiction is judged from, and where a bad code is kept with its reason.
 */
import type { ScanCode } from '@coldtrace/contract';

/**
 * `moved`: custody changed (a placement opened or ended); `repeat`: custody already said so; `refused`: refused at
 * the door; `contradiction`: custody says otherwise, kept and flagged, not applied; `unresolved`: a valid code that
 * names no batch the gateway can place (or a device with no door); `bad-code`: the edge could not decode it.
 */
export const SCAN_OUTCOMES = ['moved', 'repeat', 'refused', 'contradiction', 'unresolved', 'bad-code'] as const;
export type ScanOutcome = (typeof SCAN_OUTCOMES)[number];

export interface ScanEntry {
  readonly site: string;
  readonly node: string;
  readonly device: string;
  readonly seq: number;
  /** Position of the read in its message. */
  readonly index: number;
  /** Device time, ms. */
  readonly time: number;
  /** Gateway receive time, ms. */
  readonly receivedAt: number;
  readonly via: 'barcode' | 'rfid';
  readonly raw: string;
  readonly code?: ScanCode;
  readonly batch?: string;
  readonly outcome: ScanOutcome;
  /** E_... code of a refusal, contradiction, unresolved or bad code. */
  readonly reasonCode?: string;
  readonly reason?: string;
  /** The placement the scan opened or ended. */
  readonly placement?: string;
  /** The batch was created from this code (it was not in the registry). */
  readonly createdBatch?: boolean;
}

export interface ScanQuery {
  readonly device?: string;
  readonly batch?: string;
  readonly outcome?: ScanOutcome;
  /** Entries with an id below this (paging, newest first). */
  readonly before?: number;
  readonly limit: number;
}

export interface ScanLog {
  /**
   * Whether this message was logged: `logged` (a re-sent message: it changes nothing), `new`, or `number-reused`. A
   * message is named by its device, sequence number and the device time of its first read (`messageTime`): an agent
   * whose numbering started again (a new data directory) reuses numbers with other reads, and those are new
   * messages, never taken for re-sent ones.
   */
  seen(device: string, seq: number, messageTime: number): Promise<'logged' | 'new' | 'number-reused'>;
  /** Appends the reads of one message in one transaction; reads already logged are left as they are. */
  append(entries: readonly ScanEntry[], messageTime: number): Promise<void>;
  /** Newest first. */
  list(q: ScanQuery): Promise<(ScanEntry & { readonly id: number })[]>;
  /** Counts by outcome (for /metrics and the bench). */
  counts(): Promise<Record<ScanOutcome, number>>;
  /**
   * The batch each identity key was last seen with (`sscc:{SSCC}`, `sgtin:{GTIN}.{serial}`): learnt from the logged
   * reads whose code named both (a pallet label with SSCC and lot, a pack's DataMatrix with GTIN, serial and lot).
   */
  batchesOf(keys: readonly string[]): Promise<Map<string, string>>;
}

/** The identity keys a code carries besides its batch: what an RFID tag or a bare SSCC will name later. */
export function identityKeys(code: { readonly sscc?: string; readonly gtin?: string; readonly serial?: string }): string[] {
  const keys: string[] = [];
  if (code.sscc !== undefined) keys.push(`sscc:${code.sscc}`);
  if (code.gtin !== undefined && code.serial !== undefined) keys.push(`sgtin:${code.gtin}.${code.serial}`);
  return keys;
}
