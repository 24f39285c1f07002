import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCarrierEventStoreContract } from '../../../../test/carrier-event-store-contract.js';
import { openDatabase } from '../database.js';
import { SqliteCarrierEventStore } from './carrier-event-store.js';

describeCarrierEventStoreContract('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-carrier-store-'));
  const open = (): SqliteCarrierEventStore => new SqliteCarrierEventStore(openDatabase(join(dir, 'carrier.db')));
  let current = open();
  return Promise.resolve({
    store: current,
    reopen: async () => {
      await current.close();
      current = open();
      return current;
    },
    cleanup: async () => {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

describe('SqliteCarrierEventStore shared by two gateways', () => {
  it('calls each event new exactly once when two connections to one file take overlapping batches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldtrace-carrier-shared-'));
    const a = new SqliteCarrierEventStore(openDatabase(join(dir, 'carrier.db')));
    const b = new SqliteCarrierEventStore(openDatabase(join(dir, 'carrier.db')));
    try {
      const events = Array.from({ length: 300 }, (_v, i) => ({ carrier: 'dhl', trackingNumber: `T${i % 7}`, vocabulary: 'coldtrace' as const, time: new Date(i * 1000).toISOString(), timeMs: i * 1000, code: 'in_transit', text: '' }));
      const answers = await Promise.all([a.add(events.slice(0, 200), 1), b.add(events.slice(100), 2), a.add(events.slice(50, 250), 3), b.add(events, 4)]);
      const newCount = new Map<number, number>();
      const slices = [[0, 200], [100, 300], [50, 250], [0, 300]] as const;
      answers.forEach((flags, k) => flags.forEach((isNew, j) => { if (isNew) newCount.set(slices[k]![0] + j, (newCount.get(slices[k]![0] + j) ?? 0) + 1); }));
      expect([...newCount.keys()].sort((x, y) => x - y)).toEqual(events.map((_e, i) => i));
      expect([...newCount.values()].every((n) => n === 1)).toBe(true);
      expect((await b.groups({ limit: 100 })).reduce((n, g) => n + g.events, 0)).toBe(300);
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
