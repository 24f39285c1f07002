// npm start: the whole product on one machine, no external service. Installs and builds on first run, then starts
// the gateway (embedded MQTT broker + SQLite store + dashboard), the device simulators and the edge agent.
// Logs go to .data/logs/; Ctrl-C stops everything cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const logs = `${root}.data/logs`;

const ensure = spawnSync(process.execPath, [`${root}scripts/ensure-built.mjs`], { stdio: 'inherit' });
if (ensure.status !== 0) process.exit(ensure.status ?? 1);
// Built just now if it was not: the node flags the gateway must start with (gateway/src/node-flags.ts).
const { GATEWAY_NODE_FLAGS } = await import('../gateway/dist/node-flags.js');
mkdirSync(logs, { recursive: true });

const httpPort = process.env.COLDTRACE_HTTP_PORT ?? '8080';
const mqttPort = process.env.COLDTRACE_MQTT_PORT ?? '1883';
const modbusPort = process.env.COLDTRACE_DEMO_MODBUS_PORT ?? '5020';
const children = [];
let stopping = false;

/**
 * A child's log file. A write that fails (a full disk) drops those lines and says so once; the children's output is
 * read on regardless, so a full disk never blocks or stops them, and writing resumes when space returns.
 */
function logFile(path) {
  const fd = openSync(path, 'a');
  let failing = false;
  return {
    write(chunk) {
      try {
        writeSync(fd, chunk);
        if (failing) console.error(`coldtrace: writing ${path} again`);
        failing = false;
      } catch (e) {
        if (!failing) console.error(`coldtrace: cannot write ${path} (${e.code ?? e.message}): its lines are dropped until it can`);
        failing = true;
      }
    },
  };
}

/** Starts a child, logs to .data/logs/NAME.log, resolves with its ready line (JSON containing `readyMsg`). */
function start(name, args, { env = {}, readyMsg, baseEnv = process.env, portSetting } = {}) {
  const out = logFile(`${logs}/${name}.log`);
  // Own process group: Ctrl-C reaches only this script, which then stops the children in order.
  const child = spawn(process.execPath, args, { cwd: root, env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push({ name, child });
  let recent = '';
  child.stderr.on('data', (d) => {
    out.write(d);
    recent = (recent + d.toString()).slice(-4000);
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`coldtrace: ${name} stopped unexpectedly (${signal ?? `exit ${code}`}); last log lines:`);
    const lines = tail(`${logs}/${name}.log`);
    console.error(lines === '' ? recent : lines);
    // A port already taken (another demo, another server): say which setting moves it.
    if (portSetting !== undefined && /EADDRINUSE/.test(lines + recent)) console.error(`coldtrace: its port is in use: set ${portSetting} to another port`);
    void stop(1);
  });
  return new Promise((resolve) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      out.write(d);
      if (readyMsg === undefined) return;
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.includes(readyMsg)) {
          try { resolve(JSON.parse(line)); } catch { resolve({}); }
        }
      }
    });
    if (readyMsg === undefined) resolve({});
  });
}

