/**
 * Fuzzing the carrier event reader (issue #17): readCarrierBatch answers anything with events or problems by path,
 * never an exception and never both; accepted events carry their identity normalised (carrier lower case and
 * trimmed, tracking number upper case without spaces, time canonical UTC), so the same event sent again in another
 * spelling is the same event. COLDTRACE_FUZZ=<factor> multiplies the runs (docs/engineering.md, "Fuzzing").
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { carrierBatch, fuzzRuns, mutation } from '../../../test/support/registry-arbitraries.js';
import { eventKey, readCarrierBatch } from './events.js';
import { normaliseCarrier, normaliseTrackingNumber } from './tracking.js';

const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v) ?? 'null') as unknown;

function read(raw: unknown): ReturnType<typeof readCarrierBatch> {
  const r = readCarrierBatch(asJson(raw));
  expect(r.events.length === 0 || r.problems.length === 0).toBe(true);
  for (const p of r.problems) {
    expect(typeof p.path).toBe('string');
    expect(p.message.trim()).not.toBe('');
  }
  for (const e of r.events) {
    expect(e.carrier).toBe(normaliseCarrier(e.carrier));
    expect(e.trackingNumber).toBe(normaliseTrackingNumber(e.trackingNumber));
    expect(e.carrier).not.toBe('');
    expect(e.trackingNumber).not.toBe('');
    expect(e.time).toBe(new Date(e.timeMs).toISOString());
  }
  return r;
}

describe('carrier events under fuzzing', () => {
  it('reads generated batches, and the same events spelt otherwise to the same identities', () => {
    let accepted = 0;
    fc.assert(fc.property(carrierBatch, (batch) => {
      const r = read(batch);
      if (r.events.length === 0) return;
      accepted++;
      // The events as stored, sent again: the same identities.
      const again = read({ events: r.events.map(({ timeMs: _ms, ...e }) => ({ ...e, carrier: ` ${e.carrier.toUpperCase()}`, trackingNumber: e.trackingNumber.toLowerCase() })) });
      expect(again.problems).toEqual([]);
      expect(again.events.map(eventKey)).toEqual(r.events.map(eventKey));
    }), { numRuns: fuzzRuns(500) });
    expect(accepted).toBeGreaterThan(fuzzRuns(500) / 2);
  });

  it('answers changed batches and any JSON with events or problems by path', () => {
    const raw = fc.oneof(fc.tuple(carrierBatch, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([b, ms]) => ms.reduce<unknown>((v, m) => m(v), b)), fc.jsonValue());
    fc.assert(fc.property(raw, (v) => void read(v)), { numRuns: fuzzRuns(1000) });
  });
});
