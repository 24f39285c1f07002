import { describe, expect, it } from 'vitest';
import { ScanMessageSchema } from '@coldtrace/contract';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { scanMessage } from './scan-message.js';

describe('scanMessage', () => {
  it('stamps the first read time on the message and keeps only the times that differ, valid against the contract', () => {
    const m = scanMessage(7, [
      { time: 1_800_000_000_000, via: 'barcode', raw: 'A', error: { code: 'E_GS1_SYNTAX', reason: 'not GS1' } },
      { time: 1_800_000_000_000, via: 'rfid', raw: 'B', code: { gtin: '80614141123458', serial: '1' } },
      { time: 1_800_000_000_500, via: 'rfid', raw: 'C', code: { gtin: '80614141123458', serial: '2' } },
    ]);
    expect(m.time).toBe(1_800_000_000_000);
    expect(m.reads.map((r) => r.time)).toEqual([undefined, undefined, 1_800_000_000_500]);
    expect(TypeCompiler.Compile(ScanMessageSchema).Check(m)).toBe(true);
  });
});
