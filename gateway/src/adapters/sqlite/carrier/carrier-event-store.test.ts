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
