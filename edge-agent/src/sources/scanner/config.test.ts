import { describe, expect, it } from 'vitest';
import { validateScannerSource } from './config.js';

describe('validateScannerSource', () => {
  it.each([
    ['a barcode scanner sends each scan at once', { mode: 'barcode' }, { dedupeMs: 0, batchMs: 0, maxBatch: 1000, baudRate: 9600 }],
    ['an RFID reader gathers reads and folds repeats by default', { mode: 'rfid' }, { dedupeMs: 2000, batchMs: 200 }],
    ['a scanner set to send | for FNC1', { fnc1: '|' }, { fnc1: '|', mode: 'barcode' }],
  ])('%s', (_n, extra, want) => {
    const problems: string[] = [];
    expect(validateScannerSource({ kind: 'scanner', device: 'door-1', path: '/dev/ttyUSB0', ...extra }, 's', problems)).toMatchObject(want);
    expect(problems).toEqual([]);
  });

  it('lists every problem', () => {
    const problems: string[] = [];
    expect(validateScannerSource({ kind: 'scanner', device: 'bad id', mode: 'laser', fnc1: 'A', maxBatch: 5000, colour: 'red' }, 's', problems)).toBeUndefined();
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^s\.colour: unknown key/), expect.stringMatching(/^s\.device: /), expect.stringMatching(/^s\.mode: /),
      expect.stringMatching(/^s\.path: required/), expect.stringMatching(/^s\.fnc1: /), expect.stringMatching(/^s\.maxBatch: must be <= 1000/),
    ]));
  });
});
