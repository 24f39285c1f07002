/**
 * mqtt-packet's `debug` loggers are swapped for silent ones before anything loads them (adapters/mqtt/quiet-debug.ts),
 * and `DEBUG=mqtt-packet:*` still traces packets. Child processes: the test runner itself loads `debug` first.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../support/gateway.js';
import { spawnGateway, type GatewayProcess } from '../support/process.js';

const run = promisify(execFile);
const GATEWAY_MODULE = fileURLToPath(new URL('../../dist/gateway.js', import.meta.url));
const QUIET_MODULE = fileURLToPath(new URL('../../dist/adapters/mqtt/quiet-debug.js', import.meta.url));

async function loggersAfterLoadingTheGateway(env: Record<string, string>): Promise<{ installedFirst: boolean; quiet: number; real: number }> {
  const script = `await import(${JSON.stringify(GATEWAY_MODULE)});
    const { quietDebug } = await import(${JSON.stringify(QUIET_MODULE)});
    process.stdout.write(JSON.stringify(quietDebug));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env['PATH'] ?? '', ...env } });
  return JSON.parse(stdout) as { installedFirst: boolean; quiet: number; real: number };
}

describe('quiet debug loggers', () => {
  let gw: GatewayProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-dbg-'));
  afterAll(async () => {
    gw?.child.kill('SIGKILL');
    await gw?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('are installed before mqtt-packet creates its loggers, so none of them is the allocating kind', async () => {
    const s = await loggersAfterLoadingTheGateway({});
    expect(s.installedFirst).toBe(true);
    // mqtt-packet's parser and writer at least.
    expect(s.quiet).toBeGreaterThanOrEqual(2);
    expect(s.real).toBe(0);
  });

  it('leave a namespace enabled by DEBUG at start-up tracing: a real gateway logs the packets it parses', async () => {
    gw = await spawnGateway({ DEBUG: 'mqtt-packet:parser', COLDTRACE_DATA_DIR: dir });
    let stderr = '';
    gw.child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const client = await connect(gw.mqttUrl, 'node-dbg');
    await client.endAsync();
    await expect.poll(() => stderr).toMatch(/mqtt-packet:parser.*_parseConnect/);
  });
});
