import { describe, expect, it } from 'vitest';
import { fromCsv, toCsv } from './csv.js';
import { readDocument } from './document.js';

describe('registry CSV', () => {
  it('writes flat fields as columns and nested ones as JSON, and reads them back', () => {
    const orders = [{
      id: 'O-1', customer: 'Smith, "Jones" & Co', lines: [{ batch: 'B-1', quantity: 2 }], shipments: [], promisedDelivery: '2026-12-01T00:00:00.000Z',
      minRemainingShelfLifeDays: 30, statuses: [{ status: 'paid', at: '2026-11-01T00:00:00.000Z', operator: 'a', source: 'hub' }],
    }];
    const csv = toCsv('orders', orders);
    expect(csv.split('\n')[0]).toBe('id,customer,lines,shipments,promisedDelivery,minRemainingShelfLifeDays,statuses');
    expect(fromCsv('orders', csv)).toEqual({ rows: orders, problems: [] });
  });

  it('reads an empty cell as an absent field and a number column as a number', () => {
    const { rows } = fromCsv('placements', 'id,device,batch,zone,shipment,from,to\nP,D,,Z,,2026-01-01,\n');
    expect(rows).toEqual([{ id: 'P', device: 'D', zone: 'Z', from: '2026-01-01' }]);
    expect(fromCsv('devices', 'id,kind,model,intervalS,metrics\nD,tracker,m,60,\n').rows).toEqual([{ id: 'D', kind: 'tracker', model: 'm', intervalS: 60 }]);
    // Not a number: kept as text, so the registry's check names the field.
    expect(fromCsv('devices', 'id,intervalS\nD,sixty\n').rows).toEqual([{ id: 'D', intervalS: 'sixty' }]);
  });

  it('reads back a product with an empty name (its cell is empty, so the field is absent)', () => {
    // Found by csv.fuzz.test.ts: an export refused on import with products[0].name 'must be a string'.
    const { entities } = readDocument({ products: [{ id: 'P', name: '', preset: 'pharma-2-8' }] });
    const again = readDocument({ products: fromCsv('products', toCsv('products', entities.products)).rows });
    expect(again.problems).toEqual([]);
    expect(again.entities.products).toEqual(entities.products);
  });

  it.each([
    ['an unknown column', 'id,site,nmae\nZ,S,x\n', 'zones.csv line 1, column 3', "unknown column 'nmae'"],
    ['a nested cell that is not JSON', 'id,name,geofence\nS,x,{circle}\n', 'sites.csv line 2, column geofence', 'must be JSON'],
    ['a row with too many cells', 'id,site,name\nZ,S,x,y\n', 'zones.csv', 'not CSV'],
  ])('names %s', (_name, text, path, message) => {
    const kind = text.includes('geofence') ? 'sites' : 'zones';
    expect(fromCsv(kind, text).problems).toEqual([{ path, message: expect.stringContaining(message) }]);
  });
});
