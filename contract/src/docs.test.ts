import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { METRICS } from './metrics.js';
import { ScanCodeSchema, ScanCommandSchema, ScanMessageSchema, ScanReadSchema } from './scan.js';

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

describe('docs/contract.md, scans', () => {
  const start = full.indexOf('## Scan message');
  const section = full.slice(start, full.indexOf('\n## ', full.indexOf('## Scan command') + 1));
  it.each([...Object.keys(ScanMessageSchema.properties), ...Object.keys(ScanReadSchema.properties).map((k) => `reads[].${k}`)])('documents the scan message field %s', (field) => {
    expect(section).toContain(`\`${field}\``);
  });
  it.each(Object.keys(ScanCodeSchema.properties))('documents the decoded code field %s', (field) => {
    expect(section).toContain(`\`${field}\``);
  });
  it.each(Object.keys(ScanCommandSchema.properties))('shows the scan command field %s', (field) => {
    expect(section).toContain(`"${field}"`);
  });
});
