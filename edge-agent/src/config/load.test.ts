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
    const c = await loadConfig(file, {}, { warn: () => undefined });
    expect(c.dataDir).toBe(join(dir, 'data'));
    expect(c.sources.map((s) => ('path' in s ? s.path : undefined))).toEqual([join(dir, '..', 'pty', 'gps'), '/dev/ttyUSB1']);
  });

  it('resolves a relative MQTT password file against the config file; a password beside it is refused', async () => {
    const file = join(dir, 'secret.yaml');
    const text = (mqtt: string): string => ['site: s', 'node: n', `mqtt: ${mqtt}`, 'dataDir: ./data', 'sources:', '  - { kind: nmea-gps, device: gps-1, path: /dev/ttyUSB0 }'].join('\n');
    writeFileSync(file, text('{ url: "mqtt://127.0.0.1:1883", username: s/n, passwordFile: ../secrets/n }'));
    expect((await loadConfig(file, {}, { warn: () => undefined })).mqtt.passwordFile).toBe(join(dir, '..', 'secrets', 'n'));
    writeFileSync(file, text('{ url: "mqtt://127.0.0.1:1883", username: s/n, password: x, passwordFile: ../secrets/n }'));
    await expect(loadConfig(file, {}, { warn: () => undefined })).rejects.toThrow(/password and passwordFile exclude each other/);
  });

  const modbus = (register: string, source = 'kind: modbus-tcp, host: 127.0.0.1'): string =>
    ['site: s', 'node: n', 'mqtt: { url: "mqtt://127.0.0.1:1883" }', 'dataDir: ./data', 'sources:',
      `  - { ${source}, devices: [{ id: d1, registers: [${register}] }] }`].join('\n');

  async function warningsOf(text: string): Promise<string[]> {
    const file = join(dir, 'warn.yaml');
    writeFileSync(file, text);
    const warnings: string[] = [];
    await loadConfig(file, {}, { warn: (w) => warnings.push(w) });
    return warnings;
  }

  it('warns, without failing, about a scale that overflows temperature', async () => {
    const w = await warningsOf(modbus('{ metric: temperature, unit: Cel, functionCode: 4, address: 1, type: int16, scale: 10 }'));
    expect(w).toEqual([expect.stringMatching(/^sources\[0\]\.devices\[0\]\.registers\[0\]\.scale: int16 × 10 gives -327680\.\.327670 Cel but temperature is accepted in -100\.\.200 Cel/)]);
  });

  it('warns about a serial port that does not exist, and not about one that does', async () => {
    const missing = join(dir, 'ttyUSB9');
    const present = join(dir, 'present-port');
    writeFileSync(present, '');
    const reg = '{ metric: temperature, unit: Cel, functionCode: 4, address: 1, type: int16, scale: 0.1 }';
    expect(await warningsOf(modbus(reg, `kind: modbus-rtu, path: ${missing}`))).toEqual([
      `sources[0].path: ${missing} does not exist (yet); the agent starts anyway and keeps trying to open it, but reads nothing from it until it appears`,
    ]);
    expect(await warningsOf(modbus(reg, 'kind: modbus-rtu, path: ./present-port'))).toEqual([]);
  });

  it('gives nothing to warn about for the demo config', async () => {
    const warnings: string[] = [];
    await loadConfig(join(import.meta.dirname, '../../config/demo.yaml'), {}, { warn: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
  });

  it('fails with E_CONFIG_PARSE and the line and column of an unquoted %RH', async () => {
    const file = join(dir, 'rh.yaml');
    writeFileSync(file, modbus('{ metric: humidity, unit: %RH, functionCode: 4, address: 2, type: int16, scale: 0.1 }'));
    await expect(loadConfig(file, {}, { warn: () => undefined })).rejects.toMatchObject({
      code: 'E_CONFIG_PARSE',
      problems: [expect.stringMatching(new RegExp(`^${file}:6:\\d+: .*; quote the value: unit: "%RH"$`))],
    });
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
