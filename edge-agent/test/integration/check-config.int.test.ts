/**
 * `coldtrace-agent --check` on config files as integrators write them (issue #24): Modicon references, scales
 * that overflow a metric's range, serial ports not plugged in yet, `unit: %RH` unquoted. The built CLI
 * (dist/main.js) runs as a child process on real files.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, runCli, type CliRun } from './run-cli.js';

const check = (file: string): Promise<CliRun> => runCli(['--config', file, '--check']);

let dir: string;
beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run \`npx tsc -b edge-agent\` first`);
  dir = await mkdtemp(join(tmpdir(), 'ct-agent-check-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Writes a config with one Modbus device whose register list is `registers` (YAML lines) and returns its path. */
async function configFile(name: string, registers: string[], source = ['  - kind: modbus-tcp', '    host: 127.0.0.1']): Promise<string> {
  const file = join(dir, name);
  const lines = ['site: s', 'node: n', 'mqtt: { url: "mqtt://127.0.0.1:1883" }', 'dataDir: ./data', 'sources:', ...source, '    devices:', '      - id: room-1', '        registers:'];
  await writeFile(file, [...lines, ...registers.map((r) => `          - ${r}`), ''].join('\n'));
  return file;
}

const REG = 'sources[0].devices[0].registers[0]';

describe('coldtrace-agent --check on Modicon references', () => {
  it.each([
    { address: 30002, functionCode: 4, message: `${REG}.address: 30002 looks like a Modicon reference: input register 30002 is 0-based address 1; write "ref: 30002" or "address: 1"` },
    { address: 40001, functionCode: 3, message: `${REG}.address: 40001 looks like a Modicon reference: holding register 40001 is 0-based address 0; write "ref: 40001" or "address: 0"` },
    { address: 300002, functionCode: 4, message: `${REG}.address: 300002 looks like a Modicon reference: input register 300002 is 0-based address 1; write "ref: 300002" or "address: 1"` },
  ])('refuses address $address (exit 1) with the 0-based address to use', async ({ address, functionCode, message }) => {
    const file = await configFile(`addr-${address}.yaml`, [`{ metric: temperature, unit: Cel, functionCode: ${functionCode}, address: ${address}, type: int16, scale: 0.1 }`]);
    const r = await check(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: 1 problem(s) (E_CONFIG_INVALID)`);
    expect(r.stderr).toContain(message);
  });

  it.each([30002, 40001, 300002, 400001])('accepts ref: %i (exit 0, nothing on stderr)', async (ref) => {
    const file = await configFile(`ref-${ref}.yaml`, [`{ metric: temperature, unit: Cel, ref: ${ref}, type: int16, scale: 0.1 }`]);
    const r = await check(file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('coldtrace-agent --check warnings (exit 0: the agent would start)', () => {
  it('warns about a scale that overflows temperature, with both ranges', async () => {
    const file = await configFile('scale.yaml', ['{ metric: temperature, unit: Cel, functionCode: 4, address: 1, type: int16, scale: 10 }']);
    const r = await check(file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${file}: ok`);
    expect(r.stderr).toContain(`${file}: warning: ${REG}.scale: int16 × 10 gives -327680..327670 Cel but temperature is accepted in -100..200 Cel`);
    expect(r.stderr).toContain('E_VALUE_RANGE');
  });

  it('warns about a serial port that does not exist', async () => {
    const port = join(dir, 'ttyUSB7');
    const file = await configFile('rtu.yaml', ['{ metric: temperature, unit: Cel, ref: 30002, type: int16, scale: 0.1 }'], ['  - kind: modbus-rtu', `    path: ${port}`]);
    const r = await check(file);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`${file}: warning: sources[0].path: ${port} does not exist (yet); the agent starts anyway and keeps trying to open it, but reads nothing from it until it appears\n`);
    expect(r.stdout).toBe(`${file}: ok (1 source(s), 1 warning(s))\n`);
    await writeFile(port, '');
    expect(await check(file)).toMatchObject({ code: 0, stderr: '', stdout: `${file}: ok (1 source(s))\n` });
  });
});

describe('coldtrace-agent --check on YAML errors', () => {
  it('points at an unquoted %RH and says to quote it (exit 1)', async () => {
    const file = await configFile('rh.yaml', ['{ metric: humidity, unit: %RH, functionCode: 4, address: 2, type: int16, scale: 0.1 }']);
    const r = await check(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(E_CONFIG_PARSE)');
    expect(r.stderr).toContain(`${file}:11:39: Plain value cannot start with directive indicator character %; quote the value: unit: "%RH"`);
  });
});
