/**
 * coldtrace-keys (the built CLI): the first admin key of a new deployment, made offline in the data directory, works
 * against the gateway at once; the CLIs that call the API send it (--key, $COLDTRACE_API_KEY); it is revoked offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtCli } from '../support/cli.js';
import { request, testConfig } from '../support/gateway.js';
import { custodyDocument } from '../support/registry-fixture.js';
import { startGateway, type RunningGateway } from '../../src/gateway.js';

const keys = builtCli('keys');
const registry = builtCli('registry');

describe('coldtrace-keys', () => {
  let dir: string;
  let gw: RunningGateway;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-keys-'));
    gw = await startGateway({ config: testConfig(join(dir, 'data'), { COLDTRACE_HTTP_AUTH: 'keys' }) });
  });
  afterAll(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes an admin key offline that the running gateway and the registry CLI accept, and revokes it', async () => {
    const made = await keys(['create', '--name', 'first admin', '--role', 'admin', '--data-dir', join(dir, 'data')]);
    expect(made.code, made.stderr).toBe(0);
    const key = made.stdout.trim();
    expect(key).toMatch(/^ctk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect((await request('GET', `${gw.httpUrl}/api/v1/session`, undefined, { authorization: `Bearer ${key}` })).json).toMatchObject({ name: 'first admin', role: 'admin' });

    const file = join(dir, 'registry.json');
    writeFileSync(file, JSON.stringify(custodyDocument(Date.UTC(2026, 10, 1))));
    const refused = await registry(['import', file, '--url', gw.httpUrl]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('an API key is needed');
    const imported = await registry(['import', file, '--url', gw.httpUrl, '--key', key]);
    expect(imported.code, imported.stderr).toBe(0);
    const exported = await registry(['export', '--url', gw.httpUrl, '--key', key]);
    expect(JSON.parse(exported.stdout)).toMatchObject({ format: 'coldtrace-registry/1' });

    const listed = await keys(['list', '--data-dir', join(dir, 'data')]);
    expect(listed.stdout).toContain(`${key.slice(4, 20)}  admin  "first admin"`);
    const revoked = await keys(['revoke', key.slice(4, 20), '--data-dir', join(dir, 'data')]);
    expect(revoked.code, revoked.stderr).toBe(0);
    // (The running gateway refuses it once its 10 s key cache expires: services/access-keys.test.ts.)
    expect((await keys(['list', '--data-dir', join(dir, 'data')])).stdout).toMatch(/"first admin".*revoked 20/);
  });

  it('refuses a bad role and names the roles', async () => {
    const bad = await keys(['create', '--name', 'x', '--role', 'root', '--data-dir', join(dir, 'data')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('viewer, operator, integration, admin');
  });
});
