/** What the HTTP app needs from the rest of the gateway (docs/engineering.md 9: inject only what a unit uses). */
import type { Logger } from 'pino';
import type { Retention } from '../ports/retention.js';
import type { Quarantine } from '../ports/quarantine.js';
import type { StatusLog } from '../ports/status-log.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import type { CustodyIndex } from '../services/custody.js';
import type { EvidenceService } from '../services/evidence.js';
import type { IngestService } from '../services/ingest.js';
import type { RegistryService } from '../services/registry.js';
import type { RulesService } from '../services/rules.js';
import type { FefoService } from '../services/fefo.js';
import type { TrackService } from '../services/tracks.js';
import type { ShipmentListService } from '../services/shipments.js';
import type { DeliveryWindowService } from '../services/delivery-windows.js';
import type { MilestoneService } from '../services/milestones.js';
import type { OrderSummaryService } from '../services/order-summary.js';
import type { FlagStore } from '../ports/flags.js';
import type { Clock } from '../ports/clock.js';
import type { EventRouteDeps } from './routes/events.js';
import type { NotificationRouteDeps } from './routes/notifications.js';
import type { CalibrationRouteDeps } from './routes/calibration.js';
import type { CredentialRouteDeps } from './routes/credentials.js';
import type { ConsistencyReportRouteDeps } from './routes/consistency-report.js';
import type { ScanLog } from '../ports/scans.js';
import type { CarrierRouteDeps } from './routes/carrier-events.js';
import type { AlertRouteDeps } from './routes/alerts.js';
import type { EvidenceExportRouteDeps } from './routes/evidence-export.js';
import type { LaneReportRouteDeps } from './routes/lane-report.js';
import type { LiveState } from '../services/live-state.js';
import type { IntegrityRouteDeps } from './routes/integrity.js';
import type { GatewayMetrics } from '../services/metrics.js';
import type { AccessKeyService } from '../services/access-keys.js';
import type { AuditLog } from '../ports/access-audit.js';
import type { LiveRouteDeps } from './routes/live.js';
import type { PhotoUploadRouteDeps } from './routes/photos.js';
import type { PhotoReadRouteDeps } from './routes/photo-reads.js';

/** HTTP access control (docs/security.md "HTTP access"). */
export interface HttpAccessDeps {
  /** 'off': every route open to anyone (COLDTRACE_HTTP_AUTH=off; the gateway warns at start). */
  readonly mode: 'keys' | 'off';
  readonly keys: AccessKeyService;
  readonly audit: AuditLog;
  /** Origins CORS lets in; none: closed. */
  readonly corsOrigins: readonly string[];
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly checks: Record<string, { readonly ok: boolean; readonly detail?: string }>;
}

export interface AppDeps {
  readonly store: TelemetryStore;
  readonly quarantine: Quarantine;
  readonly statusLog: StatusLog;
  readonly live: LiveState;
  readonly ingest: IngestService;
  readonly metrics: GatewayMetrics;
  readonly health: () => HealthReport;
  readonly registry: RegistryService;
  readonly custody: Pick<CustodyIndex, 'unassignedDevices' | 'unlinkedDevices'>;
  readonly evidence: EvidenceService;
  readonly flags: FlagStore;
  readonly rules: Pick<RulesService, 'judgeNow' | 'findings'>;
  /** FEFO lists of the sites. */
  readonly fefo: Pick<FefoService, 'site'>;
  /** Shipments' GPS tracks and the order timeline with visits to known places. */
  readonly tracks: Pick<TrackService, 'shipment' | 'orderTimeline'>;
  /** The Shipments view: the list (status, last kept position, open flags) and a shipment's kept positions. */
  readonly shipments: Pick<ShipmentListService, 'list' | 'one' | 'positions'>;
  /** Shipments' predicted delivery windows; absent: the route is not served. */
  readonly deliveryWindows?: Pick<DeliveryWindowService, 'of'>;
  /** Shipments' milestones from evidence; absent: the route is not served. */
  readonly milestones?: Pick<MilestoneService, 'ofShipment'>;
  /** Orders' customer summaries in plain language (docs/dashboard.md "Customer summary"); absent: the route is not served. */
  readonly orderSummary?: Pick<OrderSummaryService, 'facts'>;
  readonly clock: Clock;
  /** Flag events to the order hub: dead letters and delivery counts. Absent: the routes are not served. */
  readonly delivery?: EventRouteDeps['delivery'];
  /** People on duty: alarms, acknowledgements, the delivery log, the roster (docs/notifications.md). Absent: the routes are not served. */
  readonly notifications?: Omit<NotificationRouteDeps, 'clock'>;
  /** Calibration certificates, device states, corrected readings (docs/calibration.md). Absent: the routes are not served. */
  readonly calibration?: CalibrationRouteDeps['calibration'];
  /** Carrier tracking events (docs/claims.md). Absent: the routes are not served. */
  readonly carrierEvents?: CarrierRouteDeps['carrierEvents'];
  /** CAP weather and disruption alerts (docs/claims.md). Absent: the routes are not served. */
  readonly weatherAlerts?: AlertRouteDeps['alerts'];
  /** Evidence downloads of orders and shipments: CSV, JSON, PDF (docs/evidence.md). Absent: the routes are not served. */
  readonly evidenceExport?: Omit<EvidenceExportRouteDeps, 'clock'>;
  /** The scan log (docs/scans.md). Absent: GET /scans is not served. */
  readonly scans?: Pick<ScanLog, 'list'>;
  /** The consistency report (docs/claims.md). Absent: the route is not served. */
  readonly consistency?: ConsistencyReportRouteDeps['consistency'];
  /** MQTT credentials of nodes and readers (docs/security.md). Absent: the routes are not served. */
  readonly credentials?: CredentialRouteDeps['credentials'];
  /** The weekly lane report (incidents per carrier, lane or hub per ISO week). Absent: the route is not served. */
  readonly laneReports?: LaneReportRouteDeps['laneReports'];
  /** Live updates of the Shipments and Order views over SSE (issue #16). Absent: the routes are not served. */
  readonly liveViews?: LiveRouteDeps['live'];
  /** Tamper evidence: verification, checkpoints, the public key (docs/security.md). Absent: the routes are not served. */
  readonly integrity?: IntegrityRouteDeps['integrity'];
  /** Photos as evidence: the upload by nodes and the reads (docs/photos.md). Absent: the routes are not served. */
  readonly photos?: { readonly upload: PhotoUploadRouteDeps; readonly reads: PhotoReadRouteDeps };
  /** API keys, audit log, CORS. Absent: as COLDTRACE_HTTP_AUTH=off with no audit log and no key routes (unit tests of routes). */
  readonly access?: HttpAccessDeps;
  /** Largest registry import over HTTP, bytes. Default 1 GiB. */
  readonly importBodyLimit?: number;
  readonly log: Logger;
  /** Hourly rollups (embedded store only). */
  readonly rollups?: Pick<Retention, 'rollups'>;
  /** Directory of the built web dashboard; not served when absent. */
  readonly dashboardDir?: string;
  /**
   * A request, headers included, must arrive within this, ms, or its connection is closed (slow clients such as
   * slowloris cannot hold connections open). Default 30 000.
   */
  readonly requestTimeoutMs?: number;
  /** Serve HTTPS only, with this certificate chain and key (COLDTRACE_HTTP_TLS_CERT / _KEY, docs/security.md). */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
}
