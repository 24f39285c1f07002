import { describe, expect, it } from 'vitest';
import { readDocument } from './document.js';
import { csvHeader, csvRows, fromCsv } from './csv.js';

const site = { id: 'S1', name: 'Site', geofence: { kind: 'circle', center: { lat: 52, lon: 4 }, radiusM: 100 } };
const shipment = { id: 'SH', mode: 'road', origin: 'S1', destination: 'S1', carrier: 'DHL Express', lane: 'l', plannedDeparture: '2026-12-01T08:00:00Z', promisedDelivery: '2026-12-02' };

describe('shipment tracking numbers', () => {
  it('normalises them, takes the carrier from the shipment when left out, and keeps each once', () => {
    const { entities, problems } = readDocument({ sites: [site], shipments: [{ ...shipment, tracking: [{ number: 'jjd 0001' }, { carrier: 'UPS', number: '1z 999' }, { number: 'JJD0001' }] }] });
    expect(problems).toEqual([]);
    expect(entities.shipments[0]?.tracking).toEqual([{ carrier: 'dhl express', number: 'JJD0001' }, { carrier: 'ups', number: '1Z999' }]);
  });

  it('leaves the field out when there are none, so documents stored before it existed read back unchanged', () => {
    for (const tracking of [undefined, []]) {
      const { entities } = readDocument({ sites: [site], shipments: [{ ...shipment, ...(tracking !== undefined ? { tracking } : {}) }] });
      expect(entities.shipments[0]).not.toHaveProperty('tracking');
    }
  });

  it('reads its canonical form back unchanged, as JSON and as CSV', () => {
    const first = readDocument({ sites: [site], shipments: [{ ...shipment, tracking: [{ carrier: 'ups', number: '1Z999' }] }] }).entities.shipments[0]!;
    expect(readDocument({ sites: [site], shipments: [first] }).entities.shipments[0]).toEqual(first);
    const csv = `${csvHeader('shipments')}${csvRows('shipments', [first])}`;
    const rows = fromCsv('shipments', csv);
    expect(rows.problems).toEqual([]);
    expect(readDocument({ sites: [site], shipments: rows.rows }).entities.shipments[0]).toEqual(first);
  });

  it.each([
    ['no carrier on the number or the shipment', { ...shipment, carrier: '', tracking: [{ number: 'X' }] }, 'shipments[0].tracking[0].carrier'],
    ['an empty number', { ...shipment, tracking: [{ number: '' }] }, 'shipments[0].tracking[0].number'],
    ['a misspelt field', { ...shipment, tracking: [{ numbr: 'X' }] }, 'shipments[0].tracking[0].numbr'],
  ])('refuses %s, naming the field', (_name, s, path) => {
    expect(readDocument({ sites: [site], shipments: [s] }).problems.map((p) => p.path)).toContain(path);
  });
});
