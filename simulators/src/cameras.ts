/**
 * `coldtrace-sim camera`: one or more IP camera simulators in one process (devices/ip-camera.ts), for the demo and
 * docker-compose: `--camera pack-cam-1="Packing station 1"` each, on consecutive ports from `--port` (0: free ports).
 */
import { parseArgs } from 'node:util';
import { startIpCamera, type IpCamera, type IpCameraAuth } from './devices/index.js';

function parseAuth(spec: string | undefined): IpCameraAuth | undefined {
  if (spec === undefined || spec === 'none') return undefined;
  const [scheme, username, ...rest] = spec.split(':');
  const password = rest.join(':');
  if ((scheme !== 'digest' && scheme !== 'basic') || !username || !password) throw new Error(`--auth: '${spec}' is not digest:USER:PASS or basic:USER:PASS`);
  return { scheme, username, password };
}

export async function startCameras(argv: string[]): Promise<{ close: () => Promise<void>; info: Record<string, unknown> }> {
  const { values } = parseArgs({ args: argv, options: {
    camera: { type: 'string', multiple: true }, host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '0' }, auth: { type: 'string' },
    'clock-skew-ms': { type: 'string', default: '0' },
  } });
  const specs = (values.camera ?? []).map((c) => {
    const eq = c.indexOf('=');
    if (eq <= 0 || eq === c.length - 1) throw new Error(`--camera: '${c}' is not DEVICE=STATION`);
    return { device: c.slice(0, eq), station: c.slice(eq + 1) };
  });
  if (specs.length === 0) throw new Error('--camera DEVICE=STATION is required');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: '${values.port}' is not a port`);
  const auth = parseAuth(values.auth);
  const clockSkewMs = Number(values['clock-skew-ms']);
  if (!Number.isFinite(clockSkewMs)) throw new Error(`--clock-skew-ms: '${values['clock-skew-ms']}' is not a number`);
  const cameras: IpCamera[] = [];
  try {
    for (const [i, s] of specs.entries()) cameras.push(await startIpCamera({ ...s, host: values.host, port: port === 0 ? 0 : port + i, clockSkewMs, ...(auth ? { auth } : {}) }));
  } catch (e) {
    await Promise.all(cameras.map((c) => c.close()));
    throw e;
  }
  return {
    close: async () => void (await Promise.all(cameras.map((c) => c.close()))),
    info: { device: 'camera', auth: auth?.scheme ?? 'none', cameras: specs.map((s, i) => ({ ...s, url: cameras[i]!.snapshotUrl })) },
  };
}
