import { describe, expect, it } from 'vitest';
import { barcodeRead, rfidRead } from './gs1-read.js';

const T = Date.UTC(2026, 11, 7, 10);

describe('barcodeRead', () => {
  it.each([
    ['a pallet label', ']C1001061414112345678970209506000134352\u001d3748\u001d10LOT-1',
      { sscc: '106141411234567897', content: '09506000134352', count: 48, batch: 'LOT-1' }],
    ['a Digital Link', 'https://id.gs1.org/01/09506000134352/10/ABC?17=270331', { gtin: '09506000134352', batch: 'ABC', expiresOn: '2027-03-31' }],
  ])('reads %s with what it means', (_n, line, code) => {
    expect(barcodeRead(line, T)).toEqual({ time: T, via: 'barcode', raw: line, code });
  });

  it('sends a code that does not decode with its reason instead of dropping it', () => {
    expect(barcodeRead('(01)09506000134353', T)).toMatchObject({ via: 'barcode', raw: '(01)09506000134353', error: { code: 'E_GS1_CHECK_DIGIT' } });
  });

  it('cuts a raw code longer than the contract takes', () => {
    expect(barcodeRead('X'.repeat(600), T).raw).toHaveLength(512);
  });
});

describe('rfidRead', () => {
  it.each([
    ['3074257BF7194E4000001A85', {}],
    ['EPC:3074257bf7194e4000001a85,ANT:2,RSSI:-61.5', { antenna: 2, rssi: -61.5 }],
    ['3074257BF7194E4000001A85 ANT=4', { antenna: 4 }],
  ])('reads %s', (line, extra) => {
    const { read, epc } = rfidRead(line, T);
    expect(epc).toBe('3074257BF7194E4000001A85');
    expect(read).toEqual({ time: T, via: 'rfid', raw: '3074257BF7194E4000001A85', code: { gtin: '80614141123458', serial: '6789' }, ...extra });
  });

  it.each([
    ['no EPC here', 'E_EPC_HEX'],
    ['E280689400004003DA1B2C3D,ANT:1', 'E_EPC_SCHEME'],
  ])('keeps %s with its reason', (line, code) => {
    expect(rfidRead(line, T).read).toMatchObject({ via: 'rfid', error: { code } });
  });
});
