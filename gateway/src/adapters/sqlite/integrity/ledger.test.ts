/**
 * Signed checkpoints and the signing key on real files: the service signs the chains' heads every interval (manual
 * time), verification checks every checkpoint against the chains, and a chain cut back or a checkpoint edited after
 * signing is named.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import Database from 'better-sqlite3';
import { H0, r } from '../../../../test/support/hour-readings.js';
import { ManualTime } from '../../../../test/support/manual-time.js';
import { IntegrityService } from '../../../services/integrity.js';
import { openDatabase } from '../database.js';
import { SqliteRegistryStore } from '../registry/registry-store.js';
import { SqliteTelemetryStore } from '../telemetry-store.js';
import { SqliteIntegrityLedger } from './ledger.js';
import { loadSigningKey } from './signing-key.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'coldtrace-ledger-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface World { store: SqliteTelemetryStore; service: IntegrityService; ledger: SqliteIntegrityLedger; time: ManualTime; close(): Promise<void> }

async function world(): Promise<World> {
  const store = SqliteTelemetryStore.open(join(dir, 'telemetry.db'), { writer: 'inline' });
  const registryDb = openDatabase(join(dir, 'registry.db'));
  const registry = new SqliteRegistryStore(registryDb);
  await registry.apply([{ op: 'put', kind: 'placements', entity: { id: 'P-1', device: 'S-1', zone: 'Z-1', from: '2026-12-01T00:00:00Z' } }], { at: 0, actor: 't', source: 'api' });
  const meta = openDatabase(join(dir, 'gateway.db'));
  const telemetry = openDatabase(join(dir, 'telemetry.db'));
  const signer = loadSigningKey(join(dir, 'integrity', 'signing-key.pem'), true);
  const ledger = new SqliteIntegrityLedger({ telemetry, registry: registryDb, meta, publicKeyPem: signer.publicKeyPem });
  const time = new ManualTime(H0);
  const service = new IntegrityService({ ledger, signer, clock: time, scheduler: time, log: pino({ level: 'silent' }), options: { checkpointIntervalMs: 60_000 } });
  return {
    store, service, ledger, time,
    close: async () => { service.close(); telemetry.close(); meta.close(); await store.close(); registryDb.close(); },
  };
}

describe('checkpoints', () => {
  it('signs the heads at start and every interval they moved, and verifies them all', async () => {
    const w = await world();
    await w.store.write([r(0)]);
    w.service.start();
    await w.store.write([r(1000)]);
    w.time.t += 60_000;
    w.time.runDue();
    w.time.t += 60_000;
    w.time.runDue(); // nothing moved: no checkpoint
    const cps = w.service.checkpoints(10);
    expect(cps.map((c) => [c.seq, c.readings.length, c.records.length])).toEqual([[2, 2, 1], [1, 1, 1]]);
    const report = await w.service.verify();
    expect(report).toMatchObject({ ok: true, readings: { length: 2, verified: 2 }, records: { length: 1, verified: 1 }, checkpoints: { count: 2, verified: 2 } });
    await w.close();
  });

  it('names the checkpoint whose signed head the chain no longer has (cut back after signing)', async () => {
    const w = await world();
    await w.store.write([r(0)]);
    await w.store.write([r(1000)]);
    w.service.checkpoint();
    const db = new Database(join(dir, 'telemetry.db'));
    db.exec('DELETE FROM integrity_commits WHERE id = 2');
    db.close();
    const report = await w.service.verify();
    expect(report.ok).toBe(false);
    expect(report.checkpoints.broken).toMatchObject({ chain: 'checkpoints', reason: 'checkpoint', link: 1, found: 'none' });
    await w.close();
  });

  it('names a checkpoint edited after signing', async () => {
    const w = await world();
    await w.store.write([r(0)]);
    w.service.checkpoint();
    const db = new Database(join(dir, 'gateway.db'));
    db.exec('UPDATE integrity_checkpoints SET readings_length = 0');
    db.close();
    expect((await w.service.verify()).checkpoints.broken).toMatchObject({ reason: 'checkpoint', link: 1, expected: 'a valid Ed25519 signature' });
    await w.close();
  });
});

describe('signing key', () => {
  it('is generated on first start with mode 0600 and read again on the next', () => {
    const path = join(dir, 'k', 'signing-key.pem');
    const a = loadSigningKey(path, true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadSigningKey(path, false).fingerprint).toBe(a.fingerprint);
  });

  it.each([
    ['a key others can read', (p: string) => { writeFileSync(p, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' })); chmodSync(p, 0o644); }, /chmod 600/],
    ['an RSA key', (p: string) => writeFileSync(p, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 }), /expected Ed25519/],
    ['no PEM', (p: string) => writeFileSync(p, 'nonsense', { mode: 0o600 }), /not a PEM private key/],
  ])('refuses %s', (_name, make, message) => {
    const path = join(dir, 'key.pem');
    make(path);
    expect(() => loadSigningKey(path, false)).toThrow(message);
  });

  it('refuses a configured key that does not exist instead of generating one', () => {
    expect(() => loadSigningKey(join(dir, 'none.pem'), false)).toThrow(/no signing key/);
  });
});
