/**
 * The gateway's pure rule functions, measured directly. The gateway package exports only its public API, so they are
 * loaded from its build output (as broker-ceiling.ts loads the broker adapter); `npm run bench` builds it first.
 */
export { batchFindings, type BatchInput, type LegSeries } from '../../../../gateway/dist/domain/rules/batch-findings.js';
export { shipmentFindings, type ShipmentInput } from '../../../../gateway/dist/domain/rules/shipment-findings.js';
export { gpsFindings, pairFixes, type KnownPlace } from '../../../../gateway/dist/domain/rules/gps.js';
export { hold, maxGapMs, type Sample } from '../../../../gateway/dist/domain/rules/step-hold.js';
export { productPreset } from '../../../../gateway/dist/domain/registry/presets.js';
export type { Product, LatLon } from '../../../../gateway/dist/domain/registry/types.js';
export type { Finding } from '../../../../gateway/dist/domain/flags/types.js';
