import { describe, expect, it } from 'vitest';
// The gateway's own document checks (pure domain code): the generated registry is what an import accepts.
import { overlapProblems, readDocument, referencesOf } from '../../../../gateway/src/domain/registry/document.js';
import type { Placement } from '../../../../gateway/src/domain/registry/types.js';
import { REGISTRY_SIZES, SENSOR_PREFIX, countsOf, generateRegistry } from './generate.js';

const NOW = Date.parse('2026-12-01T10:17:33Z');

describe('generateRegistry', () => {
  it('gives a document the gateway reads without problems, every reference inside it, no overlapping custody', () => {
    const g = generateRegistry(REGISTRY_SIZES.smoke, NOW);
    const read = readDocument(JSON.parse(JSON.stringify({ format: 'coldtrace-registry/1', ...g.entities })));
    expect(read.problems).toEqual([]);
    const ids = new Map(Object.entries(read.entities).map(([k, list]) => [k, new Set(list.map((x: { id: string }) => x.id))]));
    expect(referencesOf(read.entities).filter((r) => !ids.get(r.kind)!.has(r.id))).toEqual([]);
    expect(overlapProblems(read.entities.placements, (id) => id)).toEqual([]);
  });

  it.each(['smoke', 'quick'] as const)('has the sizes of %s mode', (mode) => {
    const size = REGISTRY_SIZES[mode];
    const counts = countsOf(generateRegistry(size, NOW).entities);
    expect(counts).toMatchObject({
      sites: size.sites, zones: size.sites * 8, places: size.places, devices: size.zoneSensors + size.trackers, products: size.products,
      batches: size.batches, shipments: size.shipments, orders: size.orders, placements: size.placements,
    });
  });

  it('is the same for the same seed and end time', () => {
    const a = JSON.stringify(generateRegistry(REGISTRY_SIZES.smoke, NOW).entities);
    expect(JSON.stringify(generateRegistry(REGISTRY_SIZES.smoke, NOW + 59_000 - (NOW % 60_000)).entities)).toBe(a);
    expect(JSON.stringify(generateRegistry(REGISTRY_SIZES.smoke, NOW, 2).entities)).not.toBe(a);
  });

  it('keeps every zone sensor in a zone from before the year to after its end (live readings link)', () => {
    const g = generateRegistry(REGISTRY_SIZES.smoke, NOW);
    const open = (g.entities.placements as unknown as Placement[]).filter((p) => p.device?.startsWith(`${SENSOR_PREFIX}-`) === true && p.to === undefined);
    expect(open.map((p) => p.device).sort()).toEqual(Array.from({ length: REGISTRY_SIZES.smoke.zoneSensors }, (_, i) => `${SENSOR_PREFIX}-${i}`).sort());
    expect(open.every((p) => p.zone !== undefined && Date.parse(p.from) < g.end)).toBe(true);
  });
});
