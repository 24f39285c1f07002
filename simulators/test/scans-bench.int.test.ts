/** The scan bench (--scans) in smoke mode: it runs, every tag read is acknowledged and resolved, none is left unresolved. */
import { describe, expect, it } from 'vitest';
import { runScanBench } from '../src/bench/scans.js';

describe('scan bench, smoke', () => {
  it('acknowledges every read it sent and resolves each into custody (moved or already there)', async () => {
    const r = await runScanBench({ mode: 'smoke', startedAt: new Date(), log: () => undefined });
    expect(r.readsAcked).toBe(r.readsSent);
    expect(r.readsSent).toBeGreaterThan(0);
    expect(r.outcomes['unresolved'] ?? 0).toBe(0);
    expect(r.outcomes['contradiction'] ?? 0).toBe(0);
    expect((r.outcomes['moved'] ?? 0) + (r.outcomes['repeat'] ?? 0)).toBe(r.readsSent + 2000);
  }, 120_000);
});
