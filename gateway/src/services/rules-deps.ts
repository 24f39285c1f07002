/** What the rules service (rules.ts) is built from. */
import type { Logger } from 'pino';
import type { Finding, Subject } from '../domain/flags/types.js';
import type { Milestone } from '../domain/shipments/milestones.js';
import type { Clock, Scheduler } from '../ports/clock.js';
import type { FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import type { CustodyIndex } from './custody.js';
import type { EvidenceService } from './evidence.js';
import type { CarrierEventService } from './carrier-events.js';
import type { WeatherAlertService } from './weather-alerts.js';
import type { CalibrationLookup } from '../ports/calibration.js';
import type { ClaimProfiles } from '../domain/rules/claim-params.js';

export interface RulesDeps {
  readonly registry: RegistryStore;
  readonly evidence: EvidenceService;
  readonly store: TelemetryStore;
  readonly flags: FlagStore;
  readonly custody: CustodyIndex;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  /** Seconds from the commit that marked a batch to its flags being reconciled (the flag latency). */
  readonly observeLatency?: (seconds: number) => void;
  /** GPS fixes newly found dropped as invalid, by reason (dropped-fixes.ts). */
  readonly countDroppedFixes?: (reason: string, n: number) => void;
  /** Carrier events: their delivery claims are checked against the evidence (absent: no claim is). */
  readonly carrierEvents?: Pick<CarrierEventService, 'ofShipment'>;
  /** A judged shipment's milestones from evidence and the orders it serves (services/milestones.ts). */
  readonly milestones?: (shipment: string, milestones: readonly Milestone[], orders: readonly string[]) => void;
  /** A batch's findings from its scans: refused at the door, contradicting custody (services/scan-findings.ts). */
  readonly scanFindings?: (subject: Subject) => Promise<Finding[]>;
  /** CAP weather and disruption alerts: shipments judged against those that may be in force (services/weather-alerts.ts). */
  readonly weatherAlerts?: Pick<WeatherAlertService, 'riskZones'>;
  /** The corroboration rules' parameters per carrier and lane (domain/rules/claim-params.ts); absent: the defaults. */
  readonly claimProfiles?: ClaimProfiles;
  /** Certificates: the rules judge readings corrected by them (docs/calibration.md); absent: as measured. */
  readonly calibrations?: CalibrationLookup;
  /** A device's calibration reminders and overdue flag (services/calibration-due.ts). */
  readonly calibrationFindings?: (device: string, nowMs: number) => Promise<Finding[]>;
}
