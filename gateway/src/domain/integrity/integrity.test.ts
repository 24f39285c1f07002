import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkpointBytes, headsMoved, type CheckpointStatement } from './checkpoint.js';
import { exportStatement } from './export-signature.js';
import { GENESIS, linkOf, sameBytes, toHex } from './hash.js';
import { decodeChecks, decodeManifest, encodeChecks, encodeCommit, encodeManifest, ReadingChecker, seriesHeader, type CommitGroup } from './readings.js';
import { entryDigest, recordContent, recordLink } from './records.js';

const sha256 = (d: Uint8Array): Uint8Array => createHash('sha256').update(d).digest();
const hex = (d: Uint8Array): string => toHex(d);
const series = { site: 'wh1', node: 'n1', device: 'S-1', metric: 'temperature', unit: 'Cel' };
const group = (values: number[], seriesId = 7): CommitGroup => ({ seriesId, header: seriesHeader(series), values: new Float64Array(values) });
const R1 = [1000, 4.5, 1, 1010, 0];
const R2 = [2000, 4.6, 2, 2010, 2];

describe('linkOf', () => {
  const d = sha256(new Uint8Array([1]));
  const base = hex(linkOf(sha256, 'readings', GENESIS, 1, d));
  it.each([
    ['another previous link', () => linkOf(sha256, 'readings', d, 1, d)],
    ['another index', () => linkOf(sha256, 'readings', GENESIS, 2, d)],
    ['another digest', () => linkOf(sha256, 'readings', GENESIS, 1, sha256(new Uint8Array([2])))],
    ['another chain', () => linkOf(sha256, 'records', GENESIS, 1, d)],
  ])('changes with %s', (_name, other) => {
    expect(hex(other())).not.toBe(base);
  });
  it('is the same for the same inputs', () => {
    expect(hex(linkOf(sha256, 'readings', GENESIS, 1, d))).toBe(base);
  });
});

describe('encodeCommit', () => {
  const base = hex(sha256(encodeCommit([group([...R1, ...R2])])));
  it.each([
    ['a value', [...R1.slice(0, 1), 4.4, ...R1.slice(2), ...R2]],
    ['a device time', [999, ...R1.slice(1), ...R2]],
    ['a seq', [...R1.slice(0, 2), 9, ...R1.slice(3), ...R2]],
    ['a receive time', [...R1.slice(0, 3), 1, ...R1.slice(4), ...R2]],
    ['the flags', [...R1.slice(0, 4), 1, ...R2]],
    ['a reading less', R1],
  ])('hashes differently with %s changed', (_name, values) => {
    expect(hex(sha256(encodeCommit([group(values)])))).not.toBe(base);
  });
  it('hashes differently when the series is renamed', () => {
    expect(hex(sha256(encodeCommit([{ ...group([...R1, ...R2]), header: seriesHeader({ ...series, device: 'S-2' }) }])))).not.toBe(base);
  });
  it('does not hash the local series id (ids differ between database files)', () => {
    expect(hex(sha256(encodeCommit([group([...R1, ...R2], 99)])))).toBe(base);
  });
  it('lays out header length, count, the header padded to 8 bytes and the readings as float64 LE', () => {
    const bytes = encodeCommit([group(R1)]);
    const view = new DataView(bytes.buffer);
    const h = seriesHeader(series);
    const padded = Math.ceil(h.length / 8) * 8;
    expect(view.getUint32(0, true)).toBe(h.length);
    expect(view.getUint32(4, true)).toBe(1);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + h.length))).toBe('["wh1","n1","S-1","temperature","Cel"]');
    expect([...bytes.subarray(8 + h.length, 8 + padded)].every((b) => b === 0)).toBe(true);
    expect(view.getFloat64(8 + padded + 8, true)).toBe(4.5);
    expect(bytes.length).toBe(8 + padded + 40);
  });
});

