/**
 * The demo's dock (issue #21, docs/scans.md): a barcode scanner at the cold room door and an RFID portal at the
 * loading door, each on a socat pseudo-terminal pair, so an edge agent reads them as real serial readers. A short
 * story plays once: a pallet is scanned into the cold room, a pallet of a lot the registry lacks is scanned in (and
 * created from its label), an expired pallet is refused at the door, a damaged label is kept with its reason; later
 * the portal reads the first pallet's tag and its cases' tags as it is loaded on the truck. Then the portal keeps
 * reading the truck's load now and then (repeats: custody does not move).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openPtyPair, ScannerSimulator, sscc, sscc96, type PtyPair } from './devices/index.js';

const DAY = 86_400_000;
/** The demo product's GTIN (vaccine-10 in demo-registry.ts) and the company prefix it is made of. */
export const DEMO_GTIN = '09506000134352';
const COMPANY = '9506000';

export interface DockOptions {
  readonly dir: string;
  /** Time from one step of the story to the next, ms. Default 5000. */
  readonly stepMs?: number;
  /** Wall clock, ms. */
  readonly now?: () => number;
}

export interface RunningDock {
  readonly coldDoorPath: string;
  readonly portalPath: string;
  close(): Promise<void>;
}

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export async function startDock(o: DockOptions): Promise<RunningDock> {
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const now = o.now ?? Date.now;
  const pairs: PtyPair[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    const doorPair = await openPtyPair({ dir, names: ['cold-door-sim', 'cold-door'] });
    pairs.push(doorPair);
    const portalPair = await openPtyPair({ dir, names: ['dock-portal-sim', 'dock-portal'] });
    pairs.push(portalPair);
    const door = new ScannerSimulator({ path: doorPair.a });
    const portal = new ScannerSimulator({ path: portalPair.a });
    await door.start();
    await portal.start();
    const pallet1 = sscc(0, COMPANY, 1_000_001);
    const t = now();
    const story: (() => void)[] = [
      () => door.scanLabel({ sscc: pallet1, content: DEMO_GTIN, count: 48, batch: 'VAX-2612', expiresOn: isoDay(t + 600 * DAY) }),
      () => door.scanLabel({ sscc: sscc(0, COMPANY, 1_000_002), content: DEMO_GTIN, count: 48, batch: 'VAX-2613', producedOn: isoDay(t - 10 * DAY), expiresOn: isoDay(t + 720 * DAY) }),
      () => door.scanLabel({ sscc: sscc(0, COMPANY, 1_000_003), content: DEMO_GTIN, count: 24, batch: 'VAX-2501', producedOn: isoDay(t - 800 * DAY), expiresOn: isoDay(t - 3 * DAY) }),
      () => door.writeLine(']C10109506000134353'), // a scuffed label: wrong check digit
      () => undefined,
      () => undefined,
      () => portal.writeLine(`${sscc96(pallet1, COMPANY.length)},ANT:1,RSSI:-48`),
    ];
    const step = o.stepMs ?? 5000;
    story.forEach((fn, i) => timers.push(setTimeout(fn, (i + 1) * step)));
    // The portal sees the loaded pallet again while the truck waits at the door.
    timers.push(setInterval(() => portal.writeLine(`${sscc96(pallet1, COMPANY.length)},ANT:2,RSSI:-55`), 12 * step));
    for (const x of timers) x.unref();
    return {
      coldDoorPath: join(dir, 'cold-door'), portalPath: join(dir, 'dock-portal'),
      close: async () => {
        for (const x of timers) clearTimeout(x);
        await door.stop();
        await portal.stop();
        for (const p of pairs) await p.close();
      },
    };
  } catch (e) {
    for (const p of pairs) await p.close();
    throw e;
  }
}
