/**
 * Composition root of the agent as a library: config -> outbox -> publisher -> sink -> sources.
 * `main.ts` wraps it in a CLI; tests start it in-process.
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { feedbackTopic, scanCommandTopic } from '@coldtrace/contract';
import { systemClock, type Clock } from './clock.js';
import type { AgentConfig, SourceConfig } from './config/types.js';
import { Outbox, type OutboxStats } from './forward/outbox.js';
import { Publisher, type PublisherStats } from './forward/publisher.js';
import { ScanCommands } from './forward/scan-commands.js';
import { ScannerSource } from './sources/scanner/scanner-source.js';
import { OutboxSink, type OutboxSinkCounters } from './forward/sink.js';
import { startPhotoForwarding, type PhotoForwarding, type PhotoStats } from './forward/photos.js';
import { SourceEventBus, SourceEventTap } from './sources/events.js';
import { RefusalTracker, type RefusalCount } from './forward/feedback.js';
import { createAgentRegistry } from './metrics/agent-metrics.js';
import { DeviceHealthTracker } from './metrics/device-health.js';
import { startMetricsServer, type MetricsServer } from './metrics/server.js';
import { BUILTIN_SOURCE_FACTORIES, type SourceFactories, type SourceFactory } from './sources/factories.js';
import type { Source } from './sources/source.js';

export type AgentErrorCode = 'E_SOURCE_UNSUPPORTED' | 'E_DATA_DIR' | 'E_METRICS_LISTEN';

export class AgentError extends Error {
  override readonly name = 'AgentError';
  constructor(
    readonly code: AgentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface AgentDeps {
  readonly log: Logger;
  readonly clock?: Clock;
  /** Factories for kinds the agent does not build itself (nmea-gps, line, accel), or overrides. */
  readonly factories?: SourceFactories;
  readonly version?: string;
  /** Publisher window and backoff tuning, mainly for tests. */
  readonly publisher?: { readonly window?: number; readonly backoff?: { initialMs?: number; maxMs?: number } };
  /** How often the counters are logged at info level and published in the node status, ms; 0 disables. Default 60 000. */
  readonly statsLogIntervalMs?: number;
}

export interface AgentStats {
  readonly outbox: OutboxStats;
  readonly publisher: PublisherStats;
  readonly sink: OutboxSinkCounters;
  /** Messages the gateway refused, per device and code, as its feedback told (issue #24). */
  readonly refusals: readonly RefusalCount[];
  /** The photo outbox and its uploads, with a `photos` section (issue #21). */
  readonly photos?: PhotoStats;
}

export interface Agent {
  readonly boot: string;
  readonly sources: readonly Source[];
  /** `http://host:port/metrics` with the bound port (config `metrics.port: 0` picks one); undefined without `metrics`. */
  readonly metricsUrl: string | undefined;
  stats(): AgentStats;
  /** Stops the sources, flushes what the broker will take within `flushTimeoutMs`, publishes offline, closes. */
  stop(flushTimeoutMs?: number): Promise<void>;
}

function buildSource(config: SourceConfig, factories: SourceFactories, deps: { clock: Clock; log: Logger; events: SourceEventBus }): Source {
  const factory = factories[config.kind] as SourceFactory | undefined;
  if (!factory) throw new AgentError('E_SOURCE_UNSUPPORTED', `no source factory for kind ${config.kind}`);
  return factory(config, deps);
}

