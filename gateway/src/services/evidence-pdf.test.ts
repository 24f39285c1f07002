import { describe, expect, it } from 'vitest';
import { pdfSafe } from './evidence-pdf.js';

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
