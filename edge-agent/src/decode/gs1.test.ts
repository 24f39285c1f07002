import { describe, expect, it } from 'vitest';
import { decodeGs1, gs1CheckDigit, gs1Date, GS, type Gs1ErrorCode, type Gs1Fields } from './gs1.js';

/** 2026-12-07: two-digit years are read within 2026 - 49 .. 2026 + 50. */
const NOW = Date.UTC(2026, 11, 7);

// GTIN 09506000134352 and the link shapes are the examples of the GS1 Digital Link standard; SSCC 106141411234567897
// and GTIN 00614141123452 those of the General Specifications and the EPC Tag Data Standard.
const good: [string, string, Gs1Fields, string?][] = [
  ['human-readable with parentheses', '(01)09506000134352(17)201231(10)ABC123',
    { gtin: '09506000134352', expiresOn: '2020-12-31', batch: 'ABC123' }],
  ['GS1-128 with its symbology identifier and FNC1 after a variable-length lot', `]C10109506000134352` + `10ABC123${GS}17201225` + `21XYZ-9`,
    { gtin: '09506000134352', batch: 'ABC123', expiresOn: '2020-12-25', serial: 'XYZ-9' }],
  ['predefined lengths back to back without any FNC1, the lot last', '01095060001343521720122510ABC123',
    { gtin: '09506000134352', expiresOn: '2020-12-25', batch: 'ABC123' }],
  ['GS1 DataMatrix (]d2) with a leading FNC1 and a redundant one after a fixed-length element', `]d2${GS}0100614141123452${GS}11261101` + `1017`,
    { gtin: '00614141123452', producedOn: '2026-11-01', batch: '17' }],
  ['a scanner that sends | for FNC1', '0109506000134352' + '10L0T|' + '15270300', { gtin: '09506000134352', batch: 'L0T', bestBefore: '2027-03-31' }, '|'],
  ['day 00 of an expiry is the last day of the month', '(01)09506000134352(17)250200', { gtin: '09506000134352', expiresOn: '2025-02-28' }],
  ['day 00 in a leap February', '(17)240200(10)B1', { expiresOn: '2024-02-29', batch: 'B1' }],
  ['a logistic label: SSCC, content, count, lot', `(00)106141411234567897(02)00614141123452(37)48(10)LOT-7`,
    { sscc: '106141411234567897', content: '00614141123452', count: 48, batch: 'LOT-7' }],
  ['a Digital Link on id.gs1.org with qualifiers and an expiry attribute', 'https://id.gs1.org/01/09506000134352/10/ABC123/21/12345?17=201225',
    { gtin: '09506000134352', batch: 'ABC123', serial: '12345', expiresOn: '2020-12-25' }],
  ['a Digital Link on a brand domain with a path prefix, a GTIN-13 and a percent-encoded lot', 'https://example.com/gs1/01/9506000134352/10/A%2FB?linkType=gs1:pip&11=261015',
    { gtin: '09506000134352', batch: 'A/B', producedOn: '2026-10-15' }],
  ['a Digital Link read from a GS1 QR with its symbology identifier', ']Q1https://id.gs1.org/00/106141411234567897', { sscc: '106141411234567897' }],
  ['the same AI twice with the same value counts once', '(10)X(10)X', { batch: 'X' }],
];

const bad: [string, string, Gs1ErrorCode][] = [
  ['a GTIN with a wrong check digit', '(01)09506000134353(10)ABC', 'E_GS1_CHECK_DIGIT'],
  ['an SSCC with a wrong check digit', '00106141411234567898', 'E_GS1_CHECK_DIGIT'],
  ['a Digital Link with a wrong check digit', 'https://id.gs1.org/01/09506000134353', 'E_GS1_CHECK_DIGIT'],
  ['month 13', '(17)251301', 'E_GS1_DATE'],
  ['31 February', '(17)250231', 'E_GS1_DATE'],
  ['a date that is not digits', '(11)25O101', 'E_GS1_DATE'],
  ['a GTIN cut short', '010950600013', 'E_GS1_LENGTH'],
  ['a lot longer than 20 characters', '(10)ABCDEFGHIJKLMNOPQRSTU', 'E_GS1_LENGTH'],
  ['a lot with a character outside set 82', '(10)AB#1', 'E_GS1_CHARSET'],
  ['an AI the decoder does not know', '(99)INTERNAL', 'E_GS1_UNKNOWN_AI'],
  ['plain text', 'PALLET-7', 'E_GS1_SYNTAX'],
  ['nothing', '', 'E_GS1_EMPTY'],
  ['one AI twice with different values', '(10)A(10)B', 'E_GS1_REPEATED_AI'],
  ['a URI without a primary key', 'https://example.com/products/123', 'E_GS1_LINK'],
  ['a Digital Link whose qualifiers are out of order', 'https://id.gs1.org/01/09506000134352/21/1/10/A', 'E_GS1_LINK'],
];

describe('decodeGs1', () => {
  it.each(good)('decodes %s', (_name, input, fields, fnc1) => {
    const r = decodeGs1(input, { now: NOW, ...(fnc1 !== undefined ? { fnc1 } : {}) });
    expect(r).toMatchObject({ ok: true });
    if (r.ok) expect(r.code.fields).toEqual(fields);
  });

  it.each(bad)('refuses %s with a reason', (_name, input, error) => {
    const r = decodeGs1(input, { now: NOW });
    expect(r).toMatchObject({ ok: false, error });
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(10);
  });

  it('keeps every element as encoded, dates included', () => {
    const r = decodeGs1('(01)09506000134352(3103)000195(17)250200', { now: NOW });
    expect(r.ok && r.code.elements).toEqual([{ ai: '01', value: '09506000134352' }, { ai: '3103', value: '000195' }, { ai: '17', value: '250200' }]);
  });
});

describe('gs1Date', () => {
  it.each([
    ['770101', '1977-01-01'], // 51 years ahead of 2026 is in the past century
    ['760101', '2076-01-01'], // 50 ahead stays in this one
    ['000229', '2000-02-29'],
    ['010229', undefined],
    ['260400', '2026-04-30'],
    ['260000', undefined],
  ])('reads %s as %s in 2026', (yymmdd, iso) => {
    expect(gs1Date(yymmdd, NOW)).toBe(iso);
  });
});

describe('gs1CheckDigit', () => {
  it.each([['0950600013435', 2], ['10614141123456789', 7], ['0061414112345', 2], ['8061414112345', 8]])('of %s is %i', (body, digit) => {
    expect(gs1CheckDigit(body)).toBe(digit);
  });
});
