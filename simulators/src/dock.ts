/**
 * The demo's dock (issue #21, docs/scans.md): a barcode scanner at the cold room door and one at the packing
 * station, each on a socat pseudo-terminal pair, so an edge agent reads them as real serial readers, and an RFID
 * portal at the loading door speaking LLRP over TCP (the LLRP reader simulator; the agent's `llrp` source). A short
 * story plays once: a pallet is scanned into the cold room, a pallet of a lot the registry lacks is scanned in (and
 * created from its label), an expired pallet is refused at the door, a damaged label is kept with its reason; later
 * the first pallet is scanned at the packing station (its camera takes the packing photo, docs/photos.md) and the
 * portal reads its tag as it is loaded on the truck (the loading dock's camera takes that photo). Then the portal keeps
 * reading the truck's load now and then (repeats: custody does not move). The portal reads only while a client has
 * its ROSpec started, as a real reader: a read of the story waits for that.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LlrpReaderSimulator, openPtyPair, ScannerSimulator, sscc, sscc96, type PtyPair, type SimTag } from './devices/index.js';

const DAY = 86_400_000;
/** The demo product's GTIN (vaccine-10 in demo-registry.ts) and the company prefix it is made of. */
export const DEMO_GTIN = '09506000134352';
const COMPANY = '9506000';

export interface DockOptions {
  readonly dir: string;
  /** Time from one step of the story to the next, ms. Default 5000. */
  readonly stepMs?: number;
  /** Wait before the first step, ms (a test's agent opens the ports meanwhile). Default 0. */
  readonly delayMs?: number;
  /** Wall clock, ms. */
  readonly now?: () => number;
  /** TCP port of the LLRP portal on 127.0.0.1. Default 0: a free one (`portalPort`). */
  readonly portalPort?: number;
}

export interface RunningDock {
  readonly coldDoorPath: string;
  /** The LLRP portal's TCP port on 127.0.0.1 (antennas 1 and 2). */
  readonly portalPort: number;
  readonly packPath: string;
  close(): Promise<void>;
}

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export async function startDock(o: DockOptions): Promise<RunningDock> {
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const now = o.now ?? Date.now;
  const pairs: PtyPair[] = [];
  const timers: NodeJS.Timeout[] = [];
  const closers: (() => Promise<void>)[] = [];
  /** The portal reads `tags` once a client has its ROSpec started (at once when it has). */
  const portalReads = (portal: LlrpReaderSimulator, tags: readonly SimTag[]): void => {
    if (portal.reporting) return void portal.report(tags).catch(() => undefined);
    const x = setTimeout(() => portalReads(portal, tags), 500);
    x.unref();
    timers.push(x);
  };
  try {
    const doorPair = await openPtyPair({ dir, names: ['cold-door-sim', 'cold-door'] });
    pairs.push(doorPair);
    const packPair = await openPtyPair({ dir, names: ['pack-station-sim', 'pack-station'] });
    pairs.push(packPair);
    const door = new ScannerSimulator({ path: doorPair.a });
    const portal = new LlrpReaderSimulator({ port: o.portalPort ?? 0, antennas: [1, 2] });
    closers.push(() => portal.stop());
    const pack = new ScannerSimulator({ path: packPair.a });
    await door.start();
    const portalPort = await portal.start();
    await pack.start();
    const pallet1 = sscc(0, COMPANY, 1_000_001);
    const t = now();
    const pallet1Label = { sscc: pallet1, content: DEMO_GTIN, count: 48, batch: 'VAX-2612', expiresOn: isoDay(t + 600 * DAY) };
    const story: (() => void)[] = [
      () => door.scanLabel(pallet1Label),
      () => door.scanLabel({ sscc: sscc(0, COMPANY, 1_000_002), content: DEMO_GTIN, count: 48, batch: 'VAX-2613', producedOn: isoDay(t - 10 * DAY), expiresOn: isoDay(t + 720 * DAY) }),
      () => door.scanLabel({ sscc: sscc(0, COMPANY, 1_000_003), content: DEMO_GTIN, count: 24, batch: 'VAX-2501', producedOn: isoDay(t - 800 * DAY), expiresOn: isoDay(t - 3 * DAY) }),
      () => door.writeLine(']C10109506000134353'), // a scuffed label: wrong check digit
      () => undefined,
      () => pack.scanLabel(pallet1Label),
      () => portalReads(portal, [{ epc: sscc96(pallet1, COMPANY.length), antenna: 1, rssi: -48 }]),
    ];
    const step = o.stepMs ?? 5000;
    story.forEach((fn, i) => timers.push(setTimeout(fn, (o.delayMs ?? 0) + (i + 1) * step)));
    // The portal sees the loaded pallet again while the truck waits at the door.
    const rereads = (): void => {
      const x = setInterval(() => portal.reporting && void portal.report([{ epc: sscc96(pallet1, COMPANY.length), antenna: 2, rssi: -55 }]).catch(() => undefined), 12 * step);
      x.unref();
      timers.push(x);
    };
    timers.push(setTimeout(rereads, o.delayMs ?? 0));
    for (const x of timers) x.unref();
    return {
      coldDoorPath: join(dir, 'cold-door'), portalPort, packPath: join(dir, 'pack-station'),
      close: async () => {
        for (const x of timers) clearTimeout(x);
        await door.stop();
        await portal.stop();
        await pack.stop();
        for (const p of pairs) await p.close();
      },
    };
  } catch (e) {
    for (const c of closers) await c();
    for (const p of pairs) await p.close();
    throw e;
  }
}
