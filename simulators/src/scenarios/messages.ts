/**
 * A scenario's readings as contract v1 data messages (docs/contract.md): per device, in time order, at most
 * `maxReadings` readings a message (the contract's limit is 1000), split at replay slices so that a paced replay
 * sends each stretch of device time when the accelerated clock reaches it. Pure.
 */
import type { DeviceSource, ScenarioReading } from './types.js';

export interface PlannedMessage {
  readonly site: string;
  readonly node: string;
  readonly device: string;
  readonly seq: number;
  /** Device time of its last reading: a paced replay sends it once the replay clock has passed this. */
  readonly lastMs: number;
  readonly readings: readonly ScenarioReading[];
}

export interface PlanOptions {
  /** Device time covered by one replay slice, ms. */
  readonly sliceMs: number;
  /** Most readings per message (contract: 1 to 1000). Default 1000. */
  readonly maxReadings?: number;
  /** First seq per device; absent devices start at 0. */
  readonly firstSeq?: ReadonlyMap<string, number>;
}

export const CONTRACT_MAX_READINGS = 1000;

export function planMessages(readings: readonly ScenarioReading[], sources: readonly DeviceSource[], o: PlanOptions): PlannedMessage[] {
  const max = Math.min(o.maxReadings ?? CONTRACT_MAX_READINGS, CONTRACT_MAX_READINGS);
  const where = new Map(sources.map((s) => [s.device, s]));
  const seq = new Map(o.firstSeq ?? []);
  const sorted = [...readings].sort((a, b) => a.time - b.time);
  const first = sorted[0]?.time ?? 0;
  const out: PlannedMessage[] = [];
  let i = 0;
  while (i < sorted.length) {
    // One slice of device time; inside it, one message per device (devices in order of their first reading).
    const sliceEnd = first + (Math.floor((sorted[i]!.time - first) / o.sliceMs) + 1) * o.sliceMs;
    const byDevice = new Map<string, ScenarioReading[]>();
    for (; i < sorted.length && sorted[i]!.time < sliceEnd; i++) {
      const r = sorted[i]!;
      const list = byDevice.get(r.device);
      if (list === undefined) byDevice.set(r.device, [r]);
      else list.push(r);
    }
    for (const [device, list] of byDevice) {
      const src = where.get(device);
      if (src === undefined) throw new Error(`no source (site, node) for device '${device}'`);
      for (let k = 0; k < list.length; k += max) {
        const chunk = list.slice(k, k + max);
        const n = seq.get(device) ?? 0;
        seq.set(device, n + 1);
        out.push({ site: src.site, node: src.node, device, seq: n, lastMs: chunk[chunk.length - 1]!.time, readings: chunk });
      }
    }
  }
  return out;
}

/** The message body: `{v, seq, time, readings}` with each reading's own device time. */
export function payloadOf(m: PlannedMessage): string {
  return JSON.stringify({
    v: 1, seq: m.seq, time: m.readings[0]!.time,
    readings: m.readings.map((r) => ({ metric: r.metric, value: r.value, unit: r.unit, time: r.time })),
  });
}

/** The seq each device continues with after `messages`. */
export function nextSeqs(messages: readonly PlannedMessage[], start: ReadonlyMap<string, number> = new Map()): Map<string, number> {
  const out = new Map(start);
  for (const m of messages) out.set(m.device, Math.max(out.get(m.device) ?? 0, m.seq + 1));
  return out;
}
