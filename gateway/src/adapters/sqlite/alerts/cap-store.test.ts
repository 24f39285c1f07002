import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CapAlert } from '../../../domain/alerts/cap.js';
import { openDatabase } from '../database.js';
import { SqliteCapAlertStore } from './cap-store.js';

const dir = mkdtempSync(join(tmpdir(), 'coldtrace-cap-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open = (file = `alerts-${n++}.db`): SqliteCapAlertStore => new SqliteCapAlertStore(openDatabase(join(dir, file)));

const H = 3_600_000;
const T0 = Date.parse('2026-12-07T00:00:00Z');
const at = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function alert(id: string, sentMs: number, msgType: CapAlert['msgType'] = 'Alert', refs: string[] = [], expiresMs = sentMs + 6 * H): CapAlert {
  return {
    identifier: id, sender: 'met@example.org', sent: at(sentMs), sentMs, status: 'Actual', msgType,
    references: refs.map((r) => { const [sender, identifier, sent] = r.split(','); return { sender: sender!, identifier: identifier!, sent: sent! }; }),
    infos: [{ event: 'Storm', urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', expiresMs, areas: [{ areaDesc: 'Coast', polygons: [], circles: [{ center: { lat: 1, lon: 1 }, radiusKm: 5 }] }] }],
  };
}
const key = (a: CapAlert): string => `${a.sender},${a.identifier},${a.sent}`;
const origin = { source: 'http', receivedMs: T0 };

describe('SqliteCapAlertStore', () => {
  it('stores an alert once by its key and reads it back as it was', async () => {
    const s = open();
    const a = alert('A1', T0);
    expect(await s.accept(a, origin)).toEqual({ outcome: 'stored', key: key(a), ended: [] });
    expect(await s.accept(a, { source: 'poll:x', receivedMs: T0 + 1 })).toEqual({ outcome: 'duplicate', key: key(a), ended: [] });
    expect(await s.alerts(T0)).toEqual([{ key: key(a), alert: a, source: 'http', receivedMs: T0 }]);
    await s.close();
  });

  it('ends an alert at the sent time of the Update that replaces it, and keeps the Update', async () => {
    const s = open();
    const a = alert('A1', T0);
    const u = alert('A2', T0 + H, 'Update', [key(a)]);
    await s.accept(a, origin);
    expect(await s.accept(u, origin)).toEqual({ outcome: 'stored', key: key(u), ended: [key(a)] });
    const got = await s.alerts(T0);
    expect(got.map((x) => [x.key, x.endedMs, x.endedBy])).toEqual([[key(a), T0 + H, key(u)], [key(u), undefined, undefined]]);
    await s.close();
  });

  it('ends an alert by a Cancel that came before it, and leaves the earliest end', async () => {
    const s = open();
    const a = alert('A1', T0);
    await s.accept(alert('C1', T0 + 2 * H, 'Cancel', [key(a)]), origin);
    await s.accept(alert('C0', T0 + H, 'Cancel', [key(a)]), origin);
    await s.accept(alert('C2', T0 + 3 * H, 'Cancel', [key(a)]), origin);
    await s.accept(a, origin);
    const got = (await s.alerts(T0)).find((x) => x.key === key(a));
    expect([got?.endedMs, got?.endedBy?.split(',')[1]]).toEqual([T0 + H, 'C0']);
    await s.close();
  });

  it('reads only what may still be in force from a time on', async () => {
    const s = open();
    await s.accept(alert('OLD', T0, 'Alert', [], T0 + H), origin);
    await s.accept(alert('NEW', T0, 'Alert', [], T0 + 10 * H), origin);
    const ended = alert('ENDED', T0, 'Alert', [], T0 + 10 * H);
    await s.accept(ended, origin);
    await s.accept(alert('X', T0 + 2 * H, 'Cancel', [key(ended)]), origin);
    // The Cancel is a message like any other here (the rules never count one: cap-area.ts counts).
    expect((await s.alerts(T0 + 3 * H)).map((x) => x.alert.identifier)).toEqual(['NEW', 'X']);
    expect((await s.alerts(T0 + H / 2)).map((x) => x.alert.identifier).sort()).toEqual(['ENDED', 'NEW', 'OLD', 'X']);
    await s.close();
  });

  it('keeps refused documents with their reason across a restart, newest first', async () => {
    const file = 'refused.db';
    const s = open(file);
    await s.refuse('<!DOCTYPE x>', 12, { code: 'E_CAP_DTD', reason: 'a declaration' }, origin);
    await s.refuse('x'.repeat(70_000), 70_000, { code: 'E_CAP_MALFORMED', reason: 'not XML' }, { source: 'poll:http://x', receivedMs: T0 + 1 });
    await s.close();
    const again = open(file);
    const got = await again.refused(10);
    expect(got.map((r) => [r.code, r.source, r.bytes, r.document.length])).toEqual([['E_CAP_MALFORMED', 'poll:http://x', 70_000, 65_536], ['E_CAP_DTD', 'http', 12, 12]]);
    expect(got[1]!.reason).toBe('a declaration');
    await again.close();
  });
});
