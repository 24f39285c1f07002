/**
 * The temperature chart of one custody leg in the PDF evidence report, drawn as vectors: the band from each bucket's
 * true minimum to its true maximum, the limits as dashed lines, the buckets with a reading beyond a limit shaded.
 */
import type * as pdfkit from 'pdfkit';
import type { Limit } from '../domain/registry/types.js';
import type { ReportLeg } from './evidence-report.js';

/** The document being drawn (@types/pdfkit types its module value as the document). */
export type Doc = typeof pdfkit;

export interface ChartBox { readonly x: number; readonly y: number; readonly w: number; readonly h: number }

/** A flag's episode on this leg's device, drawn as a labelled bar along the top of the chart. */
export interface ChartMark { readonly label: string; readonly startMs: number; readonly endMs: number }

/** A leg without readings for longer than this is drawn with a gap, ms. */
export const GAP_MS = 30 * 60_000;

const fmtTime = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** "Nice" tick step for a range split in about `n` parts. */
function tickStep(range: number, n: number): number {
  const raw = range / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}

/** Whether a bucket with this min and max holds a reading beyond one of the limits (inclusive bounds, docs/domain.md §8). */
export function bucketBeyond(limits: readonly Pick<Limit, 'bound' | 'value'>[], min: number, max: number): boolean {
  return limits.some((l) => (l.bound === 'upper' ? max >= l.value : min <= l.value));
}

export function drawLegChart(doc: Doc, leg: ReportLeg, limits: readonly Pick<Limit, 'bound' | 'value'>[], box: ChartBox, marks: readonly ChartMark[] = []): void {
  const chart = leg.chart;
  doc.save().lineWidth(0.5).strokeColor('#888888').rect(box.x, box.y, box.w, box.h).stroke().restore();
  if (chart === undefined) {
    doc.font('Helvetica').fontSize(9).fillColor('#444444').text('No temperature readings on this leg.', box.x + 10, box.y + box.h / 2, { lineBreak: false });
    return;
  }
  const first = chart.buckets[0]?.firstTime ?? leg.fromMs;
  const lastB = chart.buckets[chart.buckets.length - 1];
  const t0 = Math.min(first, leg.fromMs);
  // A closed leg is drawn to its end; the last bucket may reach past it and is clipped to the box.
  const t1 = Number.isFinite(leg.toMs) ? leg.toMs : (lastB?.start ?? first) + chart.widthMs;
  const values = [chart.min, chart.max, ...limits.map((l) => l.value)];
  let v0 = Math.min(...values);
  let v1 = Math.max(...values);
  const pad = Math.max((v1 - v0) * 0.08, 0.5);
  v0 -= pad;
  v1 += pad;
  const x = (t: number): number => box.x + ((t - t0) / (t1 - t0 || 1)) * box.w;
  const y = (v: number): number => box.y + box.h - ((v - v0) / (v1 - v0)) * box.h;

  // Runs of buckets drawn joined, each held until the next (readings hold their value until the next one); a gap
  // longer than GAP_MS (or two buckets) stays blank.
  const gap = Math.max(GAP_MS, 2 * chart.widthMs);
  const runs: { start: number; end: number; min: number; max: number }[][] = [];
  for (const [i, b] of chart.buckets.entries()) {
    const next = chart.buckets[i + 1];
    const end = next !== undefined && next.firstTime - b.lastTime <= gap ? next.start : b.start + chart.widthMs;
    const run = runs[runs.length - 1];
    const prev = run?.[run.length - 1];
    const held = { start: b.start, end, min: b.min, max: b.max };
    if (run !== undefined && prev !== undefined && prev.end === b.start) run.push(held);
    else runs.push([held]);
  }

  // Excursions first, under everything: a bucket holding a reading beyond a limit is shaded over the full height.
  doc.save().rect(box.x, box.y, box.w, box.h).clip().fillColor('#f4b6b6');
  // Neighbouring shaded buckets are one rectangle: no hairline seams between them.
  const shaded: { start: number; end: number }[] = [];
  for (const b of runs.flat()) {
    if (!bucketBeyond(limits, b.min, b.max)) continue;
    const last = shaded[shaded.length - 1];
    if (last !== undefined && last.end === b.start) last.end = b.end;
    else shaded.push({ start: b.start, end: b.end });
  }
  for (const b of shaded) doc.rect(x(b.start), box.y, Math.max(x(b.end) - x(b.start), 0.8), box.h).fill();
  doc.restore();

  // Value axis: ticks and grid.
  const step = tickStep(v1 - v0, 5);
  doc.save().font('Helvetica').fontSize(7).fillColor('#333333').lineWidth(0.25).strokeColor('#cccccc');
  for (let v = Math.ceil(v0 / step) * step; v <= v1; v += step) {
    doc.moveTo(box.x, y(v)).lineTo(box.x + box.w, y(v)).stroke();
    doc.text(`${Number(v.toFixed(6))}`, box.x - 34, y(v) - 3, { width: 30, align: 'right', lineBreak: false });
  }
  doc.text(chart.unit === 'Cel' ? '°C' : chart.unit, box.x - 34, box.y - 12, { width: 30, align: 'right', lineBreak: false });
  doc.text(`${fmtTime(t0)} UTC`, box.x, box.y + box.h + 4, { lineBreak: false });
  doc.text(`${fmtTime(t1)} UTC`, box.x + box.w - 80, box.y + box.h + 4, { width: 80, align: 'right', lineBreak: false });
  doc.restore();

  // The min-max band.
  doc.save().rect(box.x, box.y, box.w, box.h).clip().lineWidth(0.6).strokeColor('#1f5fa8').fillColor('#9cc3ec');
  for (const run of runs) {
    const top = run.flatMap((b) => [[x(b.start), y(b.max)], [x(b.end), y(b.max)]] as const);
    const bottom = run.flatMap((b) => [[x(b.start), y(b.min)], [x(b.end), y(b.min)]] as const).reverse();
    const [start, ...rest] = [...top, ...bottom];
    if (start === undefined) continue;
    doc.moveTo(start[0], start[1]);
    for (const [px, py] of rest) doc.lineTo(px, py);
    doc.closePath().fillAndStroke();
  }
  doc.restore();

  // Limits, dashed, labelled.
  doc.save().lineWidth(0.9).strokeColor('#c0392b').fillColor('#c0392b').font('Helvetica').fontSize(7).dash(4, { space: 3 });
  for (const l of limits) {
    doc.moveTo(box.x, y(l.value)).lineTo(box.x + box.w, y(l.value)).stroke();
    doc.text(`${l.bound} limit ${l.value}`, box.x + box.w + 3, y(l.value) - 3, { lineBreak: false });
  }
  doc.undash().restore();

  // Flag episodes: a bar along the top from the episode's start to its end, labelled with the flag's number.
  doc.save().fillColor('#7b1010').font('Helvetica-Bold').fontSize(7);
  for (const [i, m] of marks.entries()) {
    const x0 = x(Math.max(m.startMs, t0));
    const x1 = x(Math.min(m.endMs, t1));
    const top = box.y + 3 + (i % 3) * 11;
    doc.rect(x0, top, Math.max(x1 - x0, 1), 2.5).fill();
    doc.text(m.label, x0, top + 3, { lineBreak: false });
  }
  doc.restore();
}
