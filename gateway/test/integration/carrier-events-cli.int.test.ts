/** coldtrace-carrier-events (the built CLI) against a real gateway: a JSON-lines backfill, refused lines, a rerun. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtCli } from '../support/cli.js';
import { request, startTestGateway, type Body, type TestGateway } from '../support/gateway.js';

const cli = builtCli('carrier-events');

describe('coldtrace-carrier-events', () => {
  let gw: TestGateway;
  let dir: string;
  beforeAll(async () => {
    gw = await startTestGateway({ COLDTRACE_RULES: 'off' });
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-carrier-cli-'));
  });
  afterAll(async () => {
    await gw.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports JSON lines in batches, reports refused lines by number and stores the rest; a rerun stores nothing new', async () => {
    const file = join(dir, 'backfill.jsonl');
    const event = (i: number, code: string): string => JSON.stringify({ trackingNumber: `TN-${i % 3}`, time: new Date(Date.UTC(2026, 11, 1) + i * 60_000).toISOString(), code, text: `scan ${i}` });
    const lines = [
      ...Array.from({ length: 7 }, (_v, i) => event(i, 'InTransit')),
      '{not json',
      JSON.stringify({ trackingNumber: 'TN-9', time: '2026-12-01T10:00', code: 'Delivered' }),
      '',
      event(3, 'InTransit'),
      event(100, 'Delivered_001'),
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const first = await cli(['import', file, '--url', gw.httpUrl, '--carrier', 'DHL', '--vocabulary', 'aftership', '--batch', '4']);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain(`${file}:8: not JSON`);
    expect(first.stderr).toContain(`${file}:9: time: must be an ISO 8601`);
    expect(first.stdout).toContain(`${file}: 11 events: 8 new, 1 duplicates, 2 refused; 9 on no registered shipment (kept), 0 with a code`);
    const stored = await request('GET', `${gw.httpUrl}/api/v1/carrier-events?carrier=dhl&trackingNumber=TN-1`);
    expect(stored.json.events.map((e: Body) => e.text)).toEqual(['scan 1', 'scan 4', 'scan 100']);

    const again = await cli(['import', file, '--url', gw.httpUrl, '--carrier', 'DHL', '--vocabulary', 'aftership']);
    expect(again.stdout).toContain(`${file}: 11 events: 0 new, 9 duplicates, 2 refused`);
  });

  it('refuses bad usage with exit code 2', async () => {
    expect((await cli(['import'])).code).toBe(2);
    expect((await cli(['import', 'x.jsonl', '--batch', '0'])).code).toBe(2);
  });
});
