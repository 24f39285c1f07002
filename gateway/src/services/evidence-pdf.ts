/**
 * Draws the PDF evidence report (issue #16, docs/evidence.md) with pdfkit: page 1 (and more when long) the subject,
 * the SHA-256 of the CSV it summarises, its custody legs and its flags with their evidence numbers; then one page per
 * leg with its temperature chart. The document is dated from the data (EvidenceReport.dataTimeMs), and pdfkit derives
 * the file id from that date and the document info, so the same report gives the same bytes.
 */
import * as pdfkit from 'pdfkit';
import type { Flag } from '../domain/flags/types.js';
import { EXPORT_FORMAT } from '../domain/evidence/export-format.js';
import { calibrationLine } from '../domain/evidence/leg-calibration.js';
import { drawLegChart, type ChartMark, type Doc } from './evidence-pdf-chart.js';
import type { EvidenceReport, ReportLeg } from './evidence-report.js';
import { drawReportPhotos } from './evidence-pdf-photos.js';

/** pdfkit's ES module exports the document class as default; its types describe the CommonJS `module.exports`. */
const PDFDocument = (pdfkit as unknown as { default: typeof pdfkit }).default;

const MARGIN = 50;

/** Characters of Windows-1252 outside Latin-1: with Latin-1, what the PDF's built-in fonts can show. */
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

/**
 * Text as the built-in fonts can show it: ≥ and ≤ (in rule titles) spelled out, any other character they lack as `?`
 * rather than a wrong glyph. Names in other scripts need an embedded Unicode font (docs/evidence.md, "Not yet").
 */
export function pdfSafe(s: string): string {
  return s.replaceAll('≥', '>=').replaceAll('≤', '<=').replace(/[^\n\x20-\x7e\xa0-\xff]/gu, (c) => (WIN_ANSI_EXTRA.includes(c) ? c : '?'));
}
const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : 'open');
const fmtNum = (n: number | undefined): string => (n === undefined ? '-' : String(Number(n.toFixed(2))));
const minutes = (ms: number): string => `${fmtNum(ms / 60_000)} min`;

const legTitle = (leg: ReportLeg, i: number): string => `Leg ${i + 1}: ${leg.device} in ${leg.location.kind} ${leg.location.id}, ${iso(leg.fromMs)} to ${iso(leg.toMs)}`;

function heading(doc: Doc, text: string): void {
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor('#000000').text(text, MARGIN).moveDown(0.2);
  doc.font('Helvetica').fontSize(9);
}

function flagLines(f: Flag): string[] {
  const lines = [
    `${f.id}`,
    `state ${f.state}${f.active ? ', active' : ''}; condition met ${iso(f.metAtMs)}; from ${iso(f.startMs)} to ${iso(f.endMs)}`,
  ];
  for (const [i, e] of f.episodes.entries()) {
    lines.push(`episode ${i + 1}${e.device !== undefined ? ` (${e.device})` : ''}: ${iso(e.startMs)} to ${iso(e.endMs)}, ${minutes(e.durationMs)}; ` +
      `min ${fmtNum(e.min)}, max ${fmtNum(e.max)}, time-weighted mean ${fmtNum(e.twa)}, MKT ${fmtNum(e.mkt)}; ` +
      `first offending ${fmtNum(e.firstOffending.v)} at ${iso(e.firstOffending.t)}, last ${fmtNum(e.lastOffending.v)} at ${iso(e.lastOffending.t)}`);
  }
  const figures = Object.entries(f.figures).sort(([a], [b]) => (a < b ? -1 : 1));
  if (figures.length > 0) lines.push(figures.map(([k, v]) => `${k} ${typeof v === 'number' ? fmtNum(v) : v}`).join('; '));
  return lines;
}

