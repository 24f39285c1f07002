import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { FlagPoint } from '../domain/flags/mirror.js';
import type { Flag, FlagEvent } from '../domain/flags/types.js';
import { FlagMirror } from './flag-mirror.js';

const T = Date.UTC(2026, 2, 1);
const flag = (id: string, events: FlagEvent[], over: Partial<Flag> = {}): Flag => ({
  id, rule: 'shock/shock.peak/50/instant', params: {}, subject: { kind: 'shipment', id: 'S-1' }, severity: 'major', title: 'shock', startMs: T, endMs: T,
  metAtMs: T, active: false, episodes: [], figures: { peak: 62 }, related: { devices: [], zones: ['Z-1'], batches: [], shipments: [], orders: ['O-1'] },
  state: 'open', withdrawn: false, raisedAt: T, updatedAt: events.at(-1)?.at ?? T, events, ...over,
});

describe('FlagMirror', () => {
  const world = (failOn?: number) => {
    const written: FlagPoint[][] = [];
    const mirror = new FlagMirror({
      sink: { write: (points) => (written.length === failOn ? Promise.reject(new Error('spool closed')) : (written.push([...points]), Promise.resolve())) },
      sitesOf: (zones) => Promise.resolve(zones.map((z) => `site-of-${z}`)), log: pino({ level: 'silent' }),
    });
    return { written, mirror };
  };

  it('writes one point per event with the sites of the flag\'s zones, and counts what it could not write', async () => {
    const { written, mirror } = world(1);
    const f = flag('a', [{ kind: 'raised', at: T, by: 'rules' }, { kind: 'cleared', at: T, by: 'rules' }]);
    await mirror.accept([{ flag: f, events: ['raised', 'cleared'] }]);
    expect(written[0]!.map((p) => [p.event, p.site])).toEqual([['raised', 'site-of-Z-1'], ['cleared', 'site-of-Z-1']]);
    await expect(mirror.accept([{ flag: f, events: ['cleared'] }])).resolves.toBeUndefined();
    expect(mirror.stats()).toEqual({ mirrored: 2, failed: 1 });
  });

  it('backfills the last event of every flag, withdrawn ones too, in chunks', async () => {
    const { written, mirror } = world();
    const flags = [
      flag('a', [{ kind: 'raised', at: T, by: 'rules' }, { kind: 'acknowledged', at: T + 5, by: 'qa', comment: 'seen' }], { state: 'acknowledged' }),
      flag('b', [{ kind: 'raised', at: T, by: 'rules' }, { kind: 'withdrawn', at: T + 9, by: 'rules' }], { withdrawn: true }),
      flag('c', [{ kind: 'raised', at: T + 1, by: 'rules' }]),
    ];
    let asked: unknown;
    const n = await mirror.backfill({ list: (q) => { asked = q; return Promise.resolve(flags); } }, 100, 2);
    expect(asked).toEqual({ withdrawn: true, limit: 100 });
    expect(n).toBe(3);
    expect(written.map((w) => w.map((p) => `${p.flag}:${p.event}@${p.at - T}:${p.state}`))).toEqual([['a:acknowledged@5:acknowledged', 'b:withdrawn@9:withdrawn'], ['c:raised@1:open']]);
    expect(written[0]![0]).toMatchObject({ actor: 'qa', comment: 'seen' });
  });
});
