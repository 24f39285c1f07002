/**
 * The demo's registry (docs/registry.md, "The demo"): the warehouse the demo agents read (cold room and ambient
 * store), a clinic hub the truck drives to, batches in both rooms and on the truck, and the orders they serve.
 * Times are relative to `now`, so a fresh demo shows readings linked to orders at once.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The truck left a minute before the demo started: its trackers report from the start, so its custody has no silence. */
const DEPARTED = -60_000;
/** When the demo carrier feed claims delivery, ms from now: past the 30 min window, so judged at once. */
const FALSE_DELIVERY = -31 * 60_000;
/**
 * Stock is put into the rooms two minutes after the demo starts, once their sensors report: time a batch spends in
 * a zone that no reading covers is a hole in its evidence (a data-gap/zone flag), and the demo has no readings from
 * before it started. (The warehouse-day scenario tells the longer warehouse story, with readings for all of it.)
 */
const STORED = 2 * 60_000;

export function demoRegistry(now: number): Record<string, unknown> {
  const at = (offsetMs: number): string => new Date(Math.floor((now + offsetMs) / 60_000) * 60_000).toISOString();
  const day = (offsetMs: number): string => at(offsetMs).slice(0, 10);
  const sensor = (id: string, model: string, intervalS: number, metrics: string[], kind = 'zone_sensor') => ({ id, kind, model, intervalS, metrics });
  return {
    format: 'coldtrace-registry/1',
    sites: [
      { id: 'demo-site', name: 'Amsterdam distribution centre', geofence: { kind: 'circle', center: { lat: 52.3105, lon: 4.7683 }, radiusM: 350 }, minRemainingShelfLifeDays: 30 },
      { id: 'clinic-hub', name: 'Rotterdam clinic hub', geofence: { kind: 'polygon', points: [
        { lat: 51.9236, lon: 4.4701 }, { lat: 51.9236, lon: 4.4752 }, { lat: 51.9262, lon: 4.4752 }, { lat: 51.9262, lon: 4.4701 },
      ] } },
    ],
    zones: [
      { id: 'cold-room', site: 'demo-site', name: 'Cold room 2-8 °C' },
      { id: 'ambient', site: 'demo-site', name: 'Ambient store 15-25 °C' },
      { id: 'packing', site: 'demo-site', name: 'Packing station (2-8 °C)' },
      { id: 'clinic-inbound', site: 'clinic-hub', name: 'Inbound cold room' },
    ],
    places: [{ id: 'hub-utrecht', name: 'Coldline hub Utrecht', kind: 'carrier_hub', geofence: { kind: 'circle', center: { lat: 52.0907, lon: 5.1214 }, radiusM: 250 } }],
    devices: [
      sensor('cold-room-1', 'XY-MD02', 5, ['temperature', 'humidity']),
      sensor('ambient-1', 'XY-MD02', 5, ['temperature', 'humidity']),
      sensor('truck-7-gps', 'NMEA GPS receiver', 10, ['gps.lat', 'gps.lon', 'gps.speed', 'gps.course', 'gps.hdop', 'gps.sats'], 'tracker'),
      sensor('truck-7-acc', 'Accelerometer', 60, ['shock.peak', 'shock.duration', 'freefall.duration', 'vibration.grms'], 'tracker'),
      // The dock's readers (docs/scans.md): `coldtrace-sim dock` plays them, the dock-1 agent reads them.
      { id: 'cold-door-1', kind: 'scanner', model: 'Barcode scanner (serial)', intervalS: 3600, metrics: [], scanner: { zone: 'cold-room', direction: 'in' } },
      { id: 'dock-portal-1', kind: 'scanner', model: 'UHF RFID portal (serial)', intervalS: 3600, metrics: [], scanner: { shipment: 'SH-7-0002', direction: 'in' } },
      // The packing station (docs/photos.md): its scanner, its sensor, and a camera there and at the loading door,
      // which the dock-1 agent triggers by the packing scan and the portal's read (`coldtrace-sim camera`).
      { id: 'pack-scanner-1', kind: 'scanner', model: 'Barcode scanner (serial)', intervalS: 3600, metrics: [], scanner: { zone: 'packing', direction: 'in' } },
      sensor('packing-1', 'XY-MD02', 5, ['temperature', 'humidity']),
      { id: 'pack-cam-1', kind: 'other', model: 'IP camera (HTTP snapshot)', intervalS: 3600, metrics: [] },
      { id: 'dock-cam-1', kind: 'other', model: 'IP camera (HTTP snapshot)', intervalS: 3600, metrics: [] },
    ],
    products: [
      { id: 'vaccine-10', name: 'Vaccine, 10-dose vial', preset: 'pharma-2-8', shelfLife: { model: 'arrhenius', refTempC: 5, refLifeDays: 730, eaKJPerMol: 83.144 }, gtins: ['09506000134352'] },
      { id: 'tablets-crt', name: 'Tablets, blister pack', preset: 'crt' },
    ],
    batches: [
      { id: 'VAX-2610', product: 'vaccine-10', quantity: 2400, producedAt: day(-60 * DAY), expiresAt: day(670 * DAY) },
      { id: 'VAX-2611', product: 'vaccine-10', quantity: 4800, producedAt: day(-30 * DAY), expiresAt: day(700 * DAY) },
      { id: 'TAB-0412', product: 'tablets-crt', quantity: 12000, producedAt: day(-90 * DAY), expiresAt: day(640 * DAY) },
      // Arrives at the cold room door in the dock's story, is loaded on SH-7-0002 through the RFID portal.
      { id: 'VAX-2612', product: 'vaccine-10', quantity: 48, producedAt: day(-20 * DAY), expiresAt: day(600 * DAY) },
    ],
    shipments: [{
      id: 'SH-7-0001', carrier: 'Coldline', lane: 'AMS-RTM', mode: 'road', origin: 'demo-site', destination: 'clinic-hub', hubs: ['hub-utrecht'],
      route: [{ lat: 52.3105, lon: 4.7683 }, { lat: 52.0907, lon: 5.1214 }, { lat: 51.9249, lon: 4.4726 }], corridorM: 3000,
      plannedDeparture: at(DEPARTED), promisedDelivery: at(4 * HOUR), gapThresholdMin: 15,
      tracking: [{ number: DEMO_TRACKING_NUMBER }],
    }, {
      id: 'SH-7-0002', carrier: 'Coldline', lane: 'AMS-RTM', mode: 'road', origin: 'demo-site', destination: 'clinic-hub', hubs: ['hub-utrecht'],
      route: [{ lat: 52.3105, lon: 4.7683 }, { lat: 52.0907, lon: 5.1214 }, { lat: 51.9249, lon: 4.4726 }], corridorM: 3000,
      plannedDeparture: at(2 * HOUR), promisedDelivery: at(6 * HOUR), gapThresholdMin: 15,
    }],
    orders: [
      { id: 'ORD-1001', customer: 'Rotterdam clinic hub', lines: [{ batch: 'VAX-2610', quantity: 2400 }], shipments: ['SH-7-0001'], promisedDelivery: at(4 * HOUR), minRemainingShelfLifeDays: 180,
        statuses: [
          { status: 'paid', at: at(-2 * DAY), operator: 'payments', source: 'order-hub' },
          { status: 'approved', at: at(-2 * DAY + HOUR), operator: 'j.devries', source: 'order-hub' },
          { status: 'allocated', at: at(-DAY), operator: 'wms', source: 'order-hub' },
          { status: 'packed', at: at(-2 * HOUR), operator: 'dock-3', source: 'order-hub' },
          { status: 'shipped', at: at(DEPARTED), operator: 'dock-3', source: 'order-hub' },
        ] },
      { id: 'ORD-1002', customer: 'Utrecht pharmacy group', lines: [{ batch: 'VAX-2611', quantity: 1200 }], shipments: [], promisedDelivery: at(2 * DAY), minRemainingShelfLifeDays: 365,
        statuses: [{ status: 'allocated', at: at(-3 * HOUR), operator: 'wms', source: 'order-hub' }] },
      { id: 'ORD-1004', customer: 'Rotterdam clinic hub', lines: [{ batch: 'VAX-2612', quantity: 48 }], shipments: ['SH-7-0002'], promisedDelivery: at(6 * HOUR), minRemainingShelfLifeDays: 180,
        statuses: [{ status: 'allocated', at: at(-HOUR), operator: 'wms', source: 'order-hub' }] },
      { id: 'ORD-1003', customer: 'Leiden pharmacy', lines: [{ batch: 'TAB-0412', quantity: 3000 }], shipments: [], promisedDelivery: at(3 * DAY), minRemainingShelfLifeDays: 90,
        statuses: [{ status: 'pending_payment', at: at(-HOUR), operator: 'web', source: 'order-hub' }] },
    ],
    placements: [
      { id: 'pl-cold-room-1', device: 'cold-room-1', zone: 'cold-room', from: at(-90 * DAY) },
      { id: 'pl-ambient-1', device: 'ambient-1', zone: 'ambient', from: at(-90 * DAY) },
      { id: 'pl-packing-1', device: 'packing-1', zone: 'packing', from: at(-90 * DAY) },
      { id: 'pl-pack-cam-1', device: 'pack-cam-1', zone: 'packing', from: at(-90 * DAY) },
      { id: 'pl-dock-cam-1', device: 'dock-cam-1', shipment: 'SH-7-0002', from: at(-HOUR) },
      { id: 'pl-truck-7-gps', device: 'truck-7-gps', shipment: 'SH-7-0001', from: at(DEPARTED) },
      { id: 'pl-truck-7-acc', device: 'truck-7-acc', shipment: 'SH-7-0001', from: at(DEPARTED) },
      { id: 'pl-VAX-2610-truck', batch: 'VAX-2610', shipment: 'SH-7-0001', from: at(DEPARTED) },
      { id: 'pl-VAX-2611-cold', batch: 'VAX-2611', zone: 'cold-room', from: at(STORED) },
      { id: 'pl-TAB-0412-ambient', batch: 'TAB-0412', zone: 'ambient', from: at(STORED) },
    ],
  };
}