function tail(file) {
  try { return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n'); } catch { return '(no log)'; }
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  console.log('\ncoldtrace: stopping ...');
  // Reverse order: agents first (they publish their offline status), the gateway last (it commits what it acked).
  for (const { name, child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => { console.error(`coldtrace: ${name} did not stop in 10 s; killing it`); child.kill('SIGKILL'); }, 10_000);
    await exited;
    clearTimeout(timer);
  }
  console.log('coldtrace: stopped');
  process.exit(code);
}
process.on('exit', () => {
  // Last resort if this script dies without stopping them: no orphaned gateway holding the ports.
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

// The demo's admin key (docs/security.md "HTTP access"): COLDTRACE_ADMIN_KEY if set, else one made on the first
// start and kept in .data/demo-admin-key (mode 0600), so the key printed below stays the same across restarts. The
// demo's own API calls, the registry CLI and the scenarios use it (COLDTRACE_API_KEY).
const adminKeyFile = `${root}.data/demo-admin-key`;
if (process.env.COLDTRACE_ADMIN_KEY === undefined && !existsSync(adminKeyFile)) writeFileSync(adminKeyFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
const adminKey = process.env.COLDTRACE_ADMIN_KEY ?? readFileSync(adminKeyFile, 'utf8').trim();
process.env.COLDTRACE_API_KEY ??= adminKey;
// The gateway refuses unknown COLDTRACE_* settings; the demo's own ones are for the simulators and agents only, and
// COLDTRACE_API_KEY for the API's callers.
const gatewayEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COLDTRACE_DEMO_') && k !== 'COLDTRACE_API_KEY'));
const gw = await start('gateway', [...GATEWAY_NODE_FLAGS, 'gateway/dist/main.js'], {
  baseEnv: gatewayEnv,
  env: { COLDTRACE_DATA_DIR: process.env.COLDTRACE_DATA_DIR ?? '.data/gateway', COLDTRACE_HTTP_PORT: httpPort, COLDTRACE_MQTT_PORT: mqttPort, COLDTRACE_ADMIN_KEY: adminKey,
    // People on duty (docs/notifications.md): the demo's policy tells the gateway's log, unless one of your own is set.
    COLDTRACE_NOTIFY_CONFIG: process.env.COLDTRACE_NOTIFY_CONFIG ?? `${root}scripts/demo-notify.yaml`, COLDTRACE_PUBLIC_URL: process.env.COLDTRACE_PUBLIC_URL ?? `http://localhost:${httpPort}` },
  readyMsg: 'gateway ready',
});
// The demo registry (sites, zones, batches, a truck shipment, orders), once: a registry kept from an earlier run
// (or edited since) is left as it is.
const { demoRegistry, demoCarrierEvents, demoStormAlert } = await import('../simulators/dist/demo-registry.js');
/** The headers of the demo's own API calls: its admin key, when the gateway's API asks for one. */
const apiHeaders = () => (process.env.COLDTRACE_API_KEY ? { authorization: `Bearer ${process.env.COLDTRACE_API_KEY}` } : {});
const known = await fetch(`${gw.httpUrl}/api/v1/registry/sites/demo-site`, { headers: apiHeaders() });
if (known.status === 404) {
  const file = `${root}.data/demo-registry.json`;
  const now = Date.now();
  writeFileSync(file, JSON.stringify(demoRegistry(now), null, 2));
  const imported = spawnSync(process.execPath, ['gateway/dist/cli/registry.js', 'import', file, '--url', gw.httpUrl, '--actor', 'demo', '--source', 'npm-start'], { cwd: root, stdio: 'inherit' });
  if (imported.status !== 0) {
    console.error('coldtrace: the demo registry was refused (above)');
    await stop(1);
  }
  // What the carrier said about the truck so far (docs/claims.md), as its feed would send it.
  const posted = await fetch(`${gw.httpUrl}/api/v1/carrier-events`, { method: 'POST', headers: { 'content-type': 'application/json', ...apiHeaders() }, body: JSON.stringify(demoCarrierEvents(now)) });
  if (!posted.ok) console.error(`coldtrace: the demo carrier events were refused: ${await posted.text()}`);
  // A storm warning on the truck's route (docs/claims.md, "Weather and disruption alerts"), as a weather service's CAP feed would send it.
  const storm = await fetch(`${gw.httpUrl}/api/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/cap+xml', ...apiHeaders() }, body: demoStormAlert(now) });
  if (!storm.ok) console.error(`coldtrace: the demo storm alert was refused: ${await storm.text()}`);
}
// Each edge node's MQTT credential (docs/security.md): issued through the API (a rotation on every start), kept
// where its agent's config reads it at every connection.
async function issueCredential(site, node) {
  const res = await fetch(`${gw.httpUrl}/api/v1/credentials/nodes/${site}/${node}`, { method: 'POST', headers: apiHeaders() });
  if (res.status !== 201) {
    console.error(`coldtrace: the gateway did not issue ${site}/${node} its MQTT credential: HTTP ${res.status} ${await res.text()}`);
    return stop(1);
  }
  mkdirSync(`${root}.data/credentials`, { recursive: true, mode: 0o700 });
  writeFileSync(`${root}.data/credentials/${site}_${node}`, `${(await res.json()).password}\n`, { mode: 0o600 });
}
await issueCredential('demo-site', 'edge-1');
await issueCredential('demo-fleet', 'truck-7');
await issueCredential('demo-site', 'dock-1');
await start('sim-xymd02', ['simulators/dist/main.js', 'xymd02', '--port', modbusPort, '--units', '1:4,2:19,3:5'], { readyMsg: 'simulator ready', portSetting: 'COLDTRACE_DEMO_MODBUS_PORT' });
await start('agent-edge-1', ['edge-agent/dist/main.js', '--config', 'edge-agent/config/demo.yaml']);
// The truck's GPS and accelerometer speak serial: pseudo-terminal pairs from socat stand in for the cables.
const hasSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
let truckLine = '  Truck          not started: its serial ports need socat (apt-get install socat)';
if (hasSocat) {
  await start('sim-truck', ['simulators/dist/main.js', 'truck', '--dir', '.data/pty', '--shock-every-ms', '45000'], { readyMsg: 'simulator ready' });
  await start('agent-truck-7', ['edge-agent/dist/main.js', '--config', 'edge-agent/config/demo-truck.yaml']);
  truckLine = '  Truck          truck-7: NMEA GPS and accelerometer on .data/pty/{gps,accel} (socat pseudo-terminals)';
  // The dock (docs/scans.md): a barcode scanner at the cold room door and an RFID portal (LLRP, a free port) at the loading door.
  const dockSim = await start('sim-dock', ['simulators/dist/main.js', 'dock', '--dir', '.data/pty'], { readyMsg: 'simulator ready' });
  // Two IP cameras behind Digest auth on free ports (docs/photos.md): the dock agent takes the packing and loading photos.
  const cams = await start('sim-cameras', ['simulators/dist/main.js', 'camera', '--camera', 'pack-cam-1=Packing station 1', '--camera', 'dock-cam-1=Loading dock 1', '--auth', 'digest:admin:demo-camera'], { readyMsg: 'simulator ready' });
  const camUrl = (device) => cams.cameras?.find((c) => c.device === device)?.url;
  await start('agent-dock-1', ['edge-agent/dist/main.js', '--config', 'edge-agent/config/demo-dock.yaml'], {
    env: { COLDTRACE_DEMO_GATEWAY_URL: gw.httpUrl, COLDTRACE_DEMO_PORTAL_PORT: String(dockSim.portalPort), COLDTRACE_DEMO_PACK_CAMERA_URL: camUrl('pack-cam-1'), COLDTRACE_DEMO_DOCK_CAMERA_URL: camUrl('dock-cam-1') },
  });
  truckLine += `\n  Dock           dock-1: pallets scanned into the cold room and loaded on SH-7-0002 through the RFID portal (LLRP, 127.0.0.1:${dockSim.portalPort}): ${gw.httpUrl}/api/v1/scans, ${gw.httpUrl}/api/v1/orders/ORD-1004/timeline`;
  truckLine += `\n  Cameras        pack-cam-1 ${camUrl('pack-cam-1')}, dock-cam-1 ${camUrl('dock-cam-1')} (Digest admin/demo-camera): photos of the packing and the loading on ORD-1004's timeline, ${gw.httpUrl}/api/v1/photos`;
} else {
  console.log(truckLine);
}
// The scenarios (docs/scenarios.md): a warehouse day and a reefer trip, their past replayed through MQTT at 600x and
// only then registered, so their flags land on their orders within about two minutes; the warehouse's zones go on
// live. Their ids (wd-*, rt-*, ORD-WD-*, ORD-RT-*, carrier Polar Freight) are not the demo's. A later start with the
// same data finds them registered and only resumes the live part.
await start('scenarios', ['simulators/dist/scenario.js', '--scenario', 'warehouse-day,reefer-trip', '--gateway', gw.httpUrl, '--mqtt', gw.mqttUrl, '--speed', '600', '--live', '--resume', '--credentials']);

console.log(`
Coldtrace is running.
  Dashboard      ${gw.httpUrl}/   (sign in with the admin key below)
  Admin key      ${adminKey}
                 (API: Authorization: Bearer <key>; keys per role: POST ${gw.httpUrl}/api/v1/keys, docs/security.md)
  HTTP API       ${gw.httpUrl}/openapi.json   (readings: ${gw.httpUrl}/api/v1/readings?device=cold-room-1)
  Orders         ${gw.httpUrl}/api/v1/orders/ORD-1001/timeline   (evidence: ${gw.httpUrl}/api/v1/evidence/orders/ORD-1001)
  Registry       ${gw.httpUrl}/api/v1/registry   (import/export: node gateway/dist/cli/registry.js --help)
  MQTT broker    ${gw.mqttUrl}
  Modbus TCP     127.0.0.1:${modbusPort} (XY-MD02 simulator, units 1-3: cold room, ambient store, packing station)
${truckLine}
  Scenarios      warehouse-day and reefer-trip replaying at 600x; flags within ~2 min: ${gw.httpUrl}/api/v1/flags?order=ORD-RT-201 (docs/scenarios.md)
  Logs           .data/logs/
Press Ctrl-C to stop.`);
