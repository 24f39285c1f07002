/** Pure construction of contract v1 payloads from source readings. */
import { MAX_READINGS_PER_MESSAGE, type DataMessage, type DeviceStatus, type NodeStatus, type Reading } from '@coldtrace/contract';
import type { SourceReading } from '../sources/source.js';

/** Splits readings into message-sized chunks (contract: at most MAX_READINGS_PER_MESSAGE per message). */
export function chunkReadings(readings: readonly SourceReading[], max = MAX_READINGS_PER_MESSAGE): SourceReading[][] {
  const out: SourceReading[][] = [];
  for (let i = 0; i < readings.length; i += max) out.push(readings.slice(i, i + max));
  return out;
}

/**
 * One DataMessage: the message time is the first reading's device time; a reading carries its own `time` only
 * when it differs, which keeps the common poll batch (all read at once) small.
 */
export function dataMessage(seq: number, readings: readonly SourceReading[]): DataMessage {
  const first = readings[0];
  if (!first) throw new RangeError('a data message needs at least one reading');
  return {
    v: 1,
    seq,
    time: first.time,
    readings: readings.map((r): Reading => {
      const base = { metric: r.metric, value: r.value, unit: r.unit };
      return r.time === first.time ? base : { ...base, time: r.time };
    }),
  };
}

export function deviceStatusMessage(status: Omit<DeviceStatus, 'v'>): DeviceStatus {
  return { v: 1, ...status };
}

export function nodeStatusMessage(state: 'online' | 'offline', time: number, boot: string, extra: Partial<Pick<NodeStatus, 'will' | 'version' | 'devices' | 'outbox'>> = {}): NodeStatus {
  return { v: 1, state, time, boot, ...extra };
}
