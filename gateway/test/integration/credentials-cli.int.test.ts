/**
 * coldtrace-credentials against a real gateway with HTTP keys and MQTT credentials on: a fleet's secrets written to
 * files the edge agent reads (never printed), each node then admitted with its file's password; revoked, refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { builtCli } from '../support/cli.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

const cli = builtCli('credentials');
const ADMIN_KEY = randomBytes(32).toString('base64url');

describe('coldtrace-credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-credentials-cli-'));
  let gw: TestGateway;
  const admitted = (username: string, password: string): Promise<boolean> => mqtt.connectAsync(gw.mqttUrl, {
    clientId: `ct-${username.replace('/', '-')}`, username, password, reconnectPeriod: 0, connectTimeout: 3000,
  }).then(async (c) => { await c.endAsync(); return true; }, () => false);

  beforeAll(async () => {
    gw = await startTestGateway({ COLDTRACE_MQTT_AUTH: 'credentials', COLDTRACE_HTTP_AUTH: 'keys', COLDTRACE_ADMIN_KEY: ADMIN_KEY });
  });
  afterAll(async () => {
    await gw?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('issues a fleet into files only their owner reads, and each node logs in with its file', async () => {
    const out = join(dir, 'secrets');
    const r = await cli(['issue', 'wh1/edge-1', 'wh1/edge-2', '--out-dir', out, '--url', gw.httpUrl, '--key', ADMIN_KEY]);
    expect(r.code, r.stderr).toBe(0);
    const file = join(out, 'wh1_edge-1');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(r.stdout).not.toContain(password);
    expect(await admitted('wh1/edge-1', password)).toBe(true);
    expect(await admitted('wh1/edge-2', readFileSync(join(out, 'wh1_edge-2'), 'utf8').trim())).toBe(true);
  });

  it('refuses without an admin key, and issues nothing', async () => {
    const r = await cli(['issue', 'wh1/edge-9', '--out-dir', join(dir, 'none'), '--url', gw.httpUrl, '--key', '']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 401/);
    expect((await cli(['list', '--url', gw.httpUrl, '--key', ADMIN_KEY])).stdout).not.toContain('wh1/edge-9');
  });

  it('revokes: the node is refused from then on, and listed as revoked', async () => {
    const password = readFileSync(join(dir, 'secrets', 'wh1_edge-2'), 'utf8').trim();
    expect((await cli(['revoke', 'wh1/edge-2', '--url', gw.httpUrl, '--key', ADMIN_KEY])).code).toBe(0);
    expect(await admitted('wh1/edge-2', password)).toBe(false);
    expect((await cli(['list', '--url', gw.httpUrl, '--key', ADMIN_KEY])).stdout).toMatch(/^wh1\/edge-2\t.*\trevoked /m);
  });

  it('will not issue a reader a secret it would show nowhere', async () => {
    const r = await cli(['issue-reader', 'hub', '--url', gw.httpUrl, '--key', ADMIN_KEY]);
    expect(r.code).toBe(1);
    expect((await cli(['list', '--url', gw.httpUrl, '--key', ADMIN_KEY])).stdout).not.toContain('_events/hub');
  });
});