describe('manifest and checks', () => {
  const withTimes = (times: number[], seriesId = 3): CommitGroup => group(times.flatMap((t) => [t, 1, 1, 1, 0]), seriesId);
  it.each([
    ['whole-ms steps', [1000, 2000, 62_000, 62_001]],
    ['a first time before 1970', [-5000, -4000]],
    ['times that are not whole ms', [1000.5, 1001.25, 3000]],
    ['a step beyond 2^53', [-(2 ** 53), 2 ** 52]],
    ['one reading', [1_790_000_000_000]],
    ['steps above 2^32', [0, 2 ** 40, 2 ** 40 + 1]],
    ['runs of steps broken by an odd one', [0, 10, 20, 30, 35, 40, 45, 45.5, 46.5, 47.5]],
  ])('round-trips series ids and times with %s', (_name, times) => {
    const groups = [withTimes(times, 300), withTimes([5, 6], 4)];
    expect(decodeManifest(encodeManifest(groups))).toEqual([{ seriesId: 300, times }, { seriesId: 4, times: [5, 6] }]);
  });
  it('takes a few bytes for a group of readings a second apart, however many', () => {
    const times = Array.from({ length: 100 }, (_, i) => 1_790_000_000_000 + i * 1000);
    expect(encodeManifest([withTimes(times)]).length).toBe(1 + 1 + 8 + 2 + 1);
  });
  it.each([
    ['a truncated group', encodeManifest([group([...R1, ...R2])]).slice(0, -1)],
    ['a count beyond the bytes', new Uint8Array([3, 100, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['a run beyond the count', new Uint8Array([3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 5])],
  ])('refuses %s', (_name, bytes) => {
    expect(() => decodeManifest(bytes)).toThrow();
  });
  it.each([1, 2, 4, 9])('checks a reading alone as it checks it among a group of %i', (n) => {
    const c = new ReadingChecker();
    const values = new Float64Array(Array.from({ length: n }, (_, i) => [1000 * i, 4 + i / 10, i, 1000 * i + 5, i % 3]).flat());
    const all = new Uint16Array(n);
    expect(c.checkAll(values, all, 0)).toBe(n);
    expect([...all]).toEqual(Array.from({ length: n }, (_, i) => c.check(values, i * 5)));
  });

  it('gives each reading a check that changes with any of its fields', () => {
    const c = new ReadingChecker();
    const checks = decodeChecks(encodeChecks([group([...R1, ...R2])], c));
    expect(checks).toHaveLength(2);
    for (let i = 0; i < 5; i++) {
      const edited = new Float64Array(R1);
      edited[i] = edited[i]! + 1;
      expect(c.check(edited, 0)).not.toBe(checks[0]);
    }
  });
});

describe('records chain', () => {
  const v = sha256(recordContent(['F-1', 'open']));
  it.each([
    ['another kind', { kind: 'placement' as const, id: 'F-1', version: v }],
    ['another id', { kind: 'flag' as const, id: 'F-2', version: v }],
    ['another version', { kind: 'flag' as const, id: 'F-1', version: sha256(recordContent(['F-1', 'closed'])) }],
    ['a deletion', { kind: 'flag' as const, id: 'F-1', version: undefined }],
  ])('gives an entry with %s another digest', (_name, e) => {
    expect(hex(entryDigest(sha256, e))).not.toBe(hex(entryDigest(sha256, { kind: 'flag', id: 'F-1', version: v })));
  });
  it('chains entries: a link depends on the one before', () => {
    const e = { seq: 2, kind: 'flag' as const, id: 'F-1', version: v };
    expect(sameBytes(recordLink(sha256, GENESIS, e), recordLink(sha256, sha256(new Uint8Array([1])), e))).toBe(false);
  });
});

describe('checkpoints', () => {
  const s: CheckpointStatement = { at: 1, readings: { length: 2, link: 'aa' }, records: { length: 3, link: 'bb' } };
  it('signs a fixed canonical statement', () => {
    expect(new TextDecoder().decode(checkpointBytes(s))).toBe('{"v":"coldtrace/checkpoint/v1","at":1,"readings":{"length":2,"link":"aa"},"records":{"length":3,"link":"bb"}}');
  });
  it.each([
    ['no checkpoint yet', undefined, s, true],
    ['the same heads', s, s, false],
    ['a readings link more', s, { ...s, readings: { length: 3, link: 'cc' } }, true],
    ['a records link more', s, { ...s, records: { length: 4, link: 'dd' } }, true],
  ])('moves with %s', (_name, last, next, moved) => {
    expect(headsMoved(last, next)).toBe(moved);
  });
});

describe('exportStatement', () => {
  it('names the file\'s SHA-256 in lower case', () => {
    expect(new TextDecoder().decode(exportStatement('ABCD'))).toBe('coldtrace/export/v1\nsha256:abcd\n');
  });
});
