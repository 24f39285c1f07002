/**
 * A scan message (contract scan.ts) after its schema: each read with its device time and the same LATE and
 * CLOCK_SKEW flags a reading gets (validate.ts), or the message refused whole with the read at fault. Pure.
 */
import { scanReadProblem, type ParsedTopic, type ScanCode, type ScanMessage } from '@coldtrace/contract';
import { ReadingFlag } from '../reading.js';
import type { RejectCode } from '../reject-codes.js';

export type ScanTopic = Extract<ParsedTopic, { kind: 'scan' }>;

/** One read of a scan message, checked. */
export interface CheckedRead {
  /** Position in its message: (device, seq, index) names a read once, whatever the retries. */
  readonly index: number;
  /** Device time, ms. */
  readonly time: number;
  readonly via: 'barcode' | 'rfid';
  readonly raw: string;
  readonly code?: ScanCode;
  /** Why the edge could not decode it. */
  readonly error?: { readonly code: string; readonly reason: string };
  readonly antenna?: number;
  readonly rssi?: number;
  /** ReadingFlag bits (LATE: received long after it was read; CLOCK_SKEW: read in the future). */
  readonly flags: number;
}

export interface ScanInbound {
  readonly ok: true;
  readonly kind: 'scan';
  readonly topic: ScanTopic;
  readonly seq: number;
  readonly reads: readonly CheckedRead[];
}

export interface ScanRejection {
  readonly ok: false;
  readonly code: RejectCode;
  readonly detail: string;
  readonly seq: number;
  readonly deviceTime: number;
}

export function checkScan(topic: ScanTopic, msg: ScanMessage, receivedAt: number, o: { clockSkewToleranceMs: number; lateAfterMs: number }): ScanInbound | ScanRejection {
  const reads: CheckedRead[] = [];
  for (let i = 0; i < msg.reads.length; i++) {
    const r = msg.reads[i]!;
    const time = r.time ?? msg.time;
    const problem = scanReadProblem(r);
    if (problem !== undefined) return { ok: false, code: 'E_FIELD_TYPE', detail: `/reads/${i}: ${problem}`, seq: msg.seq, deviceTime: time };
    let flags = 0;
    if (time - receivedAt > o.clockSkewToleranceMs) flags |= ReadingFlag.CLOCK_SKEW;
    if (receivedAt - time > o.lateAfterMs) flags |= ReadingFlag.LATE;
    reads.push({
      index: i, time, via: r.via, raw: r.raw, flags,
      ...(r.code !== undefined ? { code: r.code } : {}), ...(r.error !== undefined ? { error: r.error } : {}),
      ...(r.antenna !== undefined ? { antenna: r.antenna } : {}), ...(r.rssi !== undefined ? { rssi: r.rssi } : {}),
    });
  }
  return { ok: true, kind: 'scan', topic, seq: msg.seq, reads };
}
