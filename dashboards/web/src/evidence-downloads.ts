/**
 * Download links for the evidence export of an order or a shipment (docs/evidence.md): the PDF report, the CSV and
 * JSON of the readings behind it, and each file's SHA-256 line to check a download with `sha256sum -c`.
 */
import { h } from './dom.js';

export interface EvidenceDownload {
  readonly format: 'pdf' | 'csv' | 'json';
  readonly label: string;
  readonly href: string;
  /** The `sha256sum` line of the same file. */
  readonly sha256Href: string;
}

/** The downloads of an order's or a shipment's evidence, PDF first. */
export function evidenceDownloads(kind: 'orders' | 'shipments', id: string): EvidenceDownload[] {
  const base = `/api/v1/${kind}/${encodeURIComponent(id)}/evidence`;
  return ([['pdf', 'PDF report'], ['csv', 'Readings (CSV)'], ['json', 'Readings (JSON)']] as const)
    .map(([format, label]) => ({ format, label, href: `${base}.${format}`, sha256Href: `${base}.${format}.sha256` }));
}

/** A line of links: each file and its SHA-256. */
export function evidenceLinks(doc: Document, kind: 'orders' | 'shipments', id: string): HTMLElement {
  const items = evidenceDownloads(kind, id).flatMap((d) => [
    h(doc, 'a', { href: d.href, download: '', 'data-format': d.format }, d.label),
    ' (', h(doc, 'a', { href: d.sha256Href, 'data-format': `${d.format}.sha256`, title: `SHA-256 of the ${d.label}` }, 'SHA-256'), ') ',
  ]);
  return h(doc, 'p', { class: 'downloads', id: `${kind === 'orders' ? 'order' : 'shipment'}-evidence` }, 'Evidence: ', ...items);
}
