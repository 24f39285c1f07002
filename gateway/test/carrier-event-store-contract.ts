/**
 * The CarrierEventStore contract (ports/carrier-events.ts), run against every adapter (as test/store-contract.ts is
 * for TelemetryStore): the SQLite one now, the shared PostgreSQL one when it comes.
 *
 *   describeCarrierEventStoreContract('sqlite', async () => ({ store, reopen, cleanup }));
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CarrierEvent } from '../src/domain/carrier/events.js';
import type { CarrierEventStore } from '../src/ports/carrier-events.js';

export interface CarrierStoreUnderTest {
  readonly store: CarrierEventStore;
  /** Closes the store and opens another on the same data (another replica, or a restart). */
  reopen(): Promise<CarrierEventStore>;
  cleanup(): Promise<void>;
}

const t0 = Date.UTC(2026, 11, 1, 8);

function ev(trackingNumber: string, minute: number, code: string, extra: Partial<CarrierEvent> = {}): CarrierEvent {
  const timeMs = t0 + minute * 60_000;
  return { carrier: 'dhl', trackingNumber, vocabulary: 'aftership', time: new Date(timeMs).toISOString(), timeMs, code, text: `${code} at ${minute}`, ...extra };
}

export function describeCarrierEventStoreContract(name: string, factory: () => Promise<CarrierStoreUnderTest>): void {
  describe(`CarrierEventStore contract: ${name}`, () => {
    let t: CarrierStoreUnderTest;
    let store: CarrierEventStore;
    beforeEach(async () => {
      t = await factory();
      store = t.store;
    });
    afterEach(() => t.cleanup());

    it('stores each identity once, keeps the first copy and says which were new, within one call and across calls and reopening', async () => {
      const a = ev('A1', 0, 'InTransit', { place: 'Amsterdam', position: { lat: 52.37, lon: 4.89 } });
      expect(await store.add([a, ev('A1', 1, 'Delivered'), { ...a, text: 'same event, other words' }], 1000)).toEqual([true, true, false]);
      expect(await store.add([ev('A1', 1, 'Delivered'), ev('A1', 1, 'Exception')], 2000)).toEqual([false, true]);
      store = await t.reopen();
      expect(await store.add([a], 3000)).toEqual([false]);
      const found = await store.find({ tracking: [{ carrier: 'dhl', trackingNumber: 'A1' }], shipments: [] });
      expect(found.map((e) => [e.code, e.receivedMs])).toEqual([['InTransit', 1000], ['Delivered', 1000], ['Exception', 2000]]);
      expect(found[0]).toEqual({ ...a, receivedMs: 1000 });
    });

    it('finds events by tracking number and by the shipment named on them, each once, oldest first', async () => {
      await store.add([ev('B1', 5, 'Delivered'), ev('B1', 1, 'InTransit', { shipment: 'SH-1' }), ev('B2', 3, 'InTransit', { shipment: 'SH-1' }), ev('B3', 2, 'InTransit')], 1);
      const found = await store.find({ tracking: [{ carrier: 'dhl', trackingNumber: 'B1' }], shipments: ['SH-1', 'SH-1'] });
      expect(found.map((e) => `${e.trackingNumber} ${e.code} ${e.timeMs - t0}`)).toEqual(['B1 InTransit 60000', 'B2 InTransit 180000', 'B1 Delivered 300000']);
      expect(await store.find({ tracking: [{ carrier: 'ups', trackingNumber: 'B1' }], shipments: ['SH-9'] })).toEqual([]);
    });

    it('pages tracking numbers in (carrier, number) order with their counts and the shipments named', async () => {
      await store.add([ev('C2', 1, 'x'), ev('C1', 2, 'x', { shipment: 'SH-B' }), ev('C1', 3, 'y', { shipment: 'SH-A' }), ev('C1', 4, 'z'), ev('C3', 0, 'x', { carrier: 'ups' })], 1);
      const first = await store.groups({ limit: 2 });
      expect(first).toEqual([
        { carrier: 'dhl', trackingNumber: 'C1', events: 3, firstMs: t0 + 120_000, lastMs: t0 + 240_000, named: ['SH-A', 'SH-B'] },
        { carrier: 'dhl', trackingNumber: 'C2', events: 1, firstMs: t0 + 60_000, lastMs: t0 + 60_000, named: [] },
      ]);
      expect((await store.groups({ after: first[1]!, limit: 2 })).map((g) => `${g.carrier} ${g.trackingNumber}`)).toEqual(['ups C3']);
    });

    it('counts codes per vocabulary and gives the latest events of one', async () => {
      await store.add([ev('D1', 1, 'Odd_1'), ev('D2', 2, 'Odd_1'), ev('D1', 3, 'InTransit'), ev('D1', 4, 'Odd_1', { vocabulary: 'easypost' })], 1);
      expect(await store.codes()).toEqual([
        { vocabulary: 'aftership', code: 'InTransit', events: 1, firstMs: t0 + 180_000, lastMs: t0 + 180_000 },
        { vocabulary: 'aftership', code: 'Odd_1', events: 2, firstMs: t0 + 60_000, lastMs: t0 + 120_000 },
        { vocabulary: 'easypost', code: 'Odd_1', events: 1, firstMs: t0 + 240_000, lastMs: t0 + 240_000 },
      ]);
      expect((await store.withCode('aftership', 'Odd_1', 1)).map((e) => e.trackingNumber)).toEqual(['D2']);
    });
  });
}
