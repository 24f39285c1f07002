/** coldtrace-registry (the built CLI) against a real gateway: import JSON and CSV, export, refusals. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtCli } from '../support/cli.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { custodyDocument } from '../support/registry-fixture.js';

const cli = builtCli('registry');

describe('coldtrace-registry', () => {
  let gw: TestGateway;
  let dir: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-cli-'));
  });
  afterAll(async () => {
    await gw.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a document, exports it, and imports the export without a change', async () => {
    const file = join(dir, 'registry.json');
    writeFileSync(file, JSON.stringify(custodyDocument(Date.UTC(2026, 10, 1))));
    const first = await cli(['import', file, '--url', gw.httpUrl, '--actor', 'ops', '--source', 'wms-sync']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('placements +9 ~0 =0');
    const out = join(dir, 'export.json');
    expect((await cli(['export', '--out', out, '--url', gw.httpUrl])).code).toBe(0);
    const again = await cli(['import', out, '--url', gw.httpUrl]);
    expect(again.stdout).toContain('placements +0 ~0 =9');
    const history = await (await fetch(`${gw.httpUrl}/api/v1/registry/batches/B-1/history`)).json() as { entries: { actor: string; source: string }[] };
    expect(history.entries).toEqual([expect.objectContaining({ actor: 'ops', source: 'wms-sync' })]);
  });

  it('imports CSV files named after their kind and exports one kind as CSV', async () => {
    const zones = join(dir, 'zones.csv');
    writeFileSync(zones, 'id,site,name\nZ-NEW,WH1,Quarantine cage\n');
    const r = await cli(['import', zones, '--url', gw.httpUrl]);
    expect(r.code, r.stderr).toBe(0);
    const csv = await cli(['export', '--csv', 'zones', '--url', gw.httpUrl]);
    expect(csv.stdout.split('\n')).toContain('Z-NEW,WH1,Quarantine cage');
  });

  it('prints every problem of a refused import and exits 1, writing nothing', async () => {
    const file = join(dir, 'orders.csv');
    writeFileSync(file, 'id,customer,lines,promisedDelivery\nO-X,c,"[{""batch"":""B-404"",""quantity"":1}]",2026-12-01\nO-Y,c,[],tomorrow\n');
    const r = await cli(['import', file, '--url', gw.httpUrl]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refused, nothing written');
    expect(r.stderr).toContain("orders.csv line 2, column lines[0].batch: unknown batch 'B-404'");
    expect(r.stderr).toContain('orders.csv line 3, column lines: must have at least 1 element');
    expect(r.stderr).toContain('orders.csv line 3, column promisedDelivery');
    expect((await fetch(`${gw.httpUrl}/api/v1/registry/orders/O-X`)).status).toBe(404);
    const wrongName = join(dir, 'stuff.csv');
    writeFileSync(wrongName, readFileSync(file));
    expect((await cli(['import', wrongName, '--url', gw.httpUrl])).stderr).toContain('a CSV file is named after its kind');
  });
});
