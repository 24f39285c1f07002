import { describe, expect, it } from 'vitest';
import type { Flag } from '../domain/flags/types.js';
import type { RegistryStore } from '../ports/registry.js';
import { flagFacts } from './notify-facts.js';

/** The registry as the facts read it: zones with their site, batches with their product, products with a name. */
const entities: Record<string, Record<string, unknown>> = {
  zones: { 'Z-A': { id: 'Z-A', site: 'WH1', name: 'Cold room A' }, 'Z-B': { id: 'Z-B', site: 'WH2', name: 'Cold room B' } },
  batches: { 'B-1': { id: 'B-1', product: 'P-VAX' }, 'B-2': { id: 'B-2', product: 'P-GONE' } },
  products: { 'P-VAX': { id: 'P-VAX', name: 'Vaccine 10-dose vial' } },
};
const registry = { get: (kind: string, id: string) => Promise.resolve(entities[kind]?.[id]) } as unknown as Pick<RegistryStore, 'get'>;

const flag: Flag = {
  id: 'excursion/t@batch:B-1', rule: 'excursion/t', params: {}, subject: { kind: 'batch', id: 'B-1' }, severity: 'critical', title: 't ≥ 8',
  startMs: 0, endMs: 1, metAtMs: 0, active: true, episodes: [{ device: 'S-9' } as Flag['episodes'][number]], figures: { max: 9 },
  related: { devices: ['S-1'], zones: ['Z-A', 'Z-B'], batches: ['B-1', 'B-2'], shipments: [], orders: ['O-1'] },
  state: 'open', withdrawn: false, raisedAt: 0, updatedAt: 0, events: [],
};

describe('flagFacts', () => {
  it('finds the sites of the zones and the products of the batches, matchable by product id or name', async () => {
    const [f] = await flagFacts(registry, 'https://ct.example.com/')([flag]);
    expect(f!.facts).toEqual({
      rule: 'excursion/t', severity: 'critical', tier: '2', sites: ['WH1', 'WH2'], zones: ['Z-A', 'Z-B'],
      products: ['P-GONE', 'P-VAX', 'Vaccine 10-dose vial'], devices: ['S-1', 'S-9'],
    });
    expect(f!.info).toMatchObject({ products: ['P-GONE', 'Vaccine 10-dose vial'], orders: ['O-1'], subject: 'batch B-1', evidenceUrl: 'https://ct.example.com/api/v1/flags/excursion%2Ft%40batch%3AB-1' });
  });

  it('gives no evidence link without a public URL', async () => {
    const [f] = await flagFacts(registry, undefined)([flag]);
    expect(f!.info.evidenceUrl).toBeUndefined();
  });
});
