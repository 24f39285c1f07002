import { describe, expect, it } from 'vitest';
import { checkFlags, passed, scenarioScope } from './check.js';
import type { ApiFlag } from './gateway-api.js';
import type { ExpectedFlag } from './types.js';

const expected: ExpectedFlag = { rule: 'shock/shock.peak/25/instant', subject: { kind: 'shipment', id: 'SH-1' }, orders: ['O-1', 'O-2'], metAtMs: 1000_000, toleranceMs: 60_000, why: '' };
const flag = (patch: Partial<ApiFlag> = {}): ApiFlag => ({
  id: 'shock/shock.peak/25/instant@shipment:SH-1', rule: expected.rule, subject: expected.subject, metAtMs: 1000_000, active: false, withdrawn: false, related: { orders: ['O-2', 'O-1'] }, ...patch,
});

describe('checkFlags', () => {
  it.each([
    { name: 'passes the expected flag, orders in any order, met within the tolerance', actual: [flag({ metAtMs: 1060_000 })], check: { missing: [], unexpected: [], mismatched: [] } },
    { name: 'finds a missing flag', actual: [], check: { missing: [flag().id], unexpected: [], mismatched: [] } },
    { name: 'finds an unexpected flag, withdrawn ones too', actual: [flag(), flag({ id: 'x@batch:B', subject: { kind: 'batch', id: 'B' }, withdrawn: true })], check: { missing: [], unexpected: ['x@batch:B (withdrawn)'], mismatched: [] } },
    { name: 'finds wrong orders', actual: [flag({ related: { orders: ['O-1'] } })], check: { missing: [], unexpected: [], mismatched: [{ id: flag().id, problems: ['orders ["O-1"], expected ["O-1","O-2"]'] }] } },
    { name: 'finds a moment outside the tolerance', actual: [flag({ metAtMs: 1061_000 })], check: { missing: [], unexpected: [], mismatched: [{ id: flag().id, problems: [expect.stringContaining('off by 61 s')] }] } },
  ])('$name', ({ actual, check }) => {
    expect(checkFlags([expected], actual)).toEqual(check);
  });

  it("ignores flags outside the scenario's scope", () => {
    const other = flag({ id: 'y@shipment:SH-9', subject: { kind: 'shipment', id: 'SH-9' } });
    const scope = scenarioScope({ shipments: [{ id: 'SH-1', carrier: 'C', lane: 'L', hubs: ['H'] }] });
    expect([...scope].sort()).toEqual(['carrier:C', 'hub:H', 'lane:L', 'shipment:SH-1']);
    expect(passed(checkFlags([expected], [flag(), other], scope))).toBe(true);
    expect(passed(checkFlags([expected], [flag(), other]))).toBe(false);
  });
});
