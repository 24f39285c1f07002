import { describe, expect, it } from 'vitest';
import { modiconLookalike, parseModiconRef } from './modicon.js';

describe('parseModiconRef', () => {
  it.each([
    { raw: 30001, functionCode: 4, address: 0 },
    { raw: 30002, functionCode: 4, address: 1 },
    { raw: 39999, functionCode: 4, address: 9998 },
    { raw: 40001, functionCode: 3, address: 0 },
    { raw: 49999, functionCode: 3, address: 9998 },
    { raw: 300002, functionCode: 4, address: 1 },
    { raw: 310000, functionCode: 4, address: 9999 },
    { raw: 365536, functionCode: 4, address: 65535 },
    { raw: 400001, functionCode: 3, address: 0 },
    { raw: 465536, functionCode: 3, address: 65535 },
    { raw: '30002', functionCode: 4, address: 1 },
    { raw: ' 400010 ', functionCode: 3, address: 9 },
  ])('reads $raw as function code $functionCode, address $address', ({ raw, functionCode, address }) => {
    expect(parseModiconRef(raw)).toEqual({ ok: true, ref: { text: String(raw).trim(), functionCode, address } });
  });

  it.each([
    { raw: 30000, problem: /count from 1: the first input register is 30001/ },
    { raw: 400000, problem: /count from 1: the first holding register is 400001/ },
    { raw: 365537, problem: /past the last input register, 365536 \(address 65535\)/ },
    { raw: 10001, problem: /discrete inputs \(1xxxx\); the agent reads input registers \(3xxxx\) and holding registers \(4xxxx\) only/ },
    { raw: '000001', problem: /coils \(0xxxx\)/ },
    { raw: 20001, problem: /not a Modicon reference: its first digit names the table/ },
    { raw: 1234, problem: /expected a 5-digit .* or 6-digit .* Modicon reference, got 1234/ },
    { raw: 3000001, problem: /expected a 5-digit/ },
    { raw: 30002.5, problem: /expected a 5-digit/ },
    { raw: -30002, problem: /expected a 5-digit/ },
    { raw: '3x0002', problem: /expected a 5-digit/ },
  ])('refuses $raw', ({ raw, problem }) => {
    const r = parseModiconRef(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });
});

describe('modiconLookalike', () => {
  it.each([
    { address: 30002, functionCode: 4 as const, expected: { functionCode: 4, address: 1 } },
    { address: 40001, functionCode: 3 as const, expected: { functionCode: 3, address: 0 } },
    { address: 300002, functionCode: 4 as const, expected: { functionCode: 4, address: 1 } },
    { address: 300002, functionCode: 3 as const, expected: { functionCode: 4, address: 1 } },
    { address: 400001, functionCode: undefined, expected: { functionCode: 3, address: 0 } },
    { address: 30002, functionCode: 3 as const, expected: undefined },
    { address: 40001, functionCode: 4 as const, expected: undefined },
    { address: 40000, functionCode: 3 as const, expected: undefined },
    { address: 30000, functionCode: 4 as const, expected: undefined },
    { address: 1, functionCode: 4 as const, expected: undefined },
    { address: 9999, functionCode: 3 as const, expected: undefined },
    { address: 100002, functionCode: 4 as const, expected: undefined },
  ])('takes address $address with function code $functionCode for $expected', ({ address, functionCode, expected }) => {
    const ref = modiconLookalike(address, functionCode);
    expect(ref === undefined ? undefined : { functionCode: ref.functionCode, address: ref.address }).toEqual(expected);
  });
});
