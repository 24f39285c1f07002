/**
 * A refrigerated truck for the demo: a GPS receiver driving a route and an accelerometer with occasional shocks,
 * each on a socat pseudo-terminal pair, so an edge agent reads them as it would real serial devices.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AccelSimulator, GpsSimulator, openPtyPair, type PtyPair, type Waypoint } from './devices/index.js';

/** Rotterdam port to a distribution centre near Venlo, through Eindhoven (A15, A16, A67). */
export const DEMO_ROUTE: readonly Waypoint[] = [
  { lat: 51.9496, lon: 4.1453 }, { lat: 51.8861, lon: 4.4889 }, { lat: 51.8125, lon: 4.6661 },
  { lat: 51.5881, lon: 4.7761 }, { lat: 51.4416, lon: 5.4697 }, { lat: 51.3704, lon: 6.1724 },
];

export interface TruckOptions {
  /** Directory for the pty links: `gps` and `accel` are the ends the agent opens. */
  readonly dir: string;
  /** Mean time between simulated shocks, ms. Default 90 s. */
  readonly shockEveryMs?: number;
}

export interface RunningTruck {
  readonly gpsPath: string;
  readonly accelPath: string;
  close(): Promise<void>;
}

export async function startTruck(o: TruckOptions): Promise<RunningTruck> {
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const pairs: PtyPair[] = [];
  try {
    const gpsPair = await openPtyPair({ dir, names: ['gps-sim', 'gps'] });
    pairs.push(gpsPair);
    const accelPair = await openPtyPair({ dir, names: ['accel-sim', 'accel'] });
    pairs.push(accelPair);
    const gps = new GpsSimulator({ path: gpsPair.a, route: DEMO_ROUTE, speedKmh: 80, loop: true });
    const accel = new AccelSimulator({ path: accelPair.a, sampleRateHz: 200, chunkMs: 100 });
    await gps.start();
    await accel.start();
    const every = o.shockEveryMs ?? 90_000;
    let n = 0;
    // Deterministic mix: mostly handling bumps, now and then a hard shock or a short drop.
    const timer = setInterval(() => {
      n++;
      if (n % 5 === 0) accel.injectDrop(350);
      else accel.injectShock(n % 3 === 0 ? 55 : 28, 12, 'z');
    }, every);
    timer.unref();
    return {
      gpsPath: join(dir, 'gps'), accelPath: join(dir, 'accel'),
      close: async () => {
        clearInterval(timer);
        await gps.stop();
        await accel.stop();
        for (const p of pairs) await p.close();
      },
    };
  } catch (e) {
    for (const p of pairs) await p.close();
    throw e;
  }
}
