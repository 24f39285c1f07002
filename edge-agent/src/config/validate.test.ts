import { describe, expect, it } from 'vitest';
import { parseConfigText } from './load.js';
import { validateConfig } from './validate.js';

const register = { metric: 'temperature', unit: 'Cel', functionCode: 4, address: 1, type: 'int16', scale: 0.1 };
const base = () => ({
  site: 'site-1',
  node: 'edge-1',
  mqtt: { url: 'mqtt://127.0.0.1:1883' },
  dataDir: '/tmp/x',
  sources: [{ kind: 'modbus-tcp', host: '127.0.0.1', port: 5020, devices: [{ id: 'room-1', unitId: 1, registers: [register] }] }],
});

function problemsOf(raw: unknown): string[] {
  const r = validateConfig(raw);
  return r.ok ? [] : r.problems;
}

describe('validateConfig', () => {
  it('accepts a minimal config and fills the defaults', () => {
    const r = validateConfig(base());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.mqtt).toEqual({ url: 'mqtt://127.0.0.1:1883', clientId: 'ct-site-1-edge-1', keepaliveS: 30, protocolVersion: 4 });
    expect(r.config.outbox).toEqual({ maxBytes: 64 * 1024 * 1024, maxAgeMs: 604_800_000, replayRatePerS: 50 });
    const src = r.config.sources[0];
    expect(src?.kind).toBe('modbus-tcp');
    if (src?.kind !== 'modbus-tcp') return;
    expect(src.devices[0]).toEqual({
      id: 'room-1',
      unitId: 1,
      timeoutMs: 1000,
      maxGap: 0,
      pollGroups: { default: { intervalMs: 10_000 } },
      registers: [{ ...register, wordOrder: 'ABCD', offset: 0, group: 'default' }],
    });
  });

  it('names the bad register type with its full path', () => {
    const raw = base();
    const regs = [register, register, { ...register, type: 'int64' }];
    raw.sources[0]!.devices.push({ id: 'room-2', unitId: 2, registers: regs });
    expect(problemsOf(raw)).toEqual(['sources[0].devices[1].registers[2].type: expected one of int16,uint16,int32,uint32,float32, got "int64"']);
  });

  it('lists every problem, not only the first', () => {
    const raw = {
      site: 'bad site',
      node: 'edge-1',
      mqtt: { url: 'http://x', keepaliveS: -1 },
      dataDir: '',
      outbox: { maxBytes: 10, surprise: 1 },
      sources: [
        {
          kind: 'modbus-rtu',
          path: '/dev/ttyUSB0',
          parity: 'mark',
          devices: [
            {
              id: 'd1',
              unitId: 0,
              registers: [
                { metric: 'temperature', unit: 'C', functionCode: 6, address: 70000, type: 'float32', wordOrder: 'ACBD', group: 'fast' },
                { metric: 'pressure', unit: 'Pa', functionCode: 3, address: 1, type: 'uint16' },
              ],
            },
          ],
        },
        { kind: 'zigbee' },
      ],
    };
    const problems = problemsOf(raw);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^site: "bad site" does not match ID_PATTERN/),
        expect.stringMatching(/^mqtt\.url: /),
        expect.stringMatching(/^mqtt\.keepaliveS: expected an integer in 0\.\.65535/),
        expect.stringMatching(/^dataDir: expected a non-empty string/),
        expect.stringMatching(/^outbox\.surprise: unknown key/),
        expect.stringMatching(/^outbox\.maxBytes: expected an integer >= 1024/),
        expect.stringMatching(/^sources\[0\]\.parity: expected one of none,even,odd/),
        expect.stringMatching(/^sources\[0\]\.devices\[0\]\.unitId: expected an integer in 1\.\.247/),
        expect.stringMatching(/^sources\[0\]\.devices\[0\]\.registers\[0\]\.unit: metric temperature has unit "Cel", got "C"/),
        expect.stringMatching(/^sources\[0\]\.devices\[0\]\.registers\[0\]\.functionCode: expected one of 3,4/),
        expect.stringMatching(/^sources\[0\]\.devices\[0\]\.registers\[0\]\.address: expected an integer in 0\.\.65535/),
        expect.stringMatching(/^sources\[0\]\.devices\[0\]\.registers\[0\]\.wordOrder: expected one of ABCD,CDAB,BADC,DCBA/),
        expect.stringMatching(/^sources\[0\]\.devices\[0\]\.registers\[0\]\.group: unknown poll group "fast"/),
        expect.stringMatching(/^sources\[0\]\.devices\[0\]\.registers\[1\]\.metric: "pressure" is not in the contract metric catalogue/),
        expect.stringMatching(/^sources\[1\]\.kind: expected one of modbus-tcp,modbus-rtu,nmea-gps,line,accel,scanner,camera\b.*, got "zigbee"/),
      ]),
    );
    expect(problems).toHaveLength(15);
  });

  it('refuses duplicate unit ids on one bus', () => {
    const raw = base();
    raw.sources[0]!.devices.push({ id: 'room-2', unitId: 1, registers: [register] });
    expect(problemsOf(raw)).toEqual(['sources[0].devices[1].unitId: unit id 1 is already used by sources[0].devices[0]']);
  });

  it('refuses a device id used by two sources, naming both by their index in the file', () => {
    const raw = base();
    raw.sources.unshift({ kind: 'zigbee' } as never);
    raw.sources.push({ kind: 'modbus-tcp', host: 'h', port: 502, devices: [{ id: 'room-1', unitId: 1, registers: [register] }] });
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^sources\[0\]\.kind: /),
      'sources[2]: device id "room-1" is also used by sources[1]',
    ]);
  });

  it('accepts named poll groups with their own intervals', () => {
    const raw = base();
    Object.assign(raw.sources[0]!.devices[0]!, {
      pollGroups: { fast: { intervalMs: 500 } },
      registers: [register, { ...register, metric: 'humidity', unit: '%RH', address: 2, group: 'fast' }],
    });
    const r = validateConfig(raw);
    expect(r.ok && r.config.sources[0]?.kind === 'modbus-tcp' && r.config.sources[0].devices[0]?.pollGroups).toEqual({
      default: { intervalMs: 10_000 },
      fast: { intervalMs: 500 },
    });
  });

  it('leaves metrics off when absent and fills the default host when present', () => {
    const off = validateConfig(base());
    expect(off.ok && off.config.metrics).toBeUndefined();
    const on = validateConfig({ ...base(), metrics: { port: 0 } });
    expect(on.ok && on.config.metrics).toEqual({ host: '127.0.0.1', port: 0 });
    const bound = validateConfig({ ...base(), metrics: { host: '0.0.0.0', port: 9464 } });
    expect(bound.ok && bound.config.metrics).toEqual({ host: '0.0.0.0', port: 9464 });
  });

  it('names every bad metrics key with its path', () => {
    expect(problemsOf({ ...base(), metrics: { host: '', port: 70000, path: '/m' } })).toEqual([
      'metrics.path: unknown key (allowed: host, port)',
      'metrics.host: expected a non-empty string, got ""',
      'metrics.port: expected an integer in 0..65535, got 70000',
    ]);
    expect(problemsOf({ ...base(), metrics: {} })).toEqual(['metrics.port: expected an integer in 0..65535, got undefined']);
    expect(problemsOf({ ...base(), metrics: 9464 })).toEqual(['metrics: expected an object, got 9464']);
  });

  it('rejects a non-object root', () => {
    expect(problemsOf([])).toEqual(['(root): expected an object, got an array']);
  });
});

describe('parseConfigText', () => {
  it('reads YAML by extension, with hex addresses', () => {
    expect(parseConfigText('a: 0x0101\n', 'x.yaml')).toEqual({ a: 257 });
  });
  it('reads JSON otherwise and fails with E_CONFIG_PARSE', () => {
    expect(parseConfigText('{"a":1}', 'x.json')).toEqual({ a: 1 });
    expect(() => parseConfigText('{', 'x.json')).toThrow(expect.objectContaining({ code: 'E_CONFIG_PARSE' }));
  });
});