function summaryPage(doc: Doc, r: EvidenceReport): void {
  const { kind, id } = r.plan.subject;
  doc.font('Helvetica-Bold').fontSize(18).text(`Evidence report: ${kind} ${id}`, MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(9).fillColor('#444444')
    .text(`Coldtrace gateway, ${EXPORT_FORMAT}. Readings received up to ${iso(r.dataTimeMs)}. All times UTC, device time unless said.`).fillColor('#000000');
  heading(doc, kind === 'order' ? 'Order' : 'Shipment');
  for (const [label, value] of r.summary) doc.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font('Helvetica').text(value);

  heading(doc, 'Readings behind this report');
  doc.text(`${r.csv.readings} readings in ${r.csv.name} (${r.csv.bytes} bytes). Its SHA-256:`);
  doc.font('Courier').fontSize(8.5).text(r.csv.sha256).font('Helvetica').fontSize(9);
  doc.text(`Check a downloaded file with: sha256sum ${r.csv.name}`);
  if (r.csv.signature !== undefined) {
    doc.text(`Signed with Ed25519 by the gateway key whose SHA-256 fingerprint is:`);
    doc.font('Courier').fontSize(8.5).text(r.csv.signature.keyFingerprint).font('Helvetica').fontSize(9);
    doc.text('Signature of the CSV (base64):');
    doc.font('Courier').fontSize(8.5).text(r.csv.signature.signature).font('Helvetica').fontSize(9);
    doc.text(`Check it offline: coldtrace-verify-export ${r.csv.name} ${r.csv.name}.sig public-key.pem (docs/evidence.md "Signatures")`);
  }
  const limits = r.limits.map((l) => `${l.bound} ${l.value}`).join(', ');
  doc.text(`Temperature limits of the products: ${limits === '' ? 'none registered' : limits}`);

  heading(doc, `Custody legs (${r.legs.length})`);
  if (r.legs.length === 0) doc.text('No device was with the goods.');
  for (const [i, leg] of r.legs.entries()) {
    const range = leg.chart === undefined ? 'no temperature' : `temperature ${fmtNum(leg.chart.min)} to ${fmtNum(leg.chart.max)}`;
    doc.text(`${legTitle(leg, i)}; batches ${leg.batches.join(', ') || '-'}; ${leg.readings} readings; ${range}`);
    if (leg.calibration !== undefined) doc.text(calibrationLine(leg.calibration), { indent: 12 });
  }

  heading(doc, `Flags (${r.flags.length})`);
  if (r.flags.length === 0) doc.text('The rules raised no flag.');
  for (const [i, f] of r.flags.entries()) {
    doc.font('Helvetica-Bold').text(`F${i + 1} [${f.severity}] ${f.title}`).font('Helvetica');
    for (const line of flagLines(f)) doc.text(line, { indent: 12 });
    doc.moveDown(0.3);
  }
}

/** The episodes of the report's flags on the leg's device and time, labelled F1, F2... as in the flag list. */
export function legMarks(r: EvidenceReport, leg: ReportLeg): ChartMark[] {
  return r.flags.flatMap((f, i) => f.episodes
    .filter((e) => e.device === leg.device && e.startMs < leg.toMs && e.endMs > leg.fromMs)
    .map((e) => ({ label: `F${i + 1}`, startMs: e.startMs, endMs: e.endMs })));
}

function legPage(doc: Doc, r: EvidenceReport, leg: ReportLeg, i: number): void {
  const marks = legMarks(r, leg);
  doc.addPage();
  doc.font('Helvetica-Bold').fontSize(12).text(legTitle(leg, i), MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(9).text(`Batches: ${leg.batches.join(', ') || '-'}. Readings: ${leg.readings}. ` +
    (leg.chart === undefined ? '' : `The band spans the true minimum and maximum of the readings in each ${minutes(leg.chart.widthMs)}, held until the next reading (a gap over 30 min stays blank); shaded: a reading at or beyond a limit.`) +
    (leg.calibration?.certificates.some((c) => c.correction !== undefined) === true ? ' Values corrected by the calibration certificate in force, as the rules judge them.' : ''));
  if (leg.calibration !== undefined) doc.text(calibrationLine(leg.calibration));
  if (marks.length > 0) doc.text(`Flag episodes on this leg, marked along the top: ${[...new Set(marks.map((m) => m.label))].join(', ')}.`);
  drawLegChart(doc, leg, r.limits, { x: MARGIN + 36, y: 140, w: doc.page.width - 2 * MARGIN - 90, h: 260 }, marks);
}

/** Footer on every page: the subject, the CSV hash and the page number. */
function footers(doc: Doc, r: EvidenceReport): void {
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(7).fillColor('#666666')
      .text(`${r.plan.subject.kind} ${r.plan.subject.id} - CSV SHA-256 ${r.csv.sha256} - page ${p + 1} of ${range.count}`, MARGIN, doc.page.height - 30, { lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

export function renderEvidencePdf(r: EvidenceReport): Promise<Buffer> {
  const date = new Date(r.dataTimeMs);
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, bufferPages: true, compress: true,
    info: { Title: `Evidence report: ${r.plan.subject.kind} ${r.plan.subject.id}`, Author: 'Coldtrace gateway', Subject: `CSV SHA-256 ${r.csv.sha256}`, CreationDate: date, ModDate: date },
  });
  // Every string drawn goes through pdfSafe, the chart's labels included.
  const text = doc.text.bind(doc);
  doc.text = ((s: string, ...rest: unknown[]) => (text as (s: string, ...r: unknown[]) => Doc)(pdfSafe(String(s)), ...rest)) as typeof doc.text;
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  summaryPage(doc, r);
  for (const [i, leg] of r.legs.entries()) legPage(doc, r, leg, i);
  if (r.photos !== undefined) drawReportPhotos(doc, r.photos);
  footers(doc, r);
  doc.end();
  return done;
}
