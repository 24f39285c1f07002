/**
 * Composition root as a function: config -> adapters -> services -> app -> listen. main.ts calls it with the parsed
 * environment; tests, the demo and the benchmark call it with their own ports and directories.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import type { LogStats } from './log-destination.js';
import { MessageValidator, type ValidationOptions } from './domain/validate.js';
import { startGatewayMqtt } from './gateway-mqtt.js';
import { openDatabase } from './adapters/sqlite/database.js';
import { SqliteQuarantine } from './adapters/sqlite/quarantine.js';
import { SqliteStatusLog } from './adapters/sqlite/status-log.js';
import { scanCommandTopic } from '@coldtrace/contract';
import { SqliteScanLog } from './adapters/sqlite/scans/scan-log.js';
import { ScanService } from './services/scans.js';
import { scanFindings } from './services/scan-findings.js';
import { SqliteRegistryStore } from './adapters/sqlite/registry/registry-store.js';
import { SqliteFlagStore } from './adapters/sqlite/flags/flag-store.js';
import { SqliteEventOutbox } from './adapters/sqlite/outbox/event-outbox.js';
import { openClaims } from './gateway-claims.js';
import { fetchPoster } from './adapters/webhook/post.js';
import { EventDelivery } from './services/event-delivery.js';
import { AlertmanagerPush } from './services/alertmanager-push.js';
import { startNotify } from './gateway-notify.js';
import { CalibrationService } from './services/calibration.js';
import { SqliteCalibrationStore } from './adapters/sqlite/calibration/calibration-store.js';
import { CalibrationDue } from './services/calibration-due.js';
import { registerAlertmanagerMetrics } from './services/alertmanager-metrics.js';
import { eventPublisher, type EventPublisher, type MqttOutlet } from './adapters/mqtt/event-publisher.js';
import { feedbackSink } from './adapters/mqtt/feedback-sink.js';
import { FeedbackService, type FeedbackOptions } from './services/feedback.js';
import { flagEvents } from './domain/events/flag-events.js';
import type { FlagChange } from './ports/flags.js';
import { NotifyingFlagStore } from './services/notifying-flag-store.js';
import { createTelemetryStore } from './adapters/store-factory.js';
import { buildApp } from './http/app.js';
import type { RouteAccess } from './http/access.js';
import type { AccessKeyService } from './services/access-keys.js';
import { startAccess } from './gateway-access.js';
import { systemClock, systemScheduler, type Clock, type Scheduler } from './ports/clock.js';
import { IngestService } from './services/ingest.js';
import { LiveState } from './services/live-state.js';
import { GatewayMetrics } from './services/metrics.js';
import { CommitHealth } from './services/commit-health.js';
import { CustodyIndex } from './services/custody.js';
import { EvidenceService } from './services/evidence.js';
import { EvidenceExportService } from './services/evidence-export.js';
import { EvidenceReportService } from './services/evidence-report.js';
import { RegistryService } from './services/registry.js';
import { RulesService } from './services/rules.js';
import { FefoService } from './services/fefo.js';
import { TrackService } from './services/tracks.js';
import { ShipmentListService } from './services/shipments.js';
import { DeliveryWindowService } from './services/delivery-windows.js';
import { OrderSummaryService } from './services/order-summary.js';
import { MilestoneService } from './services/milestones.js';
import { SqliteMilestoneStore } from './adapters/sqlite/milestones/milestone-store.js';
import { LaneReportService } from './services/lane-report.js';
import { ConsistencyReportService } from './services/consistency-report.js';
import { WriteBatcher, type WriteBatcherOptions } from './services/write-batcher.js';
import { startRetentionJob } from './services/retention-job.js';
import { openIntegrity } from './adapters/sqlite/integrity/open.js';
import { IntegrityService } from './services/integrity.js';
import type { CredentialService } from './services/credentials.js';
import { startPhotos } from './gateway-photos.js';
import { verifyPhotoBlobs } from './services/photo-verify.js';
import { FlagMirror, zoneSites } from './services/flag-mirror.js';
import { LiveChanges } from './services/live-changes.js';
import { LiveFeed } from './services/live-feed.js';

export interface StartOptions {
  /** The parsed configuration; fields not given take the defaults of loadGatewayConfig({}). */
  readonly config: GatewayConfig;
  readonly log?: Logger;
  readonly clock?: Clock;
  /** Timers of the services (the rules' rounds). Default: real timers. */
  readonly scheduler?: Scheduler;
  /** Default: dashboards/web/dist of this checkout. */
  readonly dashboardDir?: string;
  readonly validation?: Partial<ValidationOptions>;
  readonly batcher?: Partial<WriteBatcherOptions>;
  /** Counts of the log writer (log-destination.ts), for /metrics. */
  readonly logStats?: () => LogStats;
  /** Refusal feedback bounds (services/feedback.ts): at most one per device and code per minute by default. */
  readonly feedback?: Partial<FeedbackOptions>;
}

