import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig } from '../config.js';

describe('COLDTRACE_CLAIMS_CONFIG', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ct-claims-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (file: string, text: string) => {
    writeFileSync(join(dir, file), text);
    return loadGatewayConfig({ COLDTRACE_CLAIMS_CONFIG: join(dir, file) });
  };

  it('reads a YAML profile into the configuration', () => {
    const r = load('claims.yaml', 'carriers:\n  Polar Freight:\n    deliveredWindowMin: 45\nlanes:\n  AMS-RTM:\n    noUpdateHours: 12\n');
    expect(r.ok && r.config.claims).toEqual({ carriers: { 'polar freight': { deliveredWindowMin: 45 } }, lanes: { 'AMS-RTM': { noUpdateHours: 12 } } });
  });

  it('lists every problem of a bad one, and of one that is not there', () => {
    const bad = load('claims.json', '{"carriers": {"dhl": {"deliveredWindowMin": -1}}}');
    expect(bad.ok ? [] : bad.problems).toEqual([`COLDTRACE_CLAIMS_CONFIG (${join(dir, 'claims.json')}): carriers.dhl.deliveredWindowMin: expected a number 1-10080, got -1`]);
    const missing = loadGatewayConfig({ COLDTRACE_CLAIMS_CONFIG: join(dir, 'nope.json') });
    expect(missing.ok ? [] : missing.problems).toEqual([expect.stringMatching(/^COLDTRACE_CLAIMS_CONFIG: cannot read /)]);
  });
});
