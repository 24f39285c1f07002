/** The SourceSink the sources write to: readings and device status go durably into the outbox, then get drained. */
import { dataTopic, deviceStatusTopic, scanTopic, type DeviceStatus, type ScanRead } from '@coldtrace/contract';
import type { Logger } from 'pino';
import type { Priority, SourceReading, SourceSink } from '../sources/source.js';
import { chunkReadings, dataMessage, deviceStatusMessage } from './messages.js';
import { scanMessage } from './scan-message.js';
import { PRIORITY, type Outbox } from './outbox.js';

export interface OutboxSinkCounters {
  /** Readings committed to the outbox. */
  readonly readings: number;
  /** Readings refused because the value was not a finite number or boolean (never published, never invented). */
  readonly rejected: number;
  /** Enqueue failures (disk full, database error); the readings of that call are lost (logged once per episode). */
  readonly enqueueErrors: number;
  /** Scan reads committed to the outbox (scanner sources). */
  readonly scanReads: number;
}

export class OutboxSink implements SourceSink {
  private counters = { readings: 0, rejected: 0, enqueueErrors: 0, scanReads: 0 };
  /** Enqueue failures since the last success: the log says when failing starts and when it ends, not per call. */
  private failuresInARow = 0;

  constructor(
    private readonly site: string,
    private readonly node: string,
    private readonly outbox: Outbox,
    private readonly onEnqueued: () => void,
    private readonly log: Logger,
  ) {}

  readings(device: string, readings: readonly SourceReading[], priority: Priority = 'live'): void {
    const good = readings.filter((r) => typeof r.value === 'boolean' || Number.isFinite(r.value));
    if (good.length < readings.length) {
      this.counters.rejected += readings.length - good.length;
      this.log.warn({ device, rejected: readings.length - good.length }, 'non-finite readings refused');
    }
    if (good.length === 0) return;
    const topic = dataTopic(this.site, this.node, device);
    try {
      for (const chunk of chunkReadings(good)) {
        this.outbox.enqueue({
          device,
          topic,
          priority: priority === 'alarm' ? PRIORITY.alarm : PRIORITY.live,
          build: (seq) => JSON.stringify(dataMessage(seq ?? 0, chunk)),
        });
        this.counters.readings += chunk.length;
      }
      this.enqueued();
    } catch (err) {
      this.failed(err as Error, { device });
    }
    this.onEnqueued();
  }

  private enqueued(): void {
    if (this.failuresInARow === 0) return;
    this.log.warn({ failures: this.failuresInARow }, 'outbox takes readings again');
    this.failuresInARow = 0;
  }

  private failed(err: Error, context: Record<string, string>): void {
    this.counters.enqueueErrors += 1;
    this.failuresInARow += 1;
    if (this.failuresInARow === 1) this.log.error({ ...context, err: err.message }, 'outbox enqueue failed (disk full?): new readings are lost until it takes them again; what it holds is kept and sent');
  }

  /** Scan reads (issue #21): one message per call, through the outbox like readings, with the device's sequence. */
  scans(device: string, reads: readonly ScanRead[]): void {
    if (reads.length === 0) return;
    try {
      this.outbox.enqueue({ device, topic: scanTopic(this.site, this.node, device), priority: PRIORITY.live, build: (seq) => JSON.stringify(scanMessage(seq ?? 0, reads)) });
      this.counters.scanReads += reads.length;
      this.enqueued();
    } catch (err) {
      this.failed(err as Error, { device, what: 'scan reads' });
    }
    this.onEnqueued();
  }

  status(device: string, status: Omit<DeviceStatus, 'v'>): void {
    try {
      this.outbox.enqueue({
        topic: deviceStatusTopic(this.site, this.node, device),
        priority: PRIORITY.status,
        build: () => JSON.stringify(deviceStatusMessage(status)),
      });
      this.enqueued();
    } catch (err) {
      this.failed(err as Error, { device, what: 'device status' });
    }
    this.onEnqueued();
  }

  stats(): OutboxSinkCounters {
    return { ...this.counters };
  }
}
