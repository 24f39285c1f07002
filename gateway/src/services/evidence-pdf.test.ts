import { describe, expect, it } from 'vitest';
import type { Flag } from '../domain/flags/types.js';
import type { EvidenceReport, ReportLeg } from './evidence-report.js';
import { legMarks, pdfSafe } from './evidence-pdf.js';

describe('pdfSafe', () => {
  it.each([
    ['temperature ≥ 8 °C', 'temperature >= 8 °C'],
    ['humidity ≤ 20 %', 'humidity <= 20 %'],
    ['Apotheke Müller – Köln', 'Apotheke Müller – Köln'],
    ['药房 North', '?? North'],
    ['two\nlines', 'two\nlines'],
  ])('writes %j as %j for the built-in fonts', (input, out) => {
    expect(pdfSafe(input)).toBe(out);
  });
});

describe('legMarks', () => {
  const leg = (device: string): ReportLeg => ({ device, location: { kind: 'zone', id: 'Z' }, fromMs: 0, toMs: 100, batches: [], readings: 0 });
  const episode = (device: string | undefined, startMs: number, endMs: number) => ({ device, startMs, endMs });
  const flags = [
    { episodes: [episode('S-1', 10, 20), episode('S-2', 30, 40)] },
    { episodes: [episode('S-1', 150, 160), episode(undefined, 10, 20)] },
  ] as unknown as Flag[];
  const report = { flags } as unknown as EvidenceReport;
  it("marks a flag's episodes on the leg of the same device and time only, numbered as in the flag list", () => {
    expect(legMarks(report, leg('S-1'))).toEqual([{ label: 'F1', startMs: 10, endMs: 20 }]);
    expect(legMarks(report, leg('S-2'))).toEqual([{ label: 'F1', startMs: 30, endMs: 40 }]);
    expect(legMarks(report, { ...leg('S-1'), toMs: Infinity })).toEqual([{ label: 'F1', startMs: 10, endMs: 20 }, { label: 'F2', startMs: 150, endMs: 160 }]);
  });
});
