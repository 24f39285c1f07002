/**
 * Part 3: flag latency at half of peak. A gateway process (custody and rules on, the defaults) on a copy of the
 * registry takes single-reading traffic from the registered zone sensors at half of the peak rate measured in part 2,
 * and meanwhile, once a second, a probe sensor publishes a reading beyond its batch's `instant` limit (QoS 1). Each
 * probe batch is its own, so its flag is new: the bench polls GET /api/v1/flags?subject=batch:PB-i every 10 ms until
 * the flag is there.
 *
 * Measured per probe: PUBACK -> flag visible (the gateway acknowledges after the commit: the commit lies between the
 * publish and the PUBACK, so this is commit -> visible less the PUBACK's way back, under a millisecond on loopback), and
 * publish -> visible (an upper bound). The gateway's coldtrace_rules_flag_latency_seconds is read too, but it is not
 * the figure: it counts every batch the load marks, from the first commit that marked it to its reconciliation, in
 * buckets (0.25, 0.5, 1, 2.5 s ...), and says nothing of when the API shows the flag.
 *
 * Commit -> notification (issue #22): the gateway runs with a notification policy (docs/notifications.md) whose one
 * channel is a JSON webhook to a receiver in the bench; per probe, PUBACK -> the probe's alarm received there. The
 * policy keeps the default group wait (1 s: every alarm waits that long for others of its group) and sets no group
 * interval: the probes, one a second in one site under one rule, would otherwise be one group sending every 5 s,
 * which is the grouping working, not the latency of an alarm.
 */
import { rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { METRICS, dataTopic } from '@coldtrace/contract';
import { runLoad } from '../../load/index.js';
import { spawnGateway } from '../processes.js';
import { bucketQuantile, sample } from '../prom-text.js';
import { shapes, type BenchMode } from '../shapes.js';
import { dataDirWithRegistry } from '../registry/ingest.js';
import { SENSOR_PREFIX } from '../registry/generate.js';
import { waitIdle } from '../registry/import-phase.js';
import { PROBE_VALUE_C, probeBatch, probeDevice } from './template.js';

/** Probes per mode (one a second), and the warm-up before the first. */
export const LATENCY_SIZES: Record<BenchMode, { probes: number; warmupMs: number }> = {
  smoke: { probes: 3, warmupMs: 500 },
  quick: { probes: 30, warmupMs: 3000 },
  full: { probes: 120, warmupMs: 5000 },
};

const HISTOGRAM = 'coldtrace_rules_flag_latency_seconds';
/**
 * The probe's own flag: a probe batch may carry others (a probe sensor silent until its probe has a data gap in a
 * long run), which must not count as the probe's flag or alarm.
 */
const PROBE_RULE = 'excursion/temperature/upper/30/instant';
const POLL_MS = 10;
export const GIVE_UP_MS = 30_000;

/** Over every probe; a probe whose flag never showed counts as slower than all (null: beyond GIVE_UP_MS). */
export interface LatencySummary {
  /** Probes measured (whose flag showed). */
  readonly count: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export function summary(xs: readonly (number | undefined)[]): LatencySummary {
  const s = xs.map((x) => x ?? Infinity).sort((a, b) => a - b);
  const q = (p: number): number | null => {
    const x = s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
    if (x === undefined) return 0;
    return Number.isFinite(x) ? Math.round(x * 10) / 10 : null;
  };
  return { count: xs.filter((x) => x !== undefined).length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(1) };
}

export interface FlagLatency {
  /** Messages/s at peak (part 2, single reading, custody and rules on) and the offered half. */
  readonly peakMessagesPerS: number;
  readonly offeredMessagesPerS: number;
  /** What the load generator got acknowledged, messages/s, and its ack p99 after warm-up, ms. */
  readonly loadMessagesPerS: number;
  readonly loadP99Ms: number;
  readonly devices: number;
  readonly probes: number;
  /** Probes whose flag never showed within GIVE_UP_MS (counted as slower than all in the summaries). */
  readonly missing: number;
  /** PUBACK -> flag visible in the API, ms (the figure; target p99 < 1000). */
  readonly ackToVisible: LatencySummary;
  readonly publishToVisible: LatencySummary;
  readonly publishToAck: LatencySummary;
  /** PUBACK -> the probe's alarm handed to the notification webhook and received by the bench, ms (target p99 < 2000). */
  readonly ackToNotified: LatencySummary;
  /** Probes whose notification never arrived within GIVE_UP_MS. */
  readonly notifyMissing: number;
  /**
   * Per probe, notified less visible, ms: what the notification path adds to the flag's own latency (the group wait
   * and the send), apart from how late the rules were on a loaded machine. Within the 10-100 ms of the API polling.
   */
  readonly visibleToNotified: LatencySummary;
  /** The gateway's histogram over the probe window, every live subject: count and bucket bounds, ms (null: beyond 30 s). */
  readonly histogram: { count: number; p50Ms: number | null; p99Ms: number | null };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

interface Probe {
  readonly pubToAck: number;
  readonly ackToVisible?: number;
  readonly pubToVisible?: number;
  readonly ackToNotified?: number;
}

/** Batch -> when (performance.now()) its alarm first reached the bench's webhook. */
type Notified = Map<string, number>;

async function probe(client: mqtt.MqttClient, httpUrl: string, i: number, notified: Notified): Promise<Probe> {
  const time = Date.now();
  const payload = JSON.stringify({ v: 1, seq: 1, time, readings: [{ metric: 'temperature', value: PROBE_VALUE_C, unit: METRICS.temperature.unit, time }] });
  const t0 = performance.now();
  await client.publishAsync(dataTopic('probe', 'probe-node', probeDevice(i)), payload, { qos: 1 });
  const acked = performance.now();
  const url = `${httpUrl}/api/v1/flags?subject=${encodeURIComponent(`batch:${probeBatch(i)}`)}`;
  while (performance.now() - acked < GIVE_UP_MS) {
    const body = (await (await fetch(url)).json()) as { flags: { rule: string }[] };
    const seen = performance.now();
    if (body.flags.some((f) => f.rule === PROBE_RULE)) {
      const told = await notifiedAt(notified, probeBatch(i), acked);
      return { pubToAck: acked - t0, ackToVisible: seen - acked, pubToVisible: seen - t0, ...(told !== undefined ? { ackToNotified: told - acked } : {}) };
    }
    // Every 10 ms for the first second (the target's range), then every 100 ms: many probes waiting at once must not load the gateway.
    await new Promise((r) => setTimeout(r, seen - acked < 1000 ? POLL_MS : 10 * POLL_MS));
  }
  return { pubToAck: acked - t0 };
}

async function notifiedAt(notified: Notified, batch: string, since: number): Promise<number | undefined> {
  while (performance.now() - since < GIVE_UP_MS) {
    const at = notified.get(batch);
    if (at !== undefined) return at;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return undefined;
}

/** A webhook receiver that notes when each probe batch's alarm arrives (the generic JSON body: alarms[].flagId). */
async function notificationReceiver(notified: Notified): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alarms?: { flagId?: string }[] };
        for (const a of body.alarms ?? []) {
          const batch = new RegExp(`^${PROBE_RULE}@batch:(.+)$`).exec(a.flagId ?? '')?.[1];
          if (batch !== undefined && !notified.has(batch)) notified.set(batch, at);
        }
      } finally {
        res.writeHead(200).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, close: () => new Promise((r) => server.close(() => r())) };
}

export async function measureFlagLatency(mode: BenchMode, template: string, peakMessagesPerS: number, log: (s: string) => void): Promise<FlagLatency> {
  const { probes, warmupMs } = LATENCY_SIZES[mode];
  const half = shapes(mode).find((s) => s.name === 'half-peak')!;
  const devices = half.load.devices ?? 100;
  const offered = Math.round(peakMessagesPerS / 2);
  const dir = await dataDirWithRegistry(template, 'latency');
  const notified: Notified = new Map();
  const receiver = await notificationReceiver(notified);
  try {
    const policyFile = join(dir, 'notify-policy.json');
    await writeFile(policyFile, JSON.stringify({
      channels: [{ name: 'hook', kind: 'webhook', format: 'json', url: receiver.url }],
      recipients: [{ id: 'bench', contacts: { hook: 'bench' } }],
      policies: [{ id: 'probes', match: { sites: ['SITE-PROBE'], rules: [PROBE_RULE] }, steps: [{ notify: ['bench'] }], group: { intervalSec: 0 } }],
    }));
    const gw = await spawnGateway({ COLDTRACE_DATA_DIR: dir, COLDTRACE_DURABILITY: half.durability, COLDTRACE_CUSTODY: 'on', COLDTRACE_RULES: 'on', COLDTRACE_NOTIFY_CONFIG: policyFile });
    try {
      await waitIdle(gw.pid);
      const httpUrl = gw.ready['httpUrl']!;
      const client = await mqtt.connectAsync(gw.ready['mqttUrl']!, { clientId: 'rules-bench-probe', reconnectPeriod: 0 });
      try {
        log(`flag latency: ${devices} devices at ${offered.toLocaleString('en')} msg/s (half of ${Math.round(peakMessagesPerS).toLocaleString('en')}), ${probes} probes, one a second after ${warmupMs / 1000} s`);
        const load = runLoad({
          ...half.load, devicePrefix: SENSOR_PREFIX, ratePerDevice: Math.max(0.01, offered / devices), warmupMs,
          durationMs: warmupMs + probes * 1000 + 2000, url: gw.ready['mqttUrl']!,
        });
        await new Promise((r) => setTimeout(r, warmupMs));
        const before = await (await fetch(`${httpUrl}/metrics`)).text();
        const running: Promise<Probe>[] = [];
        for (let i = 0; i < probes; i++) {
          running.push(probe(client, httpUrl, i, notified));
          await new Promise((r) => setTimeout(r, 1000));
        }
        const results = await Promise.all(running);
        const after = await (await fetch(`${httpUrl}/metrics`)).text();
        const loaded = await load;
        const seen = results.filter((p) => p.ackToVisible !== undefined);
        const last = (x: number | null): string => (x === null ? `> ${GIVE_UP_MS / 1000} s` : `${x} ms`);
        const r: FlagLatency = {
          peakMessagesPerS: Math.round(peakMessagesPerS), offeredMessagesPerS: offered, loadMessagesPerS: loaded.ackedMessagesPerS, loadP99Ms: loaded.latencySteady.p99,
          devices, probes, missing: probes - seen.length,
          ackToNotified: summary(results.map((p) => p.ackToNotified)), notifyMissing: results.filter((p) => p.ackToNotified === undefined).length,
          visibleToNotified: summary(results.map((p) => (p.ackToNotified !== undefined && p.ackToVisible !== undefined ? p.ackToNotified - p.ackToVisible : undefined))),
          ackToVisible: summary(results.map((p) => p.ackToVisible)), publishToVisible: summary(results.map((p) => p.pubToVisible)), publishToAck: summary(results.map((p) => p.pubToAck)),
          histogram: {
            count: sample(after, `${HISTOGRAM}_count`) - sample(before, `${HISTOGRAM}_count`),
            p50Ms: finite(bucketQuantile(before, after, HISTOGRAM, 0.5)), p99Ms: finite(bucketQuantile(before, after, HISTOGRAM, 0.99)),
          },
        };
        log(`  PUBACK -> visible p50 ${last(r.ackToVisible.p50)} / p95 ${last(r.ackToVisible.p95)} / p99 ${last(r.ackToVisible.p99)} / max ${last(r.ackToVisible.max)} over ${r.probes} probes (${r.missing} never showed); ` +
          `PUBACK -> notified p50 ${last(r.ackToNotified.p50)} / p99 ${last(r.ackToNotified.p99)} (${r.notifyMissing} never), visible -> notified p50 ${last(r.visibleToNotified.p50)} / p99 ${last(r.visibleToNotified.p99)}; ` +
          `load ${r.loadMessagesPerS.toLocaleString('en')} msg/s acknowledged, p99 ${r.loadP99Ms} ms; histogram ${r.histogram.count} subjects, p50 <= ${last(r.histogram.p50Ms)}, p99 <= ${last(r.histogram.p99Ms)}`);
        return r;
      } finally {
        await client.endAsync();
      }
    } finally {
      await gw.stop();
    }
  } finally {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  }
}
