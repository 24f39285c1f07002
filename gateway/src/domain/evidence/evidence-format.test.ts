import { describe, expect, it } from 'vitest';
import { ChartBuckets } from './chart-buckets.js';
import { csvField, csvHeader, csvRecord, flagNames, jsonHead, jsonRecord, jsonTail, type ExportRow } from './export-format.js';

const row = (over: Partial<ExportRow['reading']> = {}): ExportRow => ({
  reading: { site: 'wh1', node: 'n1', device: 'S-A', metric: 'temperature', time: Date.UTC(2026, 11, 7, 1), value: 4.25, unit: 'Cel', seq: 7, receivedAt: Date.UTC(2026, 11, 7, 1, 0, 1, 5), flags: 0, ...over },
  location: { kind: 'zone', id: 'Z-A' }, batches: ['B-1', 'B-3'], legs: ['P-1', 'P-3'], segment: 0,
});

describe('evidence export format', () => {
  it.each([
    ['plain', 'plain'], ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['two\nlines', '"two\nlines"'], ['-4.5', '-4.5'],
  ])('writes the CSV field %j as %j', (input, out) => {
    expect(csvField(input)).toBe(out);
  });

  it.each([[0, []], [1, ['clock_skew']], [2, ['late']], [3, ['clock_skew', 'late']]])('names the reading flags %i', (bits, names) => {
    expect(flagNames(bits)).toEqual(names);
  });

  it('writes a reading as one CRLF record in the header order, times in UTC to the millisecond', () => {
    expect(csvHeader()).toBe('device,metric,device_time,received_at,value,unit,flags,location_kind,location_id,batches,legs,site,node,seq\r\n');
    expect(csvRecord(row({ flags: 2, value: -0.1 }))).toBe('S-A,temperature,2026-12-07T01:00:00.000Z,2026-12-07T01:00:01.005Z,-0.1,Cel,late,zone,Z-A,B-1;B-3,P-1;P-3,wh1,n1,7\r\n');
  });

  it('writes a JSON document that parses back, empty or not', () => {
    const seg = { device: 'S-A', location: { kind: 'zone' as const, id: 'Z-A' }, fromMs: 0, toMs: Infinity };
    const doc = jsonHead({ kind: 'order', id: 'O-1' }, [seg]) + jsonRecord(row(), true) + jsonRecord(row({ time: 1 }), false) + jsonTail(2);
    const parsed = JSON.parse(doc) as { segments: { to: string | null }[]; readings: { time: number; flags: string[] }[]; count: number };
    expect(parsed.segments[0]?.to).toBeNull();
    expect(parsed.readings.map((r) => r.time)).toEqual([Date.UTC(2026, 11, 7, 1), 1]);
    expect(parsed.count).toBe(2);
    expect(JSON.parse(jsonHead({ kind: 'shipment', id: 'S' }, []) + jsonTail(0))).toMatchObject({ readings: [], count: 0 });
  });
});

describe('chart buckets', () => {
  it('keeps the true min and max of every reading while the width doubles', () => {
    const chart = new ChartBuckets(10, 60_000);
    const values: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const v = i === 777 ? 30 : 4 + (i % 7) / 10;
      values.push(v);
      chart.add(1_000_000 + i * 60_000, v);
    }
    const buckets = chart.result();
    expect(buckets.length).toBeGreaterThanOrEqual(10);
    expect(buckets.length).toBeLessThanOrEqual(20);
    expect(Math.max(...buckets.map((b) => b.max))).toBe(30);
    expect(Math.min(...buckets.map((b) => b.min))).toBe(Math.min(...values));
    // Every bucket's figures are those of the readings inside it.
    for (const b of buckets) {
      const inside = values.filter((_, i) => { const t = 1_000_000 + i * 60_000; return t >= b.start && t < b.start + chart.widthMs; });
      expect([b.min, b.max]).toEqual([Math.min(...inside), Math.max(...inside)]);
    }
  });
});
