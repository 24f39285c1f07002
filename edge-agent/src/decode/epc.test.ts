import { describe, expect, it } from 'vitest';
import { decodeEpc, type EpcErrorCode } from './epc.js';

// The EPC Tag Data Standard's own examples: urn:epc:tag:sgtin-96:3.0614141.812345.6789 and
// urn:epc:tag:sscc-96:3.0614141.1234567890.
describe('decodeEpc', () => {
  it.each([
    ['3074257BF7194E4000001A85', { scheme: 'sgtin-96', gtin: '80614141123458', serial: '6789', filter: 3 }],
    ['3074257bf7194e4000001a85', { scheme: 'sgtin-96', gtin: '80614141123458', serial: '6789', filter: 3 }],
    ['3174257BF4499602D2000000', { scheme: 'sscc-96', sscc: '106141412345678908', filter: 3 }],
  ])('decodes %s', (hex, want) => {
    expect(decodeEpc(hex)).toEqual({ ok: true, ...want });
  });

  it.each([
    ['3074257BF71', 'E_EPC_HEX'],
    ['3074257BF7194E4000001A8Z', 'E_EPC_HEX'],
    ['E280689400004003DA1B2C3D', 'E_EPC_SCHEME'], // a TID-looking value, not an EPC we know
    ['307C257BF7194E4000001A85', 'E_EPC_DECODE'], // partition 7 does not exist
  ] as [string, EpcErrorCode][])('refuses %s as %s', (hex, error) => {
    expect(decodeEpc(hex)).toMatchObject({ ok: false, error });
  });
});
