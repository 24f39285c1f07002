import { describe, expect, it } from 'vitest';
import { evidenceDownloads } from '../web/src/evidence-downloads.js';

describe('evidenceDownloads', () => {
  it('links the PDF, CSV and JSON of an order, each with its SHA-256 line, the id escaped', () => {
    expect(evidenceDownloads('orders', 'ORD 1/2').map((d) => [d.format, d.href, d.sha256Href])).toEqual([
      ['pdf', '/api/v1/orders/ORD%201%2F2/evidence.pdf', '/api/v1/orders/ORD%201%2F2/evidence.pdf.sha256'],
      ['csv', '/api/v1/orders/ORD%201%2F2/evidence.csv', '/api/v1/orders/ORD%201%2F2/evidence.csv.sha256'],
      ['json', '/api/v1/orders/ORD%201%2F2/evidence.json', '/api/v1/orders/ORD%201%2F2/evidence.json.sha256'],
    ]);
  });
});
