/**
 * A small registry for custody tests: warehouse WH1 (zones A and B), a truck shipment SH-1 to DC2 (zone DEST),
 * batch B-1 moving A -> B -> truck -> DEST for order O-1, and batch B-2 in zone B later for order O-2.
 */
export const HOUR = 3_600_000;

export const iso = (ms: number): string => new Date(ms).toISOString();

export function custodyDocument(t0: number): Record<string, unknown> {
  return {
    format: 'coldtrace-registry/1',
    sites: [
      { id: 'WH1', name: 'Warehouse 1', geofence: { kind: 'circle', center: { lat: 52.37, lon: 4.89 }, radiusM: 400 } },
      { id: 'DC2', name: 'Distribution centre 2', geofence: { kind: 'polygon', points: [{ lat: 51.9, lon: 4.4 }, { lat: 51.9, lon: 4.5 }, { lat: 52.0, lon: 4.5 }, { lat: 52.0, lon: 4.4 }] } },
    ],
    zones: [{ id: 'Z-A', site: 'WH1', name: 'Cold room A' }, { id: 'Z-B', site: 'WH1', name: 'Cold room B' }, { id: 'Z-DEST', site: 'DC2', name: 'Inbound cold room' }],
    places: [{ id: 'HUB-1', name: 'Carrier hub Utrecht', kind: 'carrier_hub', geofence: { kind: 'circle', center: { lat: 52.09, lon: 5.12 }, radiusM: 300 } }],
    devices: ['S-A', 'S-B', 'S-DEST', 'S-LATE'].map((id) => ({ id, kind: 'zone_sensor', model: 'XY-MD02', intervalS: 60, metrics: ['temperature', 'humidity'] }))
      .concat([{ id: 'T-1', kind: 'tracker', model: 'GPS tracker', intervalS: 300, metrics: ['temperature', 'gps.lat', 'gps.lon'] }]),
    products: [{ id: 'P-VAX', name: 'Vaccine 10-dose vial', preset: 'pharma-2-8' }],
    batches: [
      { id: 'B-1', product: 'P-VAX', quantity: 1200, producedAt: '2026-10-01', expiresAt: '2027-10-01' },
      { id: 'B-2', product: 'P-VAX', quantity: 300, producedAt: '2026-10-02', expiresAt: '2027-10-02' },
    ],
    shipments: [{
      id: 'SH-1', carrier: 'Coldline', lane: 'AMS-RTM', mode: 'road', origin: 'WH1', destination: 'DC2', hubs: ['HUB-1'],
      route: [{ lat: 52.37, lon: 4.89 }, { lat: 52.09, lon: 5.12 }, { lat: 51.95, lon: 4.45 }], corridorM: 3000,
      plannedDeparture: iso(t0 + 3 * HOUR), promisedDelivery: iso(t0 + 6 * HOUR), gapThresholdMin: 20,
    }],
    orders: [
      { id: 'O-1', customer: 'Pharmacy North', lines: [{ batch: 'B-1', quantity: 1200 }], shipments: ['SH-1'], promisedDelivery: iso(t0 + 6 * HOUR), minRemainingShelfLifeDays: 180,
        statuses: [{ status: 'paid', at: iso(t0 - HOUR), operator: 'hub', source: 'order-hub' }, { status: 'shipped', at: iso(t0 + 3 * HOUR), operator: 'dock-7', source: 'order-hub' }] },
      { id: 'O-2', customer: 'Clinic South', lines: [{ batch: 'B-2', quantity: 300 }], shipments: [], promisedDelivery: iso(t0 + 30 * HOUR), minRemainingShelfLifeDays: 90, statuses: [] },
    ],
    placements: [
      { id: 'P-SA', device: 'S-A', zone: 'Z-A', from: iso(t0 - 2 * HOUR) },
      { id: 'P-SB', device: 'S-B', zone: 'Z-B', from: iso(t0 - 2 * HOUR) },
      { id: 'P-SD', device: 'S-DEST', zone: 'Z-DEST', from: iso(t0 - 2 * HOUR) },
      { id: 'P-T1', device: 'T-1', shipment: 'SH-1', from: iso(t0 + 3 * HOUR), to: iso(t0 + 5 * HOUR) },
      { id: 'P-B1-A', batch: 'B-1', zone: 'Z-A', from: iso(t0), to: iso(t0 + HOUR) },
      { id: 'P-B1-B', batch: 'B-1', zone: 'Z-B', from: iso(t0 + HOUR), to: iso(t0 + 3 * HOUR) },
      { id: 'P-B1-SH', batch: 'B-1', shipment: 'SH-1', from: iso(t0 + 3 * HOUR), to: iso(t0 + 5 * HOUR) },
      { id: 'P-B1-D', batch: 'B-1', zone: 'Z-DEST', from: iso(t0 + 5 * HOUR) },
      { id: 'P-B2-B', batch: 'B-2', zone: 'Z-B', from: iso(t0 + 3.5 * HOUR) },
    ],
  };
}
