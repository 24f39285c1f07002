/** Prometheus metrics of one gateway instance (its own Registry: no global state). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics.js';
import type { WriteBatcherObserver } from './write-batcher.js';

export class GatewayMetrics {
  readonly registry = new Registry();
  // Per message or per reading: hot-path metrics (hot-metrics.ts), each label value declared here.
  readonly messages = new HotCounter({ name: 'coldtrace_ingest_messages_total', help: 'MQTT messages handled, by outcome', label: 'outcome', values: ['stored', 'status', 'quarantined', 'scan'], registry: this.registry });
  /** Scan reads by what they did (docs/scans.md): moved, repeat, refused, contradiction, unresolved, bad-code. */
  readonly scanReads = new Counter({ name: 'coldtrace_scan_reads_total', help: 'Scan reads logged, by outcome (docs/scans.md)', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly readings = new Counter({ name: 'coldtrace_ingest_readings_total', help: 'Readings committed to the store (new)', registers: [this.registry] });
  readonly duplicates = new Counter({ name: 'coldtrace_ingest_duplicate_readings_total', help: 'Readings already stored (same device, metric, device time)', registers: [this.registry] });
  readonly quarantined = new Counter({ name: 'coldtrace_quarantine_total', help: 'Messages quarantined, by reason code', labelNames: ['code'] as const, registers: [this.registry] });
  readonly flagged = new HotCounter({ name: 'coldtrace_ingest_flagged_readings_total', help: 'Readings stored with a data-quality flag', label: 'flag', values: ['clock_skew', 'late'], registry: this.registry });
  readonly lag = new HotHistogram({
    name: 'coldtrace_ingest_lag_seconds', help: 'Receive time minus device time of each stored message (its first reading)',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 3600, 86400], registry: this.registry,
  });
  /**
   * Per message: what a device waits for its PUBACK inside the gateway, the latency the store and batching cause.
   * `lane`: `backlog` for store-and-forward replays (every reading LATE), which wait on purpose; `live` for the rest.
   */
  readonly ack = new HotHistogram({
    name: 'coldtrace_ingest_ack_seconds', help: 'Gateway receive to durable outcome (stored or quarantined, then acknowledged), per message, by lane (live, backlog)',
    label: 'lane', values: ['live', 'backlog'],
    buckets: [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registry: this.registry,
  });
  readonly storeWrite = new Histogram({
    name: 'coldtrace_store_write_seconds', help: 'Duration of one group commit to the store',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry],
  });
  readonly queueDepth = new Gauge({ name: 'coldtrace_write_queue_readings', help: 'Readings waiting for a commit', registers: [this.registry] });
  readonly storeLog = new Gauge({ name: 'coldtrace_store_log_readings', help: 'Readings durable in the store\'s ingest log, not yet written as chunks (embedded store; bounded)', registers: [this.registry] });
  readonly heldBack = new Counter({ name: 'coldtrace_write_queue_held_back_total', help: 'Writers held back because the write queue was full (backpressure)', registers: [this.registry] });
  readonly custody = new Counter({
    name: 'coldtrace_custody_readings_total', help: 'Committed readings by custody at their device time: linked (in a zone or on a shipment) or unlinked (stored, in no placement, or of a device the registry does not know)',
    labelNames: ['custody'] as const, registers: [this.registry],
  });
  readonly flagLatency = new Histogram({
    name: 'coldtrace_rules_flag_latency_seconds', help: 'From the commit (or registry change) that marked a batch to its flags being reconciled',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry],
  });
  readonly gpsDropped = new Counter({
    name: 'coldtrace_rules_gps_fixes_dropped_total', help: 'GPS fixes the rules dropped as invalid, by reason (out-of-range, zero-position, future, duplicate-time, speed): what each judgement of a shipment finds beyond its previous one',
    labelNames: ['reason'] as const, registers: [this.registry],
  });
  readonly mqttRefused = new Counter({ name: 'coldtrace_mqtt_refused_total', help: 'MQTT connections, publishes and subscriptions refused by device identity and topic ACLs (docs/security.md), by stage and reason', labelNames: ['stage', 'reason'] as const, registers: [this.registry] });
  readonly commitFailures = new Counter({ name: 'coldtrace_store_commit_failures_total', help: 'Group commits the store refused (disk full, I/O error ...): nothing of them was stored or acknowledged', registers: [this.registry] });
  /** Read from the live view at scrape time (setLastSeenSource), not set per message: 10,000 devices cost nothing on ingest. */
  private lastSeenSource: () => Iterable<{ readonly device: string; readonly lastSeen: number }> = () => [];
  readonly lastSeen: Gauge<'device'>;
  /** External broker mode: read from the subscriber at scrape time (setMqttSource). */
  private logSource: () => { readonly writeFailures: number; readonly droppedBytes: number } = () => ({ writeFailures: 0, droppedBytes: 0 });
  private mqttSource: () => { readonly lost: number; readonly inFlight: number } = () => ({ lost: 0, inFlight: 0 });
  readonly feedbackLatency = new Histogram({
    name: 'coldtrace_feedback_latency_seconds', help: 'Receive time of a refused message to its feedback taken by the broker (feedback sent at once, not flushed later)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [this.registry],
  });

  /**
   * Refusal feedback to nodes (services/feedback.ts), read at scrape time: published, held back by the throttle,
   * not sent (too many devices tracked, too many publishes waiting, the broker refused), and waiting now.
   */
  setFeedbackSource(source: () => { readonly published: number; readonly suppressed: number; readonly untracked: number; readonly overflow: number; readonly failed: number; readonly inFlight: number }): void {
    new Counter({
      name: 'coldtrace_feedback_messages_total',
      help: 'Refusal feedback by outcome: published (taken by the broker), suppressed (a refusal held back by the per-device-and-code throttle, counted in a later feedback), untracked (too many devices and codes tracked), overflow (too many publishes waiting for the broker), failed (the broker did not take it)',
      labelNames: ['outcome'] as const, registers: [this.registry],
      collect() {
        this.reset();
        const c = source();
        for (const outcome of ['published', 'suppressed', 'untracked', 'overflow', 'failed'] as const) this.inc({ outcome }, c[outcome]);
      },
    });
    new Gauge({ name: 'coldtrace_feedback_in_flight', help: 'Refusal feedback waiting for the broker', registers: [this.registry], collect() { this.set(source().inFlight); } });
  }

  /** Flags by state, severity and whether their condition holds, read from the flag store at scrape time. */
  setFlagSource(source: () => Promise<readonly { state: string; severity: string; active: boolean; n: number }[]>): void {
    new Gauge({
      name: 'coldtrace_flags', help: 'Flags not withdrawn, by state (open, acknowledged, resolved), severity and active (condition holds)',
      labelNames: ['state', 'severity', 'active'] as const, registers: [this.registry],
      async collect() {
        this.reset();
        for (const c of await source()) this.set({ state: c.state, severity: c.severity, active: String(c.active) }, c.n);
      },
    });
  }

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const source = (): Iterable<{ readonly device: string; readonly lastSeen: number }> => this.lastSeenSource();
    this.lastSeen = new Gauge({
      name: 'coldtrace_device_last_seen_timestamp_seconds', help: 'Receive time of the last message per device', labelNames: ['device'] as const, registers: [this.registry],
      collect() {
        this.reset();
        for (const d of source()) this.set({ device: d.device }, d.lastSeen / 1000);
      },
    });
    // Read at scrape time from what owns the figure (the external subscriber, the log writer).
    readAtScrape(this.registry, 'counter', 'coldtrace_mqtt_connections_lost_total', 'Connections to the external broker lost since start (reconnected with backoff)', () => this.mqttSource().lost);
    readAtScrape(this.registry, 'gauge', 'coldtrace_mqtt_in_flight_messages', 'Messages received from the external broker and not yet acknowledged (waiting for their commit)', () => this.mqttSource().inFlight);
    readAtScrape(this.registry, 'counter', 'coldtrace_log_write_failures_total', 'Log writes that failed (full disk, closed pipe): counted and retried, never fatal', () => this.logSource().writeFailures);
    readAtScrape(this.registry, 'counter', 'coldtrace_log_dropped_bytes_total', 'Log output dropped because the log could not be written fast enough (its buffer was full)', () => this.logSource().droppedBytes);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'coldtrace_' });
  }

  setLastSeenSource(source: () => Iterable<{ readonly device: string; readonly lastSeen: number }>): void {
    this.lastSeenSource = source;
  }

  setLogSource(source: () => { readonly writeFailures: number; readonly droppedBytes: number }): void {
    this.logSource = source;
  }

  setMqttSource(source: () => { readonly lost: number; readonly inFlight: number }): void {
    this.mqttSource = source;
  }

  /** Feeds the group-commit figures into these metrics. */
  batcherObserver(): WriteBatcherObserver {
    return {
      failed: () => this.commitFailures.inc(),
      committed: (result, _readings, ms) => {
        this.readings.inc(result.inserted);
        this.duplicates.inc(result.duplicates);
        this.storeWrite.observe(ms / 1000);
        if (result.logged !== undefined) this.storeLog.set(result.logged);
      },
      depth: (n) => this.queueDepth.set(n),
      heldBack: () => this.heldBack.inc(),
    };
  }
}

/** A metric whose value is read from `read` at each scrape; a counter's source only ever grows. */
function readAtScrape(registry: Registry, kind: 'counter' | 'gauge', name: string, help: string, read: () => number): void {
  if (kind === 'gauge') {
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
    return;
  }
  new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
}