/** Coldline's tracking number of the demo truck's shipment (docs/claims.md). */
export const DEMO_TRACKING_NUMBER = 'CL70001NL';

/**
 * What the carrier said about the demo shipment so far, as its feed would POST it (docs/claims.md): the booking, then
 * the pickup when the truck left. They show on ORD-1001's timeline beside what the truck's trackers saw.
 */
export function demoCarrierEvents(now: number): Record<string, unknown> {
  const at = (offsetMs: number): string => new Date(Math.floor((now + offsetMs) / 60_000) * 60_000).toISOString();
  return {
    carrier: 'Coldline', trackingNumber: DEMO_TRACKING_NUMBER, vocabulary: '17track',
    events: [
      { time: at(-DAY), code: 'InfoReceived', text: 'Shipment booked, label created', place: 'Amsterdam' },
      { time: at(DEPARTED), code: 'InTransit_PickedUp', text: 'Picked up from shipper', place: 'Amsterdam distribution centre', position: { lat: 52.3105, lon: 4.7683 } },
      // A false claim, as carriers' systems make them: "delivered" half an hour ago, before the truck had left. Its
      // window has passed, so the gateway flags it at once (claim/delivered/30, docs/claims.md) and the customer
      // summary of ORD-1001 says the tracker does not confirm it.
      { time: at(FALSE_DELIVERY), code: 'Delivered_Other', text: 'Delivered, signed by K. Jansen', place: 'Rotterdam' },
    ],
  };
}

