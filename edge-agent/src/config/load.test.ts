import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load.js';

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ct-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves relative dataDir and serial paths against the config file, keeps absolute ones', async () => {
    const file = join(dir, 'agent.yaml');
    writeFileSync(file, [
      'site: s', 'node: n', 'mqtt: { url: "mqtt://127.0.0.1:1883" }', 'dataDir: ./data', 'sources:',
      '  - { kind: nmea-gps, device: gps-1, path: ../pty/gps }',
      '  - { kind: line, device: th-1, path: /dev/ttyUSB1, fields: { T: temperature } }',
    ].join('\n'));
    const c = await loadConfig(file);
    expect(c.dataDir).toBe(join(dir, 'data'));
    expect(c.sources.map((s) => ('path' in s ? s.path : undefined))).toEqual([join(dir, '..', 'pty', 'gps'), '/dev/ttyUSB1']);
  });
});
