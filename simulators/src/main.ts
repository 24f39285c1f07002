#!/usr/bin/env node
/**
 * coldtrace-sim: device simulators as processes, for the demo and docker-compose.
 *
 *   coldtrace-sim xymd02 [--host 127.0.0.1] [--port 5020] [--units 1:4,2:20]
 *     XY-MD02 temperature/humidity sensors on Modbus TCP; each `unit:baseC` is one slave (unit id and mean °C).
 *   coldtrace-sim truck --dir DIR [--shock-every-ms N]
 *     A GPS receiver (NMEA) and an accelerometer on socat pseudo-terminals; the agent opens DIR/gps and DIR/accel.
 *   coldtrace-sim dock --dir DIR [--step-ms N] [--portal-port P]
 *     Barcode scanners at the cold room door and the packing station (docs/scans.md) on socat pseudo-terminals
 *     (the agent opens DIR/cold-door and DIR/pack-station), and an RFID portal at the loading door speaking LLRP on
 *     127.0.0.1:P (default 0: a free port, printed as `portalPort`).
 *   coldtrace-sim llrp-reader [--host H] [--port 5084] [--tags N] [--tags-per-second R] [--antennas 1,2]
 *     A UHF RFID reader speaking LLRP (docs/scans.md, "LLRP readers"): once a client has started its ROSpec it
 *     reports R tag reads a second over N SGTIN-96 tags of the demo product (serials 1..N), spread over the antennas.
 *   coldtrace-sim camera --camera DEVICE=STATION [--camera ...] [--host H] [--port P] [--auth digest:USER:PASS|basic:USER:PASS]
 *       [--clock-skew-ms N]
 *     IP cameras (docs/photos.md): each serves GET /snapshot.jpg, a JPEG showing its station and the time, on its
 *     own port (--port for the first, then the next ones; 0 = free ports), optionally behind Digest or Basic auth;
 *     the picture's overlay and EXIF capture time are in the camera's clock, off by --clock-skew-ms.
 *
 * Prints one JSON line `{"msg":"simulator ready",...}` on stdout when serving; SIGINT/SIGTERM stop it.
 */
import { parseArgs } from 'node:util';
import { startModbusTcpServer, Xymd02, type ModbusSimServer } from './devices/index.js';
import { startTruck } from './truck.js';
import { DEMO_GTIN, startDock } from './dock.js';
import { LlrpReaderSimulator, sgtin96 } from './devices/index.js';
import { startCameras } from './cameras.js';

const USAGE = 'usage: coldtrace-sim xymd02 [--host H] [--port P] [--units unit:baseC,...]\n       coldtrace-sim truck --dir DIR [--shock-every-ms N]\n       coldtrace-sim dock --dir DIR [--step-ms N] [--portal-port P]\n       coldtrace-sim llrp-reader [--host H] [--port P] [--tags N] [--tags-per-second R] [--antennas 1,2]\n       coldtrace-sim camera --camera DEVICE=STATION ... [--host H] [--port P] [--auth digest:USER:PASS]';

interface Running { readonly close: () => Promise<void>; readonly info: Record<string, unknown> }

async function startXymd02(argv: string[]): Promise<Running> {
  const { values } = parseArgs({ args: argv, options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '5020' }, units: { type: 'string', default: '1:4' } } });
  const slaves = values.units.split(',').map((spec, i) => {
    const [unit, base] = spec.split(':');
    const unitId = Number(unit);
    const baseC = base === undefined ? 4 : Number(base);
    if (!Number.isInteger(unitId) || unitId < 1 || unitId > 247 || !Number.isFinite(baseC)) throw new Error(`--units: '${spec}' is not unit:baseC (unit 1-247)`);
    // Warmer rooms are drier: a plausible humidity for each zone.
    return new Xymd02({ unitId, baseC, seed: i + 1, baseRH: baseC < 10 ? 80 : 45 });
  });
  const server: ModbusSimServer = await startModbusTcpServer(slaves, { host: values.host, port: Number(values.port) });
  return { close: () => server.close(), info: { device: 'xymd02', transport: 'modbus-tcp', host: values.host, port: server.port, units: slaves.map((s) => s.unitId) } };
}

async function startTruckSim(argv: string[]): Promise<Running> {
  const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, 'shock-every-ms': { type: 'string', default: '90000' } } });
  if (values.dir === undefined) throw new Error('--dir is required');
  const truck = await startTruck({ dir: values.dir, shockEveryMs: Number(values['shock-every-ms']) });
  return { close: () => truck.close(), info: { device: 'truck', gps: truck.gpsPath, accel: truck.accelPath } };
}

async function startDockSim(argv: string[]): Promise<Running> {
  const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, 'step-ms': { type: 'string', default: '5000' }, 'portal-port': { type: 'string', default: '0' } } });
  if (values.dir === undefined) throw new Error('--dir is required');
  const dock = await startDock({ dir: values.dir, stepMs: Number(values['step-ms']), portalPort: Number(values['portal-port']) });
  return { close: () => dock.close(), info: { device: 'dock', coldDoor: dock.coldDoorPath, portalPort: dock.portalPort, pack: dock.packPath } };
}

async function startLlrpReader(argv: string[]): Promise<Running> {
  const { values } = parseArgs({ args: argv, options: {
    host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '5084' }, tags: { type: 'string', default: '48' },
    'tags-per-second': { type: 'string', default: '50' }, antennas: { type: 'string', default: '1,2' },
  } });
  const n = Number(values.tags);
  const antennas = values.antennas.split(',').map(Number);
  if (!Number.isInteger(n) || n < 1 || antennas.some((a) => !Number.isInteger(a) || a < 1 || a > 255)) throw new Error('--tags must be a whole number >= 1, --antennas ids 1..255');
  // The demo product's GTIN has a 7-digit company prefix (9506000).
  const tags = Array.from({ length: n }, (_v, i) => sgtin96(DEMO_GTIN, i + 1, 7));
  const reader = new LlrpReaderSimulator({ host: values.host, port: Number(values.port), tags, antennas, tagsPerSecond: Number(values['tags-per-second']) });
  const port = await reader.start();
  return { close: () => reader.stop(), info: { device: 'llrp-reader', host: values.host, port, tags: n, antennas } };
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  let running: Running;
  try {
    switch (command) {
      case 'xymd02':
        running = await startXymd02(rest);
        break;
      case 'truck':
        running = await startTruckSim(rest);
        break;
      case 'dock':
        running = await startDockSim(rest);
        break;
      case 'llrp-reader':
        running = await startLlrpReader(rest);
        break;
      case 'camera':
        running = await startCameras(rest);
        break;
      default:
        console.error(USAGE);
        return 2;
    }
  } catch (e) {
    console.error(`coldtrace-sim: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  process.stdout.write(`${JSON.stringify({ msg: 'simulator ready', ...running.info })}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  return 0;
}

process.exitCode = await main();