/**
 * A storm warning on the demo truck's route (docs/claims.md, "Weather and disruption alerts"): a CAP 1.2 alert,
 * Severe, in force for 12 hours from the start, over Zuid-Holland and Noord-Brabant south of the Maas (as weather
 * services warn by province): the end of SH-7-0001's planned route, and the whole loop the simulated truck drives
 * from Rotterdam to Venlo (truck.ts DEMO_ROUTE). Once its first fixes are judged, SH-7-0001 is flagged at risk
 * (weather/at-risk), and stays so while the truck drives there.
 */
export function demoStormAlert(now: number): string {
  const at = (offsetMs: number): string => new Date(Math.floor((now + offsetMs) / 60_000) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>DEMO-STORM-${Math.floor(now / 60_000)}</identifier><sender>demo-weather@example.org</sender><sent>${at(0)}</sent>
  <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info>
    <category>Met</category><event>Severe thunderstorms</event><urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>
    <onset>${at(0)}</onset><expires>${at(12 * HOUR)}</expires>
    <headline>Code orange: severe thunderstorms with hail and gusts over 100 km/h from Rotterdam to Venlo</headline>
    <area><areaDesc>Zuid-Holland south, Noord-Brabant, Limburg north</areaDesc><polygon>51.30,4.00 52.00,4.00 52.00,6.25 51.30,6.25 51.30,4.00</polygon></area>
  </info>
</alert>`;
}