export interface RunningGateway {
  readonly httpUrl: string;
  readonly mqttUrl: string;
  /** The embedded broker's TLS listener (mqtts://), when it has one. */
  readonly mqttTlsUrl?: string;
  readonly ingest: IngestService;
  readonly live: LiveState;
  readonly metrics: GatewayMetrics;
  readonly registry: RegistryService;
  readonly custody: CustodyIndex;
  readonly rules: RulesService;
  readonly feedback: FeedbackService;
  readonly credentials: CredentialService;
  /** Every HTTP route with the access it declared (docs/security.md "HTTP access"). */
  readonly httpRoutes: readonly RouteAccess[];
  /** API keys of the HTTP API. */
  readonly accessKeys: AccessKeyService;
  close(): Promise<void>;
}

/** A commit running longer than this, ms, makes the gateway not ready (a stalled or very slow disk). */
export const STALLED_COMMIT_MS = 10_000;

export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboards/web/dist/', import.meta.url));

export async function startGateway(opts: StartOptions): Promise<RunningGateway> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? pino({ level: config.logLevel, name: 'coldtrace-gateway' });
  const metrics = new GatewayMetrics();
  if (opts.logStats !== undefined) metrics.setLogSource(opts.logStats);
  // Quarantine and status log: small tables, written on refusals and status changes; 8 MiB of page cache is plenty.
  const metaDb = openDatabase(join(config.dataDir, 'gateway.db'), { durability: config.durability, cacheKiB: 8192 });
  const quarantine = new SqliteQuarantine(metaDb);
  const statusLog = new SqliteStatusLog(metaDb);
  // Scans (docs/scans.md): every read with what it did to custody, beside the status log.
  const scanLog = new SqliteScanLog(metaDb);
  // MQTT credentials of nodes and readers, API keys and the audit log (gateway-access.ts, docs/security.md).
  const { credentials, accessKeys, httpAccess, close: closeAccess } = await startAccess(config, metaDb, clock, log);
  const opened = await createTelemetryStore(config, log);
  const { store } = opened;
  const commits = new CommitHealth(metrics.batcherObserver(), () => clock.now(), log.child({ component: 'store' }));
  const batcher = new WriteBatcher(store, () => clock.now(), commits, { minCommitIntervalMs: config.commitIntervalMs, ...opts.batcher });
  // The registry: its own database file (bulk imports never share a write lock with the readings).
  const registryDb = openDatabase(join(config.dataDir, 'registry.db'), { durability: config.durability, cacheKiB: 65_536 });
  const registryStore = new SqliteRegistryStore(registryDb, { chain: config.integrity.chain });
  const registry = new RegistryService(registryStore, clock);
  const custodyMetric = { linked: metrics.custody.labels('linked'), unlinked: metrics.custody.labels('unlinked') };
  const custody = new CustodyIndex(registryStore, { linked: (n) => custodyMetric.linked.inc(n), unlinked: (n) => custodyMetric.unlinked.inc(n) });
  await custody.load();
  registry.onChange(custody.registryChanged);
  if (config.custody) batcher.onCommitted(custody.committed);
  // The live Shipments and Order views (issue #16): told over SSE what changed (services/live-feed.ts).
  const liveViews = new LiveFeed({
    changes: new LiveChanges(clock, opts.scheduler ?? systemScheduler), registry: registryStore, locate: (d, t) => custody.locate(d, t), log: log.child({ component: 'live' }),
  });
  registry.onChange(liveViews.registryChanged);
  batcher.onCommitted(liveViews.committed);
  // Flag events to the order hub: a durable outbox (its own file) and signed webhooks (docs/events.md).
  const eventsDb = openDatabase(join(config.dataDir, 'events.db'), { durability: config.durability, cacheKiB: 8192 });
  const outbox = new SqliteEventOutbox(eventsDb);
  const delivery = new EventDelivery({
    outbox, targets: config.events.webhooks, clock, scheduler: opts.scheduler ?? systemScheduler, log: log.child({ component: 'events' }), post: fetchPoster(),
    ...(config.events.linkTemplate !== undefined ? { options: { linkTemplate: config.events.linkTemplate } } : {}),
  });
  // Every flag change goes to the webhooks (durable) and, once the broker is up, on MQTT (live); people's moves
  // (acknowledge, resolve, reopen) are events too.
  const mqttEvents: { publisher?: EventPublisher } = {};
  const linkTemplate = config.events.linkTemplate !== undefined ? { linkTemplate: config.events.linkTemplate } : {};
  const tellOrderHub = (changes: readonly FlagChange[]): Promise<void> => {
    mqttEvents.publisher?.publish(flagEvents(changes, linkTemplate));
    alertmanager.accept(changes);
    void flagMirror?.accept(changes);
    liveViews.flags(changes);
    void notifications?.accept(changes);
    return delivery.accept(changes);
  };
  const flags = new NotifyingFlagStore(new SqliteFlagStore(registryDb, { chain: config.integrity.chain }), tellOrderHub);
  metrics.setFlagSource(() => flags.counts());
  // Flag events into the remote store for Grafana (issue #16), through the readings' spool; remote stores only.
  const flagMirror = opened.flagSink === undefined ? undefined : new FlagMirror({
    sink: opened.flagSink, sitesOf: zoneSites(registryStore), log: log.child({ component: 'flag-mirror' }),
    ...(config.alertmanager.publicUrl !== undefined ? { publicUrl: config.alertmanager.publicUrl } : {}),
  });
  // Flags older than the mirror, or whose point a crash lost, reach the store as their current state.
  void flagMirror?.backfill(flags).catch((err: unknown) => log.error({ err }, 'flags not backfilled into the remote store'));
  // Flags as Alertmanager alerts (docs/notifications.md): pushed at each change, the firing ones re-sent from the store.
  const alertmanager = new AlertmanagerPush({
    urls: config.alertmanager.urls, flags, clock, scheduler: opts.scheduler ?? systemScheduler, log: log.child({ component: 'alertmanager' }), post: fetchPoster(),
    sitesOf: zoneSites(registryStore),
    options: { resendMs: config.alertmanager.resendMs, ...(config.alertmanager.publicUrl !== undefined ? { publicUrl: config.alertmanager.publicUrl } : {}) },
  });
  registerAlertmanagerMetrics(metrics.registry, () => alertmanager.stats());
  // People on duty (docs/notifications.md): alarms escalate through their own outbox file; off without a policy file.
  const notify = await startNotify(config, { flags, registry: registryStore, clock, scheduler: opts.scheduler ?? systemScheduler, log, metrics: metrics.registry });
  const notifications = notify?.notifications;
  // Photos as evidence (docs/photos.md): uploaded by nodes, stored content-addressed, linked through custody, chained.
  const photos = await startPhotos(config, { registryDb, metaDb, credentials, clock, log: log.child({ component: 'photos' }), metrics: metrics.registry });
  const evidence = new EvidenceService(registryStore, custody, store, flags, scanLog, photos.records);
  // Calibration certificates (docs/calibration.md): their own small file; readings stay as measured.
  const calibrationStore = new SqliteCalibrationStore(openDatabase(join(config.dataDir, 'calibration.db'), { durability: config.durability, cacheKiB: 2048 }));
  const calibration = new CalibrationService(calibrationStore, registryStore, store);
  await calibration.load();
  // The rules judge corrected values; due dates are device flags (reminders, overdue) judged again as time passes.
  const calibrationDue = new CalibrationDue({
    calibrations: calibration, registry: registryStore, clock, scheduler: opts.scheduler ?? systemScheduler, remindDays: config.calibration.remindDays,
    mark: (subject, lane) => rules.mark(subject, clock.now(), lane), registryChanged: (change) => rules.registryChanged(change),
  });
  const evidenceFiles = new EvidenceExportService(registryStore, evidence, store, {}, calibrationStore);
  // Tamper evidence (docs/security.md): signed checkpoints of the chains, verification, export signatures.
  const opensIntegrity = openIntegrity(config, registryDb, metaDb, opened.remoteReadings);
  const integrity = new IntegrityService({
    ledger: opensIntegrity.ledger, signer: opensIntegrity.signer, clock, scheduler: opts.scheduler ?? systemScheduler,
    log: log.child({ component: 'integrity' }), options: { checkpointIntervalMs: config.integrity.checkpointIntervalMs },
    photos: () => verifyPhotoBlobs(photos.records, photos.blobs),
  });
  integrity.start();
  const evidenceExport = { exports: evidenceFiles, reports: new EvidenceReportService(evidenceFiles, registryStore, flags, (sha256) => integrity.signExport(sha256), photos), sign: (sha256: string) => integrity.signExport(sha256) };
  const fefo = new FefoService(registryStore, evidence, store, calibration);
  // Claims against evidence (issue #20): carrier tracking events and CAP weather alerts (gateway-claims.ts).
  const claims = openClaims(config, { registry: registryStore, clock, scheduler: opts.scheduler ?? systemScheduler, log });
  const { carrierEvents, weatherAlerts } = claims;
  const tracks = new TrackService(registryStore, evidence, store, carrierEvents);
  const shipments = new ShipmentListService(registryStore, store, flags);
  const deliveryWindows = new DeliveryWindowService(registryStore, shipments, flags);
  const orderSummary = new OrderSummaryService(registryStore, evidence, store, tracks, deliveryWindows, config.claims);
  const milestones = new MilestoneService({
    store: new SqliteMilestoneStore(registryDb), registry: registryStore, clock, log: log.child({ component: 'milestones' }),
    outbox: delivery.acceptMessages, publish: (events) => {
      mqttEvents.publisher?.publish(events);
      liveViews.milestones(events);
    },
  });
  const consistency = new ConsistencyReportService(registryStore, flags, carrierEvents, milestones);
  const laneReports = new LaneReportService(flags, registryStore, consistency);
  const rules = new RulesService({
    registry: registryStore, evidence, store, flags, custody, clock, scheduler: opts.scheduler ?? systemScheduler,
    log: log.child({ component: 'rules' }), observeLatency: (s) => metrics.flagLatency.observe(s),
    countDroppedFixes: (reason, n) => metrics.gpsDropped.inc({ reason }, n), milestones: milestones.judged, carrierEvents,
    scanFindings: scanFindings(scanLog, registryStore), weatherAlerts, calibrations: calibration, calibrationFindings: calibrationDue.findings, ...(config.claims !== undefined ? { claimProfiles: config.claims } : {}),
  });
  claims.attach(rules, custody);
  registry.onChange(rules.registryChanged);
  rules.onFlags((changes) => void tellOrderHub(changes));
  if (config.custody && config.rules) {
    batcher.onCommitted(rules.committed);
    rules.startSweep();
    calibrationDue.start();
  }
  const live = new LiveState();
  // Refusal feedback to nodes (issue #24): published through the same outlet as the flag events, once it is up.
  const outlet: { current?: MqttOutlet } = {};
  const feedback = new FeedbackService({
    sink: feedbackSink({
      publish: (topic, payload, done) => (outlet.current !== undefined ? outlet.current.publish(topic, payload, done) : done(new Error('MQTT not started'))),
      close: () => Promise.resolve(),
    }),
    clock, scheduler: opts.scheduler ?? systemScheduler, log: log.child({ component: 'feedback' }),
    observeLatency: (s) => metrics.feedbackLatency.observe(s), ...(opts.feedback !== undefined ? { options: opts.feedback } : {}),
  });
  metrics.setFeedbackSource(() => feedback.counts());
  // Scans become custody (issue #21): placements written as the scanner; refusals told to its node on ct/v1/{site}/{node}/command.
  const scans = new ScanService({
    log: scanLog, registry, store: registryStore, telemetry: store, clock, logger: log.child({ component: 'scans' }), flags, mark: (subject) => rules.mark(subject),
    count: (outcome, n) => metrics.scanReads.inc({ outcome }, n),
    command: (site, node, c) => outlet.current?.publish(scanCommandTopic(site, node), JSON.stringify(c), (e) => {
      if (e !== undefined) log.warn({ err: e.message, device: c.device }, 'scan refusal not told to its node');
    }),
  });
  const ingest = new IngestService({
    validator: new MessageValidator(opts.validation), batcher, quarantine, statusLog, live, metrics, clock, log: log.child({ component: 'ingest' }), feedback, scans,
  });

  const mqttLog = log.child({ component: 'mqtt' });
  const mqtt = await startGatewayMqtt(config, { ingest, credentials, metrics, clock, scheduler: opts.scheduler ?? systemScheduler, log: mqttLog });
  const { url: mqttUrl, tlsUrl: mqttTlsUrl } = mqtt;
  // What the gateway itself publishes (flag events, refusal feedback), through the broker's outlet (gateway-mqtt.ts).
  outlet.current = mqtt.outlet;
  if (outlet.current !== undefined) mqttEvents.publisher = eventPublisher(outlet.current, mqttLog);
  const retentionJob = opened.retention === undefined ? undefined
    : startRetentionJob(opened.retention, { rawDays: config.retentionRawDays, rollupDays: config.retentionRollupDays }, clock, log.child({ component: 'retention' }), registryStore);
  const app = await buildApp({
    store, quarantine, statusLog, live, ingest, metrics, log, registry, custody, evidence, flags, rules, fefo, tracks, shipments, deliveryWindows, orderSummary, milestones, laneReports, clock, delivery, carrierEvents, evidenceExport, credentials,
    weatherAlerts,
    consistency,
    scans: scanLog,
    liveViews,
    ...(opened.retention !== undefined ? { rollups: opened.retention } : {}),
    ...(notify !== undefined ? { notifications: notify.routes } : {}),
    calibration,
    access: httpAccess,
    integrity,
    photos: { upload: photos.upload, reads: photos.reads },
    dashboardDir: opts.dashboardDir ?? DEFAULT_DASHBOARD_DIR, requestTimeoutMs: config.http.requestTimeoutMs,
    ...(config.tls.httpsCert !== undefined ? { https: config.tls.httpsCert } : {}),
    health: () => {
      const failing = commits.failure;
      const runningMs = batcher.commitRunningMs;
      const store = failing !== undefined
        ? { ok: false, detail: `commits failing for ${Math.round((clock.now() - failing.since) / 1000)} s (${failing.failures} failed, nothing of them acknowledged): ${failing.message}` }
        : runningMs > STALLED_COMMIT_MS
          ? { ok: false, detail: `a commit has been running for ${Math.round(runningMs / 1000)} s (slow or stalled disk): nothing is acknowledged until it ends` }
          : opened.health();
      const checks = { mqtt: mqtt.health(), store, writeQueue: { ok: true, detail: `${batcher.depth} readings waiting for a commit` } };
      return { status: Object.values(checks).every((c) => c.ok) ? 'ok' : 'degraded', checks };
    },
  });
  const address = await app.listen({ host: config.http.host, port: config.http.port });
  // Fastify names the address http:// whatever the server factory made (app.ts httpsServer).
  const httpUrl = address.replace('://0.0.0.0', '://127.0.0.1').replace('://[::]', '://127.0.0.1').replace(/^http:/, config.tls.httpsCert !== undefined ? 'https:' : 'http:');
  log.info({ httpUrl, mqttUrl, mqttTlsUrl }, 'gateway started');

  let closing: Promise<void> | undefined;
  return {
    httpUrl, mqttUrl, ...(mqttTlsUrl !== undefined ? { mqttTlsUrl } : {}), ingest, live, metrics, registry, custody, rules, feedback, credentials,
    httpRoutes: app.accessRoutes ?? [], accessKeys,
    close: () => (closing ??= (async () => {
      retentionJob?.stop();
      integrity.close();
      feedback.close();
      await outlet.current?.close();
      await mqtt.close();
      await claims.stopPolling();
      await batcher.close();
      calibrationDue.close();
      await rules.close();
      await delivery.close();
      await alertmanager.close();
      await notify?.close();
      await calibrationStore.close();
      await outbox.close();
      await app.close();
      await photos.close();
      closeAccess();
      await store.close();
      await registryStore.close();
      await claims.close();
      opensIntegrity.close();
      metaDb.close();
    })()),
  };
}
