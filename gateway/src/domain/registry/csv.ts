/**
 * The registry as CSV, one file per kind, for the people who keep it in spreadsheets (docs/registry.md, "CSV").
 * Flat fields are columns; nested ones (a geofence, an order's lines) are JSON in their cell. An empty cell is an
 * absent field. Rows come back as plain objects for the same checks as a JSON import.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { EntityKind, Problem } from './types.js';

type Cell = 'text' | 'number' | 'json';

/** Columns per kind, in order, with how a cell is read. */
export const CSV_COLUMNS: { readonly [K in EntityKind]: readonly (readonly [string, Cell])[] } = {
  sites: [['id', 'text'], ['name', 'text'], ['geofence', 'json'], ['minRemainingShelfLifeDays', 'number']],
  zones: [['id', 'text'], ['site', 'text'], ['name', 'text']],
  places: [['id', 'text'], ['name', 'text'], ['kind', 'text'], ['geofence', 'json']],
  devices: [['id', 'text'], ['kind', 'text'], ['model', 'text'], ['intervalS', 'number'], ['metrics', 'json'], ['scanner', 'json']],
  products: [['id', 'text'], ['name', 'text'], ['storageTempC', 'number'], ['limits', 'json'], ['mkt', 'json'], ['shelfLife', 'json'], ['ignoreStartMin', 'number'], ['gtins', 'json']],
  batches: [['id', 'text'], ['product', 'text'], ['quantity', 'number'], ['producedAt', 'text'], ['expiresAt', 'text']],
  shipments: [['id', 'text'], ['carrier', 'text'], ['lane', 'text'], ['mode', 'text'], ['origin', 'text'], ['destination', 'text'], ['hubs', 'json'], ['route', 'json'],
    ['corridorM', 'number'], ['plannedDeparture', 'text'], ['promisedDelivery', 'text'], ['gapThresholdMin', 'number'], ['tracking', 'json']],
  orders: [['id', 'text'], ['customer', 'text'], ['lines', 'json'], ['shipments', 'json'], ['promisedDelivery', 'text'], ['minRemainingShelfLifeDays', 'number'], ['statuses', 'json']],
  placements: [['id', 'text'], ['device', 'text'], ['batch', 'text'], ['zone', 'text'], ['shipment', 'text'], ['from', 'text'], ['to', 'text']],
};

/** The header line of a kind's CSV. */
export function csvHeader(kind: EntityKind): string {
  return stringify([CSV_COLUMNS[kind].map(([name]) => name)]);
}

/** CSV lines of entities, without the header. */
export function csvRows(kind: EntityKind, entities: readonly object[]): string {
  const cols = CSV_COLUMNS[kind];
  return stringify(entities.map((e) => cols.map(([name, cell]) => {
    const v = (e as Record<string, unknown>)[name];
    if (v === undefined) return '';
    return cell === 'json' ? JSON.stringify(v) : String(v);
  })));
}

export function toCsv(kind: EntityKind, entities: readonly object[]): string {
  return csvHeader(kind) + csvRows(kind, entities);
}

/** The line of a CSV file a row index stands on (the header is line 1). */
export const csvLine = (row: number): number => row + 2;

/** CSV text -> rows as objects; problems name `kind.csv line N, column C`. */
export function fromCsv(kind: EntityKind, text: string): { rows: Record<string, unknown>[]; problems: Problem[] } {
  const problems: Problem[] = [];
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (e) {
    return { rows: [], problems: [{ path: `${kind}.csv`, message: `not CSV: ${(e as Error).message}` }] };
  }
  const [header, ...body] = records;
  if (header === undefined) return { rows: [], problems: [] };
  const cols = new Map(CSV_COLUMNS[kind]);
  header.forEach((h, i) => {
    if (!cols.has(h)) problems.push({ path: `${kind}.csv line 1, column ${i + 1}`, message: `unknown column '${h}' (columns: ${[...cols.keys()].join(', ')})` });
  });
  if (problems.length > 0) return { rows: [], problems };
  const rows = body.map((record, r) => {
    const row: Record<string, unknown> = {};
    header.forEach((name, c) => {
      const text = record[c] ?? '';
      if (text === '') return;
      const cell = cols.get(name)!;
      if (cell === 'text') row[name] = text;
      else if (cell === 'number') row[name] = /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text) ? Number(text) : text;
      else {
        try {
          row[name] = JSON.parse(text);
        } catch {
          problems.push({ path: `${kind}.csv line ${csvLine(r)}, column ${name}`, message: 'must be JSON (nested fields are JSON in their cell)' });
        }
      }
    });
    return row;
  });
  return { rows, problems };
}
