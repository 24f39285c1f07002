/**
 * Tamper evidence end to end (issue #17, docs/security.md "Tamper evidence"): a real gateway ingests over MQTT,
 * raises a flag and holds custody records; verification over HTTP and with coldtrace-verify is clean; then one
 * stored reading, one flag row and one placement row are edited directly in copies of the data directory and each
 * is named as the broken link, over HTTP by a gateway started on the copy too. Evidence exports are signed: the
 * signature checks offline with coldtrace-verify-export and fails on an edited file.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { dataTopic } from '@coldtrace/contract';
import { startGateway } from '../../src/gateway.js';
import { decodeChunk, encodeChunk } from '../../src/adapters/sqlite/chunk.js';
import type { VerifyReport } from '../../src/domain/integrity/report.js';
import { getJson, testConfig } from '../support/gateway.js';
import { HOUR } from '../support/registry-fixture.js';
import { startCustodyWorld, type CustodyWorld } from '../support/custody-world.js';
import { builtCli } from '../support/cli.js';

const verifyCli = builtCli('verify');
const verifyExport = builtCli('verify-export');
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;

describe('tamper evidence: chains, verification and signed exports', () => {
  let world: CustodyWorld;
  let api: string;
  let asOf: number;
  const scratch = mkdtempSync(join(tmpdir(), 'coldtrace-integrity-'));
  /** The data directory, copied after a clean close (the ingest log written into chunks). */
  const closedDir = join(scratch, 'closed');

  beforeAll(async () => {
    world = await startCustodyWorld(t0);
    api = world.api;
    for (const device of ['S-A', 'S-B', 'S-DEST', 'T-1']) {
      const readings = [];
      for (let t = t0 - 2 * HOUR, i = 0; t < t0 + 7 * HOUR; t += 10 * 60_000, i++) readings.push({ metric: 'temperature', value: 4 + (i % 5) / 10, unit: 'Cel', time: t });
      await world.client.publishAsync(dataTopic('wh1', 'node-c', device), JSON.stringify({ v: 1, seq: 1, time: t0, readings }), { qos: 1 });
    }
    // S-B warm for an hour while B-1 is in zone B: the rules raise a flag (a record of the records chain).
    const warm = [];
    for (let t = t0 + 1.5 * HOUR; t < t0 + 2.5 * HOUR; t += 60_000) warm.push({ metric: 'temperature', value: 9.5, unit: 'Cel', time: t });
    await world.client.publishAsync(dataTopic('wh1', 'node-c', 'S-B'), JSON.stringify({ v: 1, seq: 2, time: t0, readings: warm }), { qos: 1 });
    await world.gw.rules.idle();
    asOf = Date.now();
  });
  afterAll(async () => {
    await world.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('verifies an untouched gateway clean over HTTP, with readings, flags and placements chained', async () => {
    const report = await getJson<VerifyReport>(`${api}/integrity/verify`);
    expect(report.ok, JSON.stringify(report)).toBe(true);
    expect(report.readings).toMatchObject({ length: 5 });
    expect(report.records.length).toBeGreaterThan(4);
    const flags = await getJson<{ flags: unknown[] }>(`${api}/flags`);
    expect(flags.flags.length).toBeGreaterThan(0);
  });

  it('signs a checkpoint on request and serves it with the public key', async () => {
    const res = await fetch(`${api}/integrity/checkpoints`, { method: 'POST' });
    expect(res.status).toBe(200);
    const cps = await getJson<{ seq: number; readings: { length: number } }[]>(`${api}/integrity/checkpoints`);
    expect(cps[0]?.readings.length).toBe(5);
    const key = await getJson<{ algorithm: string; pem: string; fingerprint: string }>(`${api}/integrity/public-key`);
    expect(key.algorithm).toBe('Ed25519');
    expect(key.pem).toContain('BEGIN PUBLIC KEY');
    expect((await getJson<VerifyReport>(`${api}/integrity/verify`)).checkpoints.verified).toBeGreaterThan(0);
  });

  it.each(['csv', 'json', 'pdf'])('signs the %s export: the signature checks offline and fails on an edited file', async (format) => {
    const res = await fetch(`${api}/orders/O-1/evidence.${format}?asOf=${asOf}`);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const sig = await (await fetch(`${api}/orders/O-1/evidence.${format}.sig?asOf=${asOf}`)).text();
    expect(res.headers.get('x-coldtrace-signature')).toBe(sig.trim());
    const pem = await (await fetch(`${api}/integrity/public-key.pem`)).text();
    const [file, sigFile, keyFile] = [join(scratch, `e.${format}`), join(scratch, `e.${format}.sig`), join(scratch, 'key.pem')];
    writeFileSync(file, bytes);
    writeFileSync(sigFile, sig);
    writeFileSync(keyFile, pem);
    expect(await verifyExport([file, sigFile, keyFile])).toMatchObject({ code: 0 });
    const edited = Buffer.from(bytes);
    const at = Math.floor(edited.length / 2);
    edited[at] = edited[at]! ^ 1;
    writeFileSync(file, edited);
    const failed = await verifyExport([file, sigFile, keyFile]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('FAILED');
  });

  it('prints the key fingerprint and the CSV signature in the PDF', async () => {
    const pdf = Buffer.from(await (await fetch(`${api}/orders/O-1/evidence.pdf?asOf=${asOf}`)).arrayBuffer());
    const { fingerprint } = await getJson<{ fingerprint: string }>(`${api}/integrity/public-key`);
    const csvSig = (await (await fetch(`${api}/orders/O-1/evidence.csv.sig?asOf=${asOf}`)).text()).trim();
    // pdfkit writes text as hex glyph strings: look for the text in the page content after decoding it.
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
    const text = (await (await doc.getPage(1)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('');
    await doc.destroy();
    expect(text).toContain(fingerprint);
    expect(text.replace(/\s/g, '')).toContain(csvSig);
  });

  describe('after edits in the database', () => {
    beforeAll(async () => {
      await world.gw.close();
      cpSync(world.gw.dataDir, closedDir, { recursive: true });
    });

    /** A copy of the closed data directory with `edit` applied to one of its files. */
    function tampered(name: string, file: string, edit: (db: Database.Database) => void): string {
      const dir = join(scratch, name);
      cpSync(closedDir, dir, { recursive: true });
      const db = new Database(join(dir, file));
      edit(db);
      db.close();
      return dir;
    }

    it('verifies the closed data directory clean offline', async () => {
      const out = await verifyCli(['--data-dir', closedDir]);
      expect(out.code, out.stdout + out.stderr).toBe(0);
      expect(out.stdout).toContain('OK: every link verifies');
    });

    it('names an edited reading: device, metric, time, link, expected and found hash', async () => {
      const dir = tampered('reading', 'telemetry.db', (db) => {
        const row = db.prepare("SELECT c.id, c.data FROM chunks c JOIN series s ON s.id = c.series_id WHERE s.device = 'S-A' ORDER BY c.hour LIMIT 1").get() as { id: number; data: Buffer };
        const v = decodeChunk(row.data).slice();
        v[1] = 2.0; // the first reading's value
        db.prepare('UPDATE chunks SET data = ? WHERE id = ?').run(encodeChunk(v), row.id);
      });
      const out = await verifyCli(['--data-dir', dir, '--json']);
      expect(out.code).toBe(1);
      const report = JSON.parse(out.stdout) as VerifyReport;
      expect(report.readings).toMatchObject({ broken: { chain: 'readings', reason: 'content', device: 'S-A', metric: 'temperature', time: t0 - 2 * HOUR } });
      // A gateway started on the tampered directory says the same over HTTP.
      const gw = await startGateway({ config: testConfig(dir) });
      try {
        const http = await getJson<VerifyReport>(`${gw.httpUrl}/api/v1/integrity/verify`);
        expect(http.ok).toBe(false);
        expect(http.readings).toMatchObject({ broken: { reason: 'content', device: 'S-A', time: t0 - 2 * HOUR } });
      } finally {
        await gw.close();
      }
    });

    it('names an edited flag row', async () => {
      const dir = tampered('flag', 'registry.db', (db) => db.exec("UPDATE flag SET severity = 'minor'"));
      const out = await verifyCli(['--data-dir', dir, '--json']);
      expect(out.code).toBe(1);
      const report = JSON.parse(out.stdout) as VerifyReport;
      expect(report.records.broken).toMatchObject({ chain: 'records', reason: 'content', record: { kind: 'flag' } });
      expect(report.records.broken?.expected).not.toBe(report.records.broken?.found);
    });

    it('names an edited placement row', async () => {
      const dir = tampered('placement', 'registry.db', (db) => db.exec("UPDATE placement SET from_ms = from_ms - 3600000 WHERE id = 'P-B1-B'"));
      const out = await verifyCli(['--data-dir', dir]);
      expect(out.code).toBe(1);
      expect(out.stdout).toMatch(/BROKEN records link \d+ \(content\): placement P-B1-B/);
    });

    it('names a checkpoint the chain no longer matches when the readings chain is cut back', async () => {
      const dir = tampered('cut', 'telemetry.db', (db) => db.exec('DELETE FROM integrity_commits WHERE id = (SELECT max(id) FROM integrity_commits)'));
      const out = await verifyCli(['--data-dir', dir, '--json']);
      expect(out.code).toBe(1);
      expect((JSON.parse(out.stdout) as VerifyReport).checkpoints.broken).toMatchObject({ reason: 'checkpoint' });
    });
  });
});

