import { describe, expect, it } from 'vitest';
import { eventKey, readCarrierBatch } from './events.js';

describe('readCarrierBatch', () => {
  it('fills events from the batch, normalises the identity and keeps the carrier text as given', () => {
    const r = readCarrierBatch({
      carrier: ' DHL ', trackingNumber: 'jjd 0099 9999', vocabulary: 'aftership',
      events: [
        { time: '2026-12-06T09:12:00+08:00', code: 'InTransit_007', text: '  Departed the Chaoyang depot ', place: 'Beijing', position: { lat: 39.92, lon: 116.44 } },
        { time: '2026-12-07', code: 'Delivered', shipment: 'SH-1', carrier: 'ups', trackingNumber: '1z 999' },
      ],
    });
    expect(r.problems).toEqual([]);
    expect(r.events).toEqual([
      { carrier: 'dhl', trackingNumber: 'JJD00999999', vocabulary: 'aftership', time: '2026-12-06T01:12:00.000Z', timeMs: Date.UTC(2026, 11, 6, 1, 12),
        code: 'InTransit_007', text: '  Departed the Chaoyang depot ', place: 'Beijing', position: { lat: 39.92, lon: 116.44 } },
      { carrier: 'ups', trackingNumber: '1Z999', vocabulary: 'aftership', time: '2026-12-07T00:00:00.000Z', timeMs: Date.UTC(2026, 11, 7),
        code: 'Delivered', text: '', shipment: 'SH-1' },
    ]);
  });

  it('takes the shipment for the tracking number of a carrier that tracks by our reference', () => {
    const r = readCarrierBatch({ carrier: 'coldline', shipment: 'SH-7-0001', events: [{ time: '2026-12-06', code: 'picked_up' }] });
    expect(r.events[0]).toMatchObject({ trackingNumber: 'SH-7-0001', shipment: 'SH-7-0001' });
  });

  it('gives the same key to the same event written differently', () => {
    const a = readCarrierBatch({ events: [{ carrier: 'DHL', trackingNumber: 'ab 12', time: '2026-12-06T10:00:00+01:00', code: 'delivered' }] }).events[0]!;
    const b = readCarrierBatch({ events: [{ carrier: 'dhl', trackingNumber: 'AB12', time: '2026-12-06T09:00:00.000Z', code: 'delivered', text: 'other words' }] }).events[0]!;
    expect(eventKey(a)).toBe(eventKey(b));
    expect(eventKey({ ...b, code: 'Delivered' })).not.toBe(eventKey(b));
  });

  it.each([
    ['θ!', 'ϴ!'],
    ['ß1', 'SS1'],
  ])('gives tracking numbers %s and %s, one number in two cases, the same key (found by events.fuzz.test.ts)', (one, other) => {
    const key = (trackingNumber: string): string => eventKey(readCarrierBatch({ events: [{ carrier: 'dhl', trackingNumber, time: '2026-12-06', code: 'delivered' }] }).events[0]!);
    expect(key(one)).toBe(key(other));
  });

  it.each([
    ['ᾀ', 'ἈΙ'],
    ['straße', 'STRASSE'],
    ['οδος', 'ΟΔΟΣ'],
    ['ß!', 'ẞ!'],
  ])('gives %s and %s, one carrier in two cases, the same key (found by events.fuzz.test.ts)', (lower, upper) => {
    const key = (carrier: string): string => eventKey(readCarrierBatch({ events: [{ carrier, trackingNumber: 'AB12', time: '2026-12-06', code: 'delivered' }] }).events[0]!);
    expect(key(upper)).toBe(key(lower));
    // Stored names read as themselves: the normalisation is stable ('ẞ!' once gave 'ß!', which gave 'ss!').
    const stored = readCarrierBatch({ events: [{ carrier: upper, trackingNumber: 'AB12', time: '2026-12-06', code: 'delivered' }] }).events[0]!.carrier;
    expect(key(stored)).toBe(key(upper));
  });

  it.each([
    ['a local time without a zone', { carrier: 'dhl', trackingNumber: 'X', time: '2026-12-06T10:00', code: 'delivered' }, 'events[0].time'],
    ['no tracking number here or on the batch', { carrier: 'dhl', time: '2026-12-06', code: 'delivered' }, 'events[0].trackingNumber'],
    ['no carrier', { trackingNumber: 'X', time: '2026-12-06', code: 'delivered' }, 'events[0].carrier'],
    ['an empty code', { carrier: 'dhl', trackingNumber: 'X', time: '2026-12-06', code: ' ' }, 'events[0].code'],
    ['a vocabulary nobody knows', { carrier: 'dhl', trackingNumber: 'X', time: '2026-12-06', code: 'x', vocabulary: 'fedex-ish' }, 'events[0].vocabulary'],
    ['a latitude out of range', { carrier: 'dhl', trackingNumber: 'X', time: '2026-12-06', code: 'x', position: { lat: 91, lon: 0 } }, 'events[0].position.lat'],
    ['a misspelt field', { carrier: 'dhl', trackingNumber: 'X', time: '2026-12-06', code: 'x', palce: 'Beijing' }, 'events[0].palce'],
  ])('refuses %s, naming the field, and returns no event', (_name, event, path) => {
    const r = readCarrierBatch({ events: [{ carrier: 'dhl', trackingNumber: 'OK', time: '2026-12-06', code: 'delivered' }, event] });
    expect(r.events).toEqual([]);
    expect(r.problems.map((p) => p.path)).toContain(path.replace('events[0]', 'events[1]'));
  });

  it('refuses a batch without events', () => {
    expect(readCarrierBatch({ carrier: 'dhl', events: [] }).problems).toEqual([{ path: 'events', message: 'must have at least 1 element' }]);
    expect(readCarrierBatch([]).problems[0]?.path).toBe('');
  });
});
