/**
 * The scan bench (--scans) in smoke mode: it runs, every tag read is acknowledged and resolved, none is left unresolved;
 * through the LLRP portal and the edge agent too.
 */
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
    // The LLRP portal through an edge agent: every tag the reader reported is logged, resolved through the SGTINs.
    expect(r.llrp.tagsOffered).toBeGreaterThan(0);
    expect(r.llrp.readsLogged).toBe(r.llrp.tagsOffered);
    expect((r.llrp.outcomes['moved'] ?? 0) + (r.llrp.outcomes['repeat'] ?? 0)).toBe(r.llrp.tagsOffered);
  }, 120_000);
});
