import { describe, expect, it } from 'vitest';
import { llrpTimestampMs, tagReads, type AntennaMap } from './llrp-tags.js';

const T = Date.UTC(2026, 11, 7, 8);
const MAP: AntennaMap = { devices: new Map([[1, 'door-in'], [2, 'door-out'], [3, 'door-in']]), fallback: 'door-in' };
const SGTIN = '3034257BF40C0E4000000001'; // GTIN 00614141123452, serial 1

describe('tagReads', () => {
  it.each([
    ['an SGTIN-96 tag with antenna, RSSI and first-seen time',
      { EPC_96: { EPC: SGTIN }, AntennaID: { AntennaID: 2 }, PeakRSSI: { PeakRSSI: -61 }, FirstSeenTimestampUTC: { Microseconds: '2026-12-07T07:59:58.500250Z' } },
      { device: 'door-out', key: SGTIN, read: { time: T - 1500 + 0, via: 'rfid', raw: SGTIN, code: { gtin: '00614141123452', serial: '1' }, antenna: 2, rssi: -61 } }],
    ['lower-case hex, no time: the agent time',
      { EPC_96: { EPC: SGTIN.toLowerCase() }, AntennaID: { AntennaID: 3 } },
      { device: 'door-in', key: SGTIN, read: { time: T, via: 'rfid', raw: SGTIN, code: { gtin: '00614141123452', serial: '1' }, antenna: 3 } }],
    ['an EPC of another scheme, kept with why',
      { EPC_96: { EPC: 'E2801160600002054E7B1234' }, AntennaID: { AntennaID: 1 } },
      { device: 'door-in', read: expect.objectContaining({ raw: 'E2801160600002054E7B1234', error: expect.objectContaining({ code: 'E_EPC_SCHEME' }) }) }],
    ['a 128-bit EPC (EPCData)',
      { EPCData: { EPC: '300833B2DDD9014000000001AABBCCDD' }, AntennaID: { AntennaID: 1 } },
      { device: 'door-in', read: expect.objectContaining({ error: expect.objectContaining({ code: 'E_EPC_HEX' }) }) }],
    ['an antenna not configured: the first device, E_LLRP_ANTENNA',
      { EPC_96: { EPC: SGTIN }, AntennaID: { AntennaID: 9 } },
      { device: 'door-in', read: { time: T, via: 'rfid', raw: SGTIN, antenna: 9, error: { code: 'E_LLRP_ANTENNA', reason: 'antenna 9 is not configured' } } }],
    ['no antenna at all',
      { EPC_96: { EPC: SGTIN } },
      { device: 'door-in', read: expect.objectContaining({ error: { code: 'E_LLRP_ANTENNA', reason: 'the tag report names no antenna' } }) }],
    ['no EPC',
      { AntennaID: { AntennaID: 1 } },
      { device: 'door-in', read: expect.objectContaining({ raw: '(no EPC)', error: expect.objectContaining({ code: 'E_EPC_HEX' }) }) }],
    ['a reader clock in 1970: the agent time, flagged',
      { EPC_96: { EPC: SGTIN }, AntennaID: { AntennaID: 1 }, FirstSeenTimestampUTC: { Microseconds: '1970-01-01T00:00:05.000000Z' } },
      { device: 'door-in', clockRejected: true, read: expect.objectContaining({ time: T, code: expect.anything() }) }],
    ['an RSSI outside the contract is left out',
      { EPC_96: { EPC: SGTIN }, AntennaID: { AntennaID: 1 }, PeakRSSI: { PeakRSSI: 60 } },
      { device: 'door-in', read: expect.not.objectContaining({ rssi: expect.anything() }) }],
  ])('%s', (_n, tag, want) => {
    const [got] = tagReads({ TagReportData: tag }, MAP, T);
    expect(got).toEqual(expect.objectContaining(want));
  });

  it('reads a list of tags in report order, and a report without tags as none', () => {
    const tags = [1, 2, 1].map((a) => ({ EPC_96: { EPC: SGTIN }, AntennaID: { AntennaID: a } }));
    expect(tagReads({ TagReportData: tags }, MAP, T).map((t) => t.device)).toEqual(['door-in', 'door-out', 'door-in']);
    expect(tagReads({}, MAP, T)).toEqual([]);
  });
});

describe('llrpTimestampMs', () => {
  it.each([
    ['2026-12-07T08:00:00.120123Z', T + 120],
    ['2026-12-07T08:00:00.120623Z', T + 121],
    ['2026-12-07T08:00:00Z', T],
    ['2026-12-07T08:00:00.5Z', T + 500],
    [1796630400120123n, T + 120],
    ['2026-12-07 08:00:00Z', undefined],
    [1796630400120, undefined],
  ])('%s', (v, ms) => {
    expect(llrpTimestampMs(v)).toBe(ms);
  });
});
