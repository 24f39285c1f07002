/** Pure construction of contract v1 scan messages (issue #21) from scan reads. */
import type { ScanMessage, ScanRead } from '@coldtrace/contract';

/** The message time is the first read's; a read carries its own `time` only when it differs (as dataMessage does). */
export function scanMessage(seq: number, reads: readonly ScanRead[]): ScanMessage {
  const first = reads[0];
  if (first?.time === undefined) throw new RangeError('a scan message needs at least one read with a time');
  return {
    v: 1, seq, time: first.time,
    reads: reads.map((r) => {
      if (r.time !== first.time) return r;
      const { time: _time, ...rest } = r;
      return rest;
    }),
  };
}
