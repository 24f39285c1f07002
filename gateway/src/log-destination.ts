/**
 * Where the gateway's log goes: standard output, written asynchronously with a bounded buffer, never fatal. A log
 * on a full disk (or behind a pipe nobody reads) used to stop the gateway: pino's writer blocked the event loop on
 * a full pipe, or threw ENOSPC after the disk was full and crashed the process once space came back (issue #23).
 * Here a failed write is counted and retried with the next line, and what does not fit the buffer is dropped and
 * counted; logging never holds up ingest.
 */
import { pino } from 'pino';

export interface LogStats {
  /** Writes that failed (ENOSPC, EPIPE, ...). */
  readonly writeFailures: number;
  /** Bytes dropped because the buffer was full. */
  readonly droppedBytes: number;
}

/** Buffer of log output waiting to be written, bytes; beyond it lines are dropped and counted. */
export const LOG_BUFFER_BYTES = 4 * 1024 * 1024;

export function resilientStdout(): { readonly destination: pino.DestinationStream & { flushSync(): void }; stats(): LogStats } {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 0, maxLength: LOG_BUFFER_BYTES });
  let writeFailures = 0;
  let droppedBytes = 0;
  destination.on('error', () => { writeFailures++; });
  destination.on('drop', (data: unknown) => { droppedBytes += typeof data === 'string' ? Buffer.byteLength(data) : 0; });
  // The ready line and other direct writes: an error there must not become an uncaught exception either.
  process.stdout.on('error', () => { writeFailures++; });
  process.stderr.on('error', () => { writeFailures++; });
  return { destination, stats: () => ({ writeFailures, droppedBytes }) };
}
