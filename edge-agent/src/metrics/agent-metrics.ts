/**
 * The agent's Prometheus registry: one per agent instance (no global registry, docs/engineering.md, "Avoid"), every value
 * read at scrape time from the component that owns it. Issue #3: outbox drops are reported in status and metrics.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboxStats } from '../forward/outbox.js';
import type { PublisherStats } from '../forward/publisher.js';
import type { OutboxSinkCounters } from '../forward/sink.js';
import type { RefusalCount } from '../forward/feedback.js';
import type { Source } from '../sources/source.js';
import { mirrorCounter, mirrorGauge, one, type Sample } from './collect.js';
import type { DeviceHealth, DeviceState } from './device-health.js';
import { METRIC_PREFIX } from './prefix.js';
import { registerSourceMetrics } from './source-metrics.js';
import { registerPhotoMetrics } from './photo-metrics.js';
import type { PhotoStats } from '../forward/photos.js';


const DEVICE_STATES: readonly DeviceState[] = ['ok', 'stale', 'error'];

export interface AgentMetricsInputs {
  readonly site: string;
  readonly node: string;
  readonly boot: string;
  readonly version?: string;
  readonly outbox: () => OutboxStats;
  readonly publisher: () => PublisherStats;
  readonly sink: () => OutboxSinkCounters;
  readonly devices: () => ReadonlyMap<string, DeviceHealth>;
  /** Messages the gateway refused per device and code, from its feedback (issue #24). Default: none. */
  readonly refusals?: () => readonly RefusalCount[];
  /** Feedback messages that did not match the contract. Default 0. */
  readonly invalidFeedback?: () => number;
  /** The photo outbox and uploads (issue #21); absent without a `photos` section. */
  readonly photos?: () => PhotoStats;
  /** Sources whose own counters are exported when their kind is known (Modbus, GPS, line, accel). */
  readonly sources: readonly Source[];
}

export interface AgentMetricsOptions {
  /** Also export the process metrics of prom-client (CPU, memory, event loop, GC), prefixed. Default true. */
  readonly processMetrics?: boolean;
}

function perDevice(devices: ReadonlyMap<string, DeviceHealth>, value: (h: DeviceHealth) => number | undefined): Sample<'device'>[] {
  const out: Sample<'device'>[] = [];
  for (const [device, h] of devices) {
    const v = value(h);
    if (v !== undefined) out.push([{ device }, v]);
  }
  return out;
}

export function createAgentRegistry(inputs: AgentMetricsInputs, options: AgentMetricsOptions = {}): Registry {
  const registry = new Registry();
  const p = METRIC_PREFIX;
  mirrorGauge(registry, {
    name: `${p}info`,
    help: 'Always 1; labels identify the agent and its current boot.',
    labelNames: ['site', 'node', 'boot', 'version'],
    read: () => [[{ site: inputs.site, node: inputs.node, boot: inputs.boot, version: inputs.version ?? '' }, 1]],
  });

  mirrorGauge(registry, { name: `${p}outbox_depth`, help: 'Messages waiting in the durable outbox.', read: () => one(inputs.outbox().depth) });
  mirrorGauge(registry, { name: `${p}outbox_bytes`, help: 'Payload bytes waiting in the durable outbox.', read: () => one(inputs.outbox().bytes) });
  mirrorCounter(registry, {
    name: `${p}outbox_dropped_total`,
    help: 'Outbox messages dropped unsent since start: reason=full (oldest dropped at maxBytes), reason=expired (older than maxAgeMs).',
    labelNames: ['reason'],
    read: () => {
      const s = inputs.outbox();
      return [[{ reason: 'full' }, s.droppedFull], [{ reason: 'expired' }, s.droppedExpired]];
    },
  });

  mirrorCounter(registry, { name: `${p}published_total`, help: 'MQTT publishes (QoS 1) sent, resends included.', read: () => one(inputs.publisher().published) });
  mirrorCounter(registry, { name: `${p}acked_total`, help: 'Publishes acknowledged by the broker (PUBACK) and removed from the outbox.', read: () => one(inputs.publisher().acked) });
  mirrorCounter(registry, { name: `${p}publish_errors_total`, help: 'Publishes that failed (connection lost before PUBACK); the row stays in the outbox.', read: () => one(inputs.publisher().publishErrors) });
  mirrorCounter(registry, { name: `${p}reconnects_total`, help: 'MQTT reconnect attempts scheduled after a closed or failed connection.', read: () => one(inputs.publisher().reconnects) });
  mirrorGauge(registry, { name: `${p}inflight`, help: 'Publishes waiting for their PUBACK.', read: () => one(inputs.publisher().inflight) });
  mirrorGauge(registry, { name: `${p}connected`, help: '1 while connected to the MQTT broker, else 0.', read: () => one(inputs.publisher().connected ? 1 : 0) });

  mirrorCounter(registry, { name: `${p}readings_total`, help: 'Readings committed to the outbox.', read: () => one(inputs.sink().readings) });
  mirrorCounter(registry, { name: `${p}readings_rejected_total`, help: 'Readings refused because the value was not finite (never published).', read: () => one(inputs.sink().rejected) });
  mirrorCounter(registry, { name: `${p}enqueue_errors_total`, help: 'Outbox write failures (disk full, database error).', read: () => one(inputs.sink().enqueueErrors) });

  mirrorGauge(registry, {
    name: `${p}device_last_good_read_timestamp_seconds`,
    help: 'Agent clock when the last usable reading of the device arrived, s since the epoch; absent before the first.',
    labelNames: ['device'],
    read: () => perDevice(inputs.devices(), (h) => (h.lastGoodReadAt === undefined ? undefined : h.lastGoodReadAt / 1000)),
  });
  mirrorCounter(registry, {
    name: `${p}device_errors_total`,
    help: 'Failed reads of the device since its source started, as of its last device status.',
    labelNames: ['device'],
    read: () => perDevice(inputs.devices(), (h) => h.errorCount),
  });
  mirrorGauge(registry, {
    name: `${p}device_state`,
    help: 'Last device status reported by the source: 1 for the current state (ok, stale, error), 0 for the others.',
    labelNames: ['device', 'state'],
    read: () => {
      const out: Sample<'device' | 'state'>[] = [];
      for (const [device, h] of inputs.devices()) for (const state of DEVICE_STATES) out.push([{ device, state }, h.state === state ? 1 : 0]);
      return out;
    },
  });

  mirrorCounter(registry, {
    name: `${p}refusals_total`,
    help: 'Messages the gateway refused (quarantined), per device and reject code, as its feedback told; device is empty for the node status.',
    labelNames: ['device', 'code'],
    read: () => (inputs.refusals?.() ?? []).map((r): Sample<'device' | 'code'> => [{ device: r.device, code: r.code }, r.refusals]),
  });
  mirrorCounter(registry, { name: `${p}feedback_invalid_total`, help: 'Feedback messages from the gateway that did not match the contract (ignored).', read: () => one(inputs.invalidFeedback?.() ?? 0) });

  registerSourceMetrics(registry, inputs.sources);
  registerPhotoMetrics(registry, inputs.photos, inputs.sources);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: p });
  return registry;
}
