import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandEnv, loadConfig } from './load.js';

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

describe('expandEnv', () => {
  it.each([
    { name: 'substitutes a set variable', text: 'port: ${P}', env: { P: '1884' }, out: 'port: 1884' },
    { name: 'uses the default when unset', text: 'url: mqtt://h:${P:-1883}', env: {}, out: 'url: mqtt://h:1883' },
    { name: 'uses the default when empty', text: '${P:-x}', env: { P: '' }, out: 'x' },
    { name: 'leaves text without variables alone', text: 'a: $P {b}', env: {}, out: 'a: $P {b}' },
  ])('$name', ({ text, env, out }) => {
    expect(expandEnv(text, env, 'f.yaml')).toBe(out);
  });

  it('names every unset variable without a default', () => {
    expect(() => expandEnv('${A} ${B:-1} ${C}', {}, 'f.yaml')).toThrow(/\$\{A\}.*\$\{C\}/);
  });
});
