/** Test support: the real gateway binary as a child process, so it can be killed with SIGKILL. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_FLAGS } from '../../src/node-flags.js';

export const GATEWAY_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly httpUrl: string;
  readonly mqttUrl: string;
  /** Resolves with the exit signal or code. */
  readonly exited: Promise<string>;
}

/** Starts `node gateway/dist/main.js` with the given environment and waits for its "gateway ready" log line. */
export async function spawnGateway(env: Record<string, string>, timeoutMs = 15_000): Promise<GatewayProcess> {
  if (!existsSync(GATEWAY_MAIN)) throw new Error(`${GATEWAY_MAIN} is missing: run 'npm run build' first`);
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, GATEWAY_MAIN], {
    env: { PATH: process.env['PATH'] ?? '', COLDTRACE_HTTP_HOST: '127.0.0.1', COLDTRACE_MQTT_HOST: '127.0.0.1', COLDTRACE_HTTP_PORT: '0', COLDTRACE_MQTT_PORT: '0', COLDTRACE_MQTT_AUTH: 'open', COLDTRACE_HTTP_AUTH: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise<GatewayProcess>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`gateway did not start in ${timeoutMs} ms: ${stderr}`)); }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.includes('gateway ready')) continue;
        const { httpUrl, mqttUrl } = JSON.parse(line) as { httpUrl: string; mqttUrl: string };
        clearTimeout(timer);
        resolve({ child, httpUrl, mqttUrl, exited });
      }
    });
    void exited.then((how) => { clearTimeout(timer); reject(new Error(`gateway exited (${how}) before it was ready: ${stderr}`)); });
  });
}
