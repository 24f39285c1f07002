import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_BACKOFF, retryDelayMs, signBody, unitOf, verdictOf } from './delivery.js';

describe('verdictOf', () => {
  it.each([
    [200, 'delivered'], [202, 'delivered'], [204, 'delivered'],
    [408, 'retry'], [429, 'retry'], [500, 'retry'], [502, 'retry'], [503, 'retry'],
    [400, 'dead'], [401, 'dead'], [404, 'dead'], [409, 'dead'], [422, 'dead'], [301, 'dead'], [100, 'dead'],
  ] as const)('judges %i as %s', (status, verdict) => expect(verdictOf(status)).toBe(verdict));
});

describe('retryDelayMs', () => {
  it.each([
    { attempt: 1, unit: 0, retryAfter: undefined, ms: 1000 },
    { attempt: 2, unit: 0, retryAfter: undefined, ms: 2000 },
    { attempt: 5, unit: 0, retryAfter: undefined, ms: 16_000 },
    { attempt: 9, unit: 0, retryAfter: undefined, ms: 256_000 },
    { attempt: 10, unit: 0, retryAfter: undefined, ms: 300_000 },
    { attempt: 10_000, unit: 0, retryAfter: undefined, ms: 300_000 },
    { attempt: 1, unit: 0.5, retryAfter: undefined, ms: 900 },
    { attempt: 1, unit: 1, retryAfter: undefined, ms: 800 },
    { attempt: 0, unit: 0, retryAfter: undefined, ms: 1000 },
    { attempt: 1, unit: 0, retryAfter: 30_000, ms: 30_000 },
    { attempt: 1, unit: 0, retryAfter: 3_600_000, ms: 300_000 },
    { attempt: 3, unit: 0, retryAfter: 10, ms: 4000 },
  ])('waits $ms ms before retry $attempt (jitter $unit, Retry-After $retryAfter)', ({ attempt, unit, retryAfter, ms }) => {
    expect(retryDelayMs(attempt, unit, DEFAULT_RETRY_BACKOFF, retryAfter)).toBe(ms);
  });

  it('grows with every attempt whatever the jitter, up to the cap', () => {
    for (const u of [0, 0.3, 0.99]) {
      for (let a = 1; a < 9; a++) expect(retryDelayMs(a + 1, u)).toBeGreaterThan(retryDelayMs(a, u));
    }
  });
});

describe('signBody', () => {
  it('is sha256= and the hex HMAC-SHA256 of the exact body with the secret', () => {
    const body = '{"a":"é"}';
    expect(signBody('s3cret', body)).toBe(`sha256=${createHmac('sha256', 's3cret').update(Buffer.from(body, 'utf8')).digest('hex')}`);
    expect(signBody('s3cret', body)).not.toBe(signBody('other', body));
    expect(signBody('s3cret', body)).not.toBe(signBody('s3cret', `${body} `));
  });
});

describe('unitOf', () => {
  it('is in [0, 1) and the same for the same input', () => {
    for (const s of ['', 'a', 'hub|id|0', 'hub|id|1']) {
      expect(unitOf(s)).toBeGreaterThanOrEqual(0);
      expect(unitOf(s)).toBeLessThan(1);
      expect(unitOf(s)).toBe(unitOf(s));
    }
    expect(unitOf('hub|id|0')).not.toBe(unitOf('hub|id|1'));
  });
});
