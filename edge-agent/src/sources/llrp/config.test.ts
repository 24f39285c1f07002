import { describe, expect, it } from 'vitest';
import { validateLlrpSource } from './config.js';

const BASE = { kind: 'llrp', host: 'fx9600.dock', antennas: [{ id: 1, device: 'dock-3-in' }, { id: 2, device: 'dock-3-out' }] };

describe('validateLlrpSource', () => {
  it.each([
    ['defaults', {}, { device: 'dock-3-in', port: 5084, rospecId: 1, reportEveryTags: 0, reportEveryMs: 200, dedupeMs: 2000, batchMs: 200, maxBatch: 1000, keepaliveMs: 10_000, timeoutMs: 5000 }],
    ['TLS on port 5085 by default', { tls: true }, { port: 5085, tls: {} }],
    ['TLS with a CA', { tls: { caFile: '/etc/coldtrace/reader-ca.pem' }, port: 6000 }, { port: 6000, tls: { caFile: '/etc/coldtrace/reader-ca.pem' } }],
    ['a report every 50 tags only', { reportEveryTags: 50, reportEveryMs: 0 }, { reportEveryTags: 50, reportEveryMs: 0 }],
    ['two antennas of one way', { antennas: [{ id: 1, device: 'door' }, { id: 3, device: 'door' }] }, { antennas: [{ id: 1, device: 'door' }, { id: 3, device: 'door' }] }],
  ])('%s', (_n, extra, want) => {
    const problems: string[] = [];
    expect(validateLlrpSource({ ...BASE, ...extra }, 's', problems)).toMatchObject(want);
    expect(problems).toEqual([]);
  });

  it('lists every problem', () => {
    const problems: string[] = [];
    const raw = {
      kind: 'llrp', port: 70000, colour: 'red', tls: { ca: 'x' }, reportEveryTags: 0, reportEveryMs: 0, reconnectInitialMs: 5000, reconnectMaxMs: 1000,
      antennas: [{ id: 0, device: 'a' }, { id: 2, device: 'bad id' }, { id: 2, device: 'b' }],
    };
    expect(validateLlrpSource(raw, 's', problems)).toBeUndefined();
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^s\.colour: unknown key/), expect.stringMatching(/^s\.host: required/), expect.stringMatching(/^s\.port: must be <= 65535/),
      expect.stringMatching(/^s\.tls\.ca: unknown key/), expect.stringMatching(/^s\.reportEveryMs: .*both be 0/), expect.stringMatching(/^s\.reconnectMaxMs: /),
      expect.stringMatching(/^s\.antennas\[0\]\.id: must be >= 1/), expect.stringMatching(/^s\.antennas\[1\]\.device: /), expect.stringMatching(/^s\.antennas\[2\]\.id: antenna 2 is listed twice/),
    ]));
  });

  it('needs at least one antenna', () => {
    const problems: string[] = [];
    expect(validateLlrpSource({ ...BASE, antennas: [] }, 's', problems)).toBeUndefined();
    expect(problems).toEqual([expect.stringMatching(/^s\.antennas: required/)]);
  });
});
