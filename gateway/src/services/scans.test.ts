import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { ScanInbound } from '../domain/scans/check.js';
import type { RegistryStore } from '../ports/registry.js';
import type { ScanLog } from '../ports/scans.js';
import { ScanService, ScansBusyError } from './scans.js';

/** A scan log whose first question waits until released: the service's queue fills behind it. */
function gatedLog(): { log: ScanLog; release: () => void } {
  let release = (): void => undefined;
  const gate = new Promise<void>((r) => { release = r; });
  const log: ScanLog = {
    seen: async () => { await gate; return 'logged' as const; },
    append: () => Promise.resolve(), list: () => Promise.resolve([]), counts: () => Promise.reject(new Error('unused')), batchesOf: () => Promise.resolve(new Map()),
  };
  return { log, release };
}

const message = (seq: number): ScanInbound => ({ ok: true, kind: 'scan', topic: { kind: 'scan', site: 's', node: 'n', device: 'd' }, seq, reads: [{ index: 0, time: 1, via: 'barcode', raw: 'x', flags: 0, error: { code: 'E_GS1_SYNTAX', reason: 'x' } }] });

describe('ScanService queue', () => {
  it('refuses a message beyond maxQueued at once, unacknowledged and counted, and takes messages again once the queue drains', async () => {
    const { log, release } = gatedLog();
    const scans = new ScanService({
      log, registry: { importDocument: () => Promise.reject(new Error('unused')), onChange: () => undefined }, store: {} as RegistryStore,
      clock: { now: () => 0 }, logger: pino({ level: 'silent' }), maxQueued: 2,
    });
    const first = scans.accept(message(1), 0);
    const second = scans.accept(message(2), 0);
    await expect(scans.accept(message(3), 0)).rejects.toBeInstanceOf(ScansBusyError);
    expect(scans.stats()).toEqual({ queued: 2, refusedFull: 1 });
    release();
    // Both were logged before (seen): re-sends change nothing.
    await expect(first).resolves.toEqual({ reads: 1, outcomes: {} });
    await expect(second).resolves.toEqual({ reads: 1, outcomes: {} });
    expect(scans.stats().queued).toBe(0);
    await expect(scans.accept(message(4), 0)).resolves.toMatchObject({ reads: 1 });
  });
});