export async function startAgent(config: AgentConfig, deps: AgentDeps): Promise<Agent> {
  const clock = deps.clock ?? systemClock;
  const log = deps.log;
  const boot = randomUUID();
  try {
    mkdirSync(config.dataDir, { recursive: true });
  } catch (err) {
    throw new AgentError('E_DATA_DIR', `cannot create dataDir ${config.dataDir}: ${(err as Error).message}`);
  }
  const factories: SourceFactories = { ...BUILTIN_SOURCE_FACTORIES, ...deps.factories };
  const events = new SourceEventBus();
  const sources = config.sources.map((s) => buildSource(s, factories, { clock, log: log.child({ source: s.kind }), events }));
  const outbox = new Outbox(join(config.dataDir, 'outbox.db'), clock, { maxBytes: config.outbox.maxBytes, maxAgeMs: config.outbox.maxAgeMs });
  const refusals = new RefusalTracker(log.child({ component: 'feedback' }));
  const scanCommands = new ScanCommands(log.child({ component: 'scan-commands' }), (c) => {
    for (const s of sources) if (s instanceof ScannerSource && s.devices.includes(c.device)) s.refused(c);
  });
  const publisher = new Publisher(
    {
      url: config.mqtt.url,
      clientId: config.mqtt.clientId,
      ...(config.mqtt.username !== undefined ? { username: config.mqtt.username } : {}),
      ...(config.mqtt.password !== undefined ? { password: config.mqtt.password } : {}),
      ...(config.mqtt.passwordFile !== undefined ? { passwordFile: config.mqtt.passwordFile } : {}),
      ...(config.mqtt.caFile !== undefined ? { caFile: config.mqtt.caFile } : {}),
      ...(config.mqtt.certFile !== undefined ? { certFile: config.mqtt.certFile } : {}),
      ...(config.mqtt.keyFile !== undefined ? { keyFile: config.mqtt.keyFile } : {}),
      keepaliveS: config.mqtt.keepaliveS,
      protocolVersion: config.mqtt.protocolVersion,
      site: config.site,
      node: config.node,
      boot,
      ...(deps.version !== undefined ? { version: deps.version } : {}),
      devices: sources.flatMap((s) => s.devices),
      replayRatePerS: config.outbox.replayRatePerS,
      ...(deps.publisher?.window !== undefined ? { window: deps.publisher.window } : {}),
      ...(deps.publisher?.backoff !== undefined ? { backoff: deps.publisher.backoff } : {}),
      subscriptions: new Map([
        [feedbackTopic(config.site, config.node), (payload: Buffer) => refusals.onMessage(payload)],
        [scanCommandTopic(config.site, config.node), scanCommands.onMessage],
      ]),
    },
    outbox,
    clock,
    log.child({ component: 'publisher' }),
  );
  const outboxSink = new OutboxSink(config.site, config.node, outbox, () => publisher.drain(), log.child({ component: 'sink' }));
  const devices = new DeviceHealthTracker(outboxSink, clock, sources.flatMap((s) => s.devices));
  const photos: PhotoForwarding | undefined = config.photos === undefined ? undefined
    : await startPhotoForwarding({ ...config, photos: config.photos }, { clock, log: log.child({ component: 'photos' }), ...(deps.publisher?.backoff !== undefined ? { backoff: deps.publisher.backoff } : {}) });
  const sink = new SourceEventTap(devices, photos?.store, events);
  let metricsServer: MetricsServer | undefined;
  if (config.metrics) {
    const registry = createAgentRegistry({
      site: config.site,
      node: config.node,
      boot,
      ...(deps.version !== undefined ? { version: deps.version } : {}),
      outbox: () => outbox.stats(),
      publisher: () => publisher.stats(),
      sink: () => outboxSink.stats(),
      devices: () => devices.snapshot(),
      refusals: () => refusals.refusals(),
      invalidFeedback: () => refusals.invalidMessages,
      ...(photos ? { photos: () => photos.stats() } : {}),
      sources,
    });
    try {
      metricsServer = await startMetricsServer(registry, config.metrics, log.child({ component: 'metrics' }));
    } catch (err) {
      await photos?.stop();
      outbox.close();
      const { host, port } = config.metrics;
      throw new AgentError('E_METRICS_LISTEN', `cannot serve metrics on ${host}:${port}: ${(err as Error).message}`);
    }
    log.info({ url: metricsServer.url }, 'metrics endpoint listening');
  }
  const expireEveryMs = Math.min(60_000, Math.max(1000, Math.floor(config.outbox.maxAgeMs / 10)));
  const expireTimer = setInterval(() => {
    const n = outbox.expire();
    if (n > 0) {
      log.warn({ dropped: n }, 'outbox rows expired (older than maxAgeMs)');
      publisher.publishStatus();
    }
  }, expireEveryMs);
  expireTimer.unref();
  outbox.expire();
  const stats = (): AgentStats => ({
    outbox: outbox.stats(), publisher: publisher.stats(), sink: outboxSink.stats(), refusals: refusals.refusals(), ...(photos ? { photos: photos.stats() } : {}),
  });
  const statsEveryMs = deps.statsLogIntervalMs ?? 60_000;
  const statsTimer = statsEveryMs > 0 ? setInterval(() => {
    log.info(stats(), 'agent stats');
    publisher.publishStatus();
  }, statsEveryMs) : undefined;
  statsTimer?.unref();
  publisher.start();
  const started: Source[] = [];
  for (const s of sources) {
    await s.start(sink);
    started.push(s);
    log.info({ source: s.name, devices: s.devices }, 'source started');
  }
  let stopped = false;
  return {
    boot,
    sources,
    metricsUrl: metricsServer?.url,
    stats,
    async stop(flushTimeoutMs = 3000) {
      if (stopped) return;
      stopped = true;
      clearInterval(expireTimer);
      if (statsTimer) clearInterval(statsTimer);
      await Promise.allSettled(started.map((s) => s.stop()));
      await photos?.stop();
      await publisher.stop(flushTimeoutMs);
      await metricsServer?.close();
      outbox.close();
      log.info('agent stopped');
    },
  };
}
