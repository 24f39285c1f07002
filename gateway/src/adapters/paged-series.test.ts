import { describe, expect, it } from 'vitest';
import { H, H0, r } from '../../test/support/hour-readings.js';
import { SqliteTelemetryStore } from './sqlite/telemetry-store.js';
import { seriesByPaging, SeriesTooLargeError } from './paged-series.js';

describe('seriesByPaging', () => {
  const store = SqliteTelemetryStore.open(':memory:');
  store.writeSync(Array.from({ length: 100 }, (_, i) => r(i * 30_000, i === 41 ? 25 : 4 + (i % 3) / 10)));
  const q = { device: 'd1', metric: 'temperature', from: H0, to: H0 + H, step: 300_000 };

  it('folds pages of readings into the same buckets as the store computes, a page boundary inside a bucket', async () => {
    const paged = await seriesByPaging((x) => store.query(x), q, { page: 7 });
    expect(paged).toEqual(await store.series(q));
    expect(paged.find((b) => b.max === 25)?.start).toBe(H0 + 4 * 300_000);
  });

  it('refuses a range holding more readings than its cap', async () => {
    await expect(seriesByPaging((x) => store.query(x), q, { page: 10, maxReadings: 50 })).rejects.toBeInstanceOf(SeriesTooLargeError);
  });
});
