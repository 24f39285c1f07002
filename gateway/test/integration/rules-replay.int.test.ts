/** coldtrace-rules replay (the built CLI): the gateway's rules over a registry document and a readings file. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { custodyDocument, HOUR, iso } from '../support/registry-fixture.js';

const CLI = fileURLToPath(new URL('../../dist/cli/rules.js', import.meta.url));
const MIN = 60_000;
const t0 = Date.UTC(2026, 10, 2, 8);

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr }));
  });
}

describe('coldtrace-rules replay', () => {
  let dir: string;
  let lines: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-replay-test-'));
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(custodyDocument(t0)));
    // Zone B is at 9 °C for 45 min while B-1 is there; every minute, times as ms and as ISO strings.
    lines = [];
    for (let t = t0 + HOUR; t < t0 + 3 * HOUR; t += MIN) {
      const value = t >= t0 + 1.5 * HOUR && t < t0 + 2.25 * HOUR ? 9 : 5;
      lines.push(JSON.stringify({ device: 'S-B', metric: 'temperature', time: t % (2 * MIN) === 0 ? t : iso(t), value, unit: 'Cel' }));
    }
    writeFileSync(join(dir, 'readings.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'shuffled.jsonl'), `${[...lines, ...lines.slice(0, 20)].reverse().join('\n')}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the flags the rules find, the same for the readings shuffled and repeated', async () => {
    const at = iso(t0 + 10 * HOUR);
    const a = await run(['replay', '--registry', join(dir, 'registry.json'), '--readings', join(dir, 'readings.jsonl'), '--at', at]);
    expect(a.code, a.stderr).toBe(0);
    const out = JSON.parse(a.stdout) as { evaluatedAt: string; readings: number; flags: { id: string; metAtMs: number; related: { orders: string[] } }[] };
    expect(out.evaluatedAt).toBe(at);
    // Besides the warm spell, zone A's sensor sent nothing while B-1 was there, and zone B's last reading (t0+3h)
    // covers 3 min of B-2's stay from t0+3.5h: holes in their evidence from the first uncovered moment.
    expect(out.flags.map((f) => [f.id, f.metAtMs, f.related.orders]).sort()).toEqual([
      ['data-gap/zone@batch:B-1', t0, ['O-1']],
      ['data-gap/zone@batch:B-2', t0 + 3.5 * HOUR, ['O-2']],
      ['excursion/temperature/upper/8/consecutive/30@batch:B-1', t0 + 2 * HOUR, ['O-1']],
    ]);
    const b = await run(['replay', '--registry', join(dir, 'registry.json'), '--readings', join(dir, 'shuffled.jsonl'), '--at', at]);
    expect(JSON.parse(b.stdout).flags).toEqual(out.flags);
  });

  it('stops at a line that is not a reading, naming it', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), `${lines[0]}\n{"device":"S-B","metric":"temperature","time":"yesterday","value":4}\n`);
    const r = await run(['replay', '--registry', join(dir, 'registry.json'), '--readings', join(dir, 'bad.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad.jsonl line 2: 'time' must be ms since the epoch or an ISO 8601 time with a zone");
  });
});
