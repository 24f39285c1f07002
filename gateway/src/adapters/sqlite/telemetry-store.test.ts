import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTelemetryStoreContract } from '../../../test/store-contract.js';
import { SqliteTelemetryStore } from './telemetry-store.js';

describeTelemetryStoreContract('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-sqlite-'));
  const path = join(dir, 'telemetry.db');
  let current = SqliteTelemetryStore.open(path);
  return Promise.resolve({
    store: current,
    reopen: async () => {
      await current.close();
      current = SqliteTelemetryStore.open(path);
      return current;
    },
    cleanup: async () => {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
