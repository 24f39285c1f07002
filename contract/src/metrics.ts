/**
 * The metric catalogue: every metric a device may publish, its canonical unit and its pinned value type.
 * A reading whose metric is not here, whose unit differs or whose value has another type is quarantined, so type
 * drift never reaches the store. Units are UCUM codes (`Cel`, `%`, `[g]` ...) as used by SenML (RFC 8428).
 */
export type ValueType = 'float' | 'int' | 'bool';

export interface MetricSpec {
  /** Canonical UCUM unit; a reading must carry exactly this unit. */
  readonly unit: string;
  readonly type: ValueType;
  /** Physically plausible range (inclusive); outside it the reading is quarantined as implausible. */
  readonly min?: number;
  readonly max?: number;
  readonly description: string;
}

export const METRICS = {
  temperature: { unit: 'Cel', type: 'float', min: -100, max: 200, description: 'Air or product temperature, degrees Celsius' },
  humidity: { unit: '%RH', type: 'float', min: 0, max: 100, description: 'Relative humidity, percent' },
  'gps.lat': { unit: 'deg', type: 'float', min: -90, max: 90, description: 'WGS84 latitude, decimal degrees (south negative)' },
  'gps.lon': { unit: 'deg', type: 'float', min: -180, max: 180, description: 'WGS84 longitude, decimal degrees (west negative)' },
  'gps.speed': { unit: 'km/h', type: 'float', min: 0, max: 2000, description: 'Speed over ground' },
  'gps.course': { unit: 'deg', type: 'float', min: 0, max: 360, description: 'Course over ground, true north' },
  'gps.hdop': { unit: '1', type: 'float', min: 0, max: 100, description: 'Horizontal dilution of precision' },
  'gps.sats': { unit: '1', type: 'int', min: 0, max: 99, description: 'Satellites used in the fix' },
  'gps.alt': { unit: 'm', type: 'float', min: -1000, max: 20000, description: 'Altitude above mean sea level' },
  'clock.offset': { unit: 'ms', type: 'float', description: 'Device clock minus GPS time (positive: device ahead)' },
  'shock.peak': { unit: '[g]', type: 'float', min: 0, max: 1000, description: 'Peak acceleration magnitude of a shock event' },
  'shock.duration': { unit: 'ms', type: 'float', min: 0, max: 10000, description: 'Pulse duration of a shock event' },
  'freefall.duration': { unit: 'ms', type: 'float', min: 0, max: 60000, description: 'Duration of a free-fall event' },
  'freefall.height': { unit: 'm', type: 'float', min: 0, max: 1000, description: 'Drop height implied by the free-fall duration' },
  'vibration.grms': { unit: '[g]', type: 'float', min: 0, max: 100, description: 'Vibration Grms over the summary window' },
  'door.open': { unit: '1', type: 'bool', description: 'Door or lid open' },
  'battery.voltage': { unit: 'V', type: 'float', min: 0, max: 60, description: 'Supply or battery voltage' },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;

export function metricSpec(name: string): MetricSpec | undefined {
  return Object.hasOwn(METRICS, name) ? METRICS[name as MetricName] : undefined;
}
