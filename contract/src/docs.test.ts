import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { METRICS } from './metrics.js';

const full = readFileSync(new URL('../../docs/contract.md', import.meta.url), 'utf8');
const start = full.indexOf('## Metric catalogue');
const doc = full.slice(start, full.indexOf('\n## ', start + 1));

describe('docs/contract.md', () => {
  it.each(Object.entries(METRICS))('documents metric %s with its unit and type', (name, spec) => {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    expect(row, `no table row for ${name}`).toBeDefined();
    expect(row).toContain(`| \`${spec.unit}\` | ${spec.type} |`);
  });

  it('documents no metric the catalogue lacks', () => {
    const documented = [...doc.matchAll(/^\| `([a-z.]+)` \| `/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(METRICS).sort());
  });
});
