import { describe, expect, it } from 'vitest';
import { validateConfig } from './validate.js';

const P = 'sources[0].devices[0].registers[0]';

/** A config with one device; `device` and `register` are merged over a valid XY-MD02 temperature. */
function config(register: Record<string, unknown>, device: Record<string, unknown> = {}): unknown {
  const reg = { metric: 'temperature', unit: 'Cel', functionCode: 4, address: 1, type: 'int16', scale: 0.1, ...register };
  for (const [k, v] of Object.entries(reg)) if (v === undefined) delete reg[k as keyof typeof reg];
  return {
    site: 's',
    node: 'n',
    mqtt: { url: 'mqtt://127.0.0.1:1883' },
    dataDir: '/tmp/x',
    sources: [{ kind: 'modbus-tcp', host: 'h', devices: [{ id: 'd1', ...device, registers: [reg] }] }],
  };
}

function registerOf(raw: unknown): unknown {
  const r = validateConfig(raw);
  if (!r.ok) return r.problems;
  const s = r.config.sources[0];
  return s?.kind === 'modbus-tcp' ? { functionCode: s.devices[0]?.registers[0]?.functionCode, address: s.devices[0]?.registers[0]?.address } : undefined;
}

describe('Modbus register addresses', () => {
  it.each([
    { name: 'ref 30002 alone', reg: { functionCode: undefined, address: undefined, ref: 30002 }, fc: 4, address: 1 },
    { name: 'ref 40001 alone', reg: { functionCode: undefined, address: undefined, ref: 40001 }, fc: 3, address: 0 },
    { name: 'ref "300002" as a string', reg: { functionCode: undefined, address: undefined, ref: '300002' }, fc: 4, address: 1 },
    { name: 'ref with the function code and address that agree', reg: { ref: 30002, functionCode: 4, address: 1 }, fc: 4, address: 1 },
    { name: 'a plain 0-based address', reg: { address: 1 }, fc: 4, address: 1 },
    { name: 'an address in 40001..49999 of the input table', reg: { functionCode: 4, address: 40001 }, fc: 4, address: 40001 },
    { name: 'address 30002 confirmed 0-based on the register', reg: { address: 30002, zeroBased: true }, fc: 4, address: 30002 },
  ])('accepts $name', ({ reg, fc, address }) => {
    expect(registerOf(config(reg))).toEqual({ functionCode: fc, address });
  });

  it('accepts an address confirmed 0-based for the whole device (a SunSpec map at 40000+)', () => {
    expect(registerOf(config({ functionCode: 3, address: 40071, type: 'float32', scale: 1 }, { zeroBased: true }))).toEqual({ functionCode: 3, address: 40071 });
  });

  it.each([
    {
      name: 'input register 30002 as an address',
      reg: { functionCode: 4, address: 30002 },
      problem: `${P}.address: 30002 looks like a Modicon reference: input register 30002 is 0-based address 1; write "ref: 30002" or "address: 1", or add "zeroBased: true" if the device's documentation gives 30002 as a 0-based address`,
    },
    {
      name: 'holding register 40001 as an address',
      reg: { functionCode: 3, address: 40001 },
      problem: `${P}.address: 40001 looks like a Modicon reference: holding register 40001 is 0-based address 0; write "ref: 40001" or "address: 0", or add "zeroBased: true" if the device's documentation gives 40001 as a 0-based address`,
    },
    {
      name: 'the 6-digit 300002 as an address',
      reg: { functionCode: 4, address: 300002 },
      problem: `${P}.address: 300002 looks like a Modicon reference: input register 300002 is 0-based address 1; write "ref: 300002" or "address: 1"`,
    },
    {
      name: 'the 6-digit 300002 read with function code 3, even when zeroBased',
      reg: { functionCode: 3, address: 300002, zeroBased: true },
      problem: `${P}.address: 300002 looks like a Modicon reference: input register 300002 is 0-based address 1 (read with function code 4); write "ref: 300002" or "address: 1"`,
    },
    {
      name: 'a ref whose table contradicts the function code',
      reg: { ref: 30002, functionCode: 3, address: undefined },
      problem: `${P}.functionCode: 3 reads holding registers but ref 30002 is input register (function code 4); leave functionCode out or make them agree`,
    },
    {
      name: 'a ref and an address that disagree',
      reg: { ref: 30002, address: 2 },
      problem: `${P}.address: 2 does not match ref 30002 (0-based address 1); give one of them`,
    },
    { name: 'a coil reference', reg: { ref: 10001, address: undefined }, problem: `${P}.ref: 10001 is a Modicon reference to discrete inputs (1xxxx); the agent reads input registers (3xxxx) and holding registers (4xxxx) only` },
    { name: 'a ref that is not a number', reg: { ref: true, address: undefined }, problem: `${P}.ref: expected a Modicon reference such as 30002 or 400001, got true` },
    { name: 'zeroBased with a ref', reg: { ref: 30002, address: undefined, zeroBased: true }, problem: `${P}.zeroBased: applies to address only; a ref is always a Modicon reference` },
    { name: 'a non-boolean zeroBased', reg: { zeroBased: 'yes' }, problem: `${P}.zeroBased: expected true or false, got "yes"` },
    { name: 'a float32 at the last reference', reg: { ref: 365536, address: undefined, type: 'float32' }, problem: `${P}.ref: float32 at 65535 runs past register 65535` },
  ])('refuses $name', ({ reg, problem }) => {
    expect(registerOf(config(reg))).toEqual([problem]);
  });

  it('still needs an address or a ref', () => {
    expect(registerOf(config({ address: undefined }))).toEqual([`${P}.address: expected an integer in 0..65535, got undefined`]);
  });
});
