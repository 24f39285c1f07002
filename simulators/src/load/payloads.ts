/**
 * Deterministic message content for the load generator: a seeded PRNG, valid data messages (contract v1) and a
 * family of malformed ones. The same seed gives the same sequence of payload kinds and values.
 */
import { METRICS } from '@coldtrace/contract';


/** Float metrics a cold-chain logger reports; readings in one message cycle through them. */
export const LOAD_METRICS = ['temperature', 'humidity', 'battery.voltage', 'vibration.grms'] as const;
const UNITS = LOAD_METRICS.map((m) => METRICS[m].unit);
const BASE = [4, 60, 3.6, 0.2];

/**
 * Kinds of malformed messages, each refused by a different rule of the gateway (and so quarantined, then
 * acknowledged): not JSON, schema violation, unknown metric, wrong unit.
 */
export const MALFORMED_KINDS = ['not-json', 'schema', 'unknown-metric', 'wrong-unit'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/**
 * A data message of `n` readings starting at device time `time`, ms. Readings cycle through LOAD_METRICS and step
 * `stepMs` each time the cycle wraps, so (device, metric, time) stays unique as long as the caller advances the next
 * message's time by at least `timeSpan(n) * stepMs`.
 */
export function dataPayload(seq: number, time: number, n: number, rnd: () => number, stepMs = 1): string {
  const k = LOAD_METRICS.length;
  let readings = '';
  for (let i = 0; i < n; i++) {
    const m = i % k;
    const value = Math.round((BASE[m]! + rnd() * 2) * 100) / 100;
    const t = time + Math.floor(i / k) * stepMs;
    readings += `${i === 0 ? '' : ','}{"metric":"${LOAD_METRICS[m]!}","value":${value},"unit":"${UNITS[m]!}","time":${t}}`;
  }
  return `{"v":1,"seq":${seq},"time":${time},"readings":[${readings}]}`;
}

/** Device-time span, ms, that a message of `n` readings occupies (see dataPayload). */
export function timeSpan(n: number): number {
  return Math.ceil(n / LOAD_METRICS.length);
}

export function malformedPayload(kind: MalformedKind, seq: number, time: number): string {
  switch (kind) {
    case 'not-json':
      return `{"v":1,"seq":${seq},"time":${time},"readings":[{"metric":"temperature"`;
    case 'schema':
      return `{"v":1,"seq":"${seq}","time":${time},"readings":[]}`;
    case 'unknown-metric':
      return `{"v":1,"seq":${seq},"time":${time},"readings":[{"metric":"warp.factor","value":9,"unit":"1"}]}`;
    case 'wrong-unit':
      return `{"v":1,"seq":${seq},"time":${time},"readings":[{"metric":"temperature","value":39.2,"unit":"[degF]"}]}`;
  }
}
