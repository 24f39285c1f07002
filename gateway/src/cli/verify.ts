#!/usr/bin/env node
/**
 * coldtrace-verify: verifies a gateway's data directory offline (docs/security.md "Tamper evidence"): the readings
 * chain (telemetry.db; with a remote store spool.db, checked against the store the environment names as the
 * gateway's does: verify-remote.ts), the flags' and custody records' chain (registry.db) and the signed checkpoints
 * (gateway.db).
 * Names the first broken link of each; exit status 0 when everything verifies, 1 when a link is broken, 2 on a usage
 * or file error. Run it on a copy, or with the gateway stopped or running (it only reads).
 *
 *   coldtrace-verify --data-dir DIR [--public-key FILE.pem] [--json]
 *
 * The public key checks the checkpoints' signatures; default: derived from DIR/integrity/signing-key.pem.
 */
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { SqliteIntegrityLedger } from '../adapters/sqlite/integrity/ledger.js';
import { defaultSigningKeyPath } from '../adapters/sqlite/integrity/open.js';
import type { BrokenLink, VerifyReport } from '../domain/integrity/report.js';
import { verifyDiskPhotos } from './verify-photos.js';
import { remoteReadings } from './verify-remote.js';

const USAGE = 'usage: coldtrace-verify --data-dir DIR [--public-key FILE.pem] [--json]';

function open(path: string): Database.Database {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

function describe(b: BrokenLink): string {
  const where = b.record !== undefined ? `${b.record.kind} ${b.record.id}` : b.device !== undefined ? `${b.device}/${b.metric ?? ''}${b.timeIso !== undefined ? ` at ${b.timeIso}` : ''}` : '';
  return `BROKEN ${b.chain} link ${b.link} (${b.reason})${where !== '' ? `: ${where}` : ''}\n    ${b.detail}\n    expected ${b.expected}\n    found    ${b.found}`;
}

export function formatReport(r: VerifyReport): string {
  const lines: string[] = [];
  if ('unavailable' in r.readings) lines.push(`readings: not checked: ${r.readings.unavailable}`);
  else {
    lines.push(`readings: ${r.readings.length} links, ${r.readings.verified} re-derived from stored readings, ${r.readings.pruned ?? 0} with readings retention deleted; head ${r.readings.head}`);
    if (r.readings.broken !== undefined) lines.push(`  ${describe(r.readings.broken)}`);
  }
  lines.push(`records: ${r.records.length} entries, ${r.records.verified} flags and placements match their latest entry; head ${r.records.head}`);
  if (r.records.broken !== undefined) lines.push(`  ${describe(r.records.broken)}`);
  lines.push(`checkpoints: ${r.checkpoints.count}, ${r.checkpoints.verified} verified`);
  if (r.checkpoints.broken !== undefined) lines.push(`  ${describe(r.checkpoints.broken)}`);
  if (r.photos !== undefined) {
    lines.push(`photos: ${r.photos.count}, ${r.photos.verified} whose bytes hash to their chained record`);
    if (r.photos.broken !== undefined) lines.push(`  ${describe(r.photos.broken)}`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  lines.push(r.ok ? 'OK: every link verifies' : 'FAILED: see the broken link above');
  return lines.join('\n');
}

async function main(): Promise<number> {
  let values: { 'data-dir'?: string; 'public-key'?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ options: { 'data-dir': { type: 'string' }, 'public-key': { type: 'string' }, json: { type: 'boolean' } } }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const dir = values['data-dir'];
  if (dir === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const keyFile = values['public-key'] ?? defaultSigningKeyPath(dir);
  if (!existsSync(keyFile)) {
    process.stderr.write(`${keyFile}: no key there (give the gateway's public key with --public-key: GET /api/v1/integrity/public-key.pem)\n`);
    return 2;
  }
  const publicKeyPem = createPublicKey(readFileSync(keyFile)).export({ type: 'spki', format: 'pem' }).toString();
  for (const f of ['registry.db', 'gateway.db']) {
    if (!existsSync(join(dir, f))) {
      process.stderr.write(`${join(dir, f)}: missing (is ${dir} a gateway data directory?)\n`);
      return 2;
    }
  }
  const telemetryPath = join(dir, 'telemetry.db');
  const telemetry = existsSync(telemetryPath) ? open(telemetryPath) : undefined;
  const remote = telemetry === undefined ? await remoteReadings(dir, process.env) : undefined;
  if (remote !== undefined && 'problem' in remote) {
    process.stderr.write(`${remote.problem}\n`);
    return 2;
  }
  const registry = open(join(dir, 'registry.db'));
  const meta = open(join(dir, 'gateway.db'));
  try {
    const ledger = new SqliteIntegrityLedger({ telemetry: telemetry ?? remote?.db, registry, meta, publicKeyPem, readOnly: true, ...(remote !== undefined ? { remote: remote.source } : {}) });
    const chains = await ledger.verify(Date.now());
    const photos = await verifyDiskPhotos(dir, registry);
    const report = 'skipped' in photos ? { ...chains, notes: [...chains.notes, `photos: bytes not re-hashed: ${photos.skipped}`] }
      : { ...chains, ok: chains.ok && photos.broken === undefined, photos };
    process.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    telemetry?.close();
    await remote?.close();
    registry.close();
    meta.close();
  }
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`coldtrace-verify: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
