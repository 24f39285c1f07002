import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualTime } from '../../test/support/manual-time.js';
import type { Flag } from '../domain/flags/types.js';
import type { Order } from '../domain/registry/types.js';
import type { StoredReading } from '../domain/reading.js';
import { LiveChanges, SHIPMENTS_TOPIC, orderTopic, type LiveNotice } from './live-changes.js';
import { LiveFeed } from './live-feed.js';
import type { RegistryChangeSet } from './registry.js';

const T0 = 1_800_000_000_000;

describe('LiveChanges', () => {
  it('tells a topic at once, then at most once per interval, merging what happened meanwhile', () => {
    const time = new ManualTime(T0);
    const hub = new LiveChanges(time, time, { minIntervalMs: 1000 });
    const got: LiveNotice[] = [];
    hub.subscribe(SHIPMENTS_TOPIC, (n) => got.push(n));
    hub.publish(SHIPMENTS_TOPIC, 'position', ['S-1']);
    time.runDue();
    expect(got).toEqual([{ kinds: ['position'], shipments: ['S-1'], at: T0 }]);
    for (let i = 0; i < 50; i++) hub.publish(SHIPMENTS_TOPIC, 'position', ['S-1']);
    hub.publish(SHIPMENTS_TOPIC, 'flag', ['S-2']);
    time.t += 999;
    time.runDue();
    expect(got).toHaveLength(1);
    time.t += 1;
    time.runDue();
    expect(got[1]).toEqual({ kinds: ['flag', 'position'], shipments: ['S-1', 'S-2'], at: T0 + 1000 });
    expect(hub.stats()).toMatchObject({ notices: 2, subscribers: 1, topics: 1 });
  });

  it('keeps nothing for a topic no one follows, and refuses subscribers past the cap', () => {
    const time = new ManualTime(T0);
    const hub = new LiveChanges(time, time, { maxSubscribers: 2 });
    hub.publish(orderTopic('O-1'), 'flag');
    expect(time.tasks).toHaveLength(0);
    const a = hub.subscribe(orderTopic('O-1'), () => undefined);
    const b = hub.subscribe(SHIPMENTS_TOPIC, () => undefined);
    expect(hub.subscribe(SHIPMENTS_TOPIC, () => undefined)).toBeUndefined();
    expect(hub.stats()).toMatchObject({ subscribers: 2, refused: 1 });
    a?.();
    a?.();
    expect(hub.follows(orderTopic('O-1'))).toBe(false);
    expect(hub.subscribe(SHIPMENTS_TOPIC, () => undefined)).toBeDefined();
    b?.();
    expect(hub.stats().subscribers).toBe(1);
  });
});

describe('LiveFeed', () => {
  const order: Order = {
    id: 'O-1', customer: 'Pharmacy', lines: [{ batch: 'B-1', quantity: 10 }], shipments: ['S-1'], promisedDelivery: '2027-01-01T00:00:00Z',
    minRemainingShelfLifeDays: 0, statuses: [{ status: 'paid', at: '2026-12-01T00:00:00Z', operator: 'hub', source: 'oms' }],
  };
  const world = () => {
    const time = new ManualTime(T0);
    const changes = new LiveChanges(time, time);
    const orders = new Map([[order.id, order]]);
    const feed = new LiveFeed({
      changes, registry: { get: (async (_kind: string, id: string) => orders.get(id)) as never },
      locate: (device) => (device === 'trk-1' ? { location: { kind: 'shipment', id: 'S-1' } } : device === 'trk-9' ? { location: { kind: 'shipment', id: 'S-9' } } : undefined),
      log: pino({ level: 'silent' }),
    });
    const got = { order: [] as LiveNotice[], shipments: [] as LiveNotice[] };
    const flush = (): void => { time.t += 1000; time.runDue(); };
    return { time, changes, orders, feed, got, flush };
  };
  const reading = (device: string, metric: string): StoredReading => ({ site: 's', node: 'n', device, metric, time: T0, value: 1, unit: 'deg', seq: 1, receivedAt: T0, flags: 0 });
  const change = (over: Partial<RegistryChangeSet>): RegistryChangeSet => ({ devices: [], registeredDevices: [], products: [], placements: [], previousPlacements: [], batches: [], shipments: [], ...over });

  it('tells an order of its own flags, milestones, custody, statuses and its shipments\' fixes, and nothing of others', async () => {
    const w = world();
    expect(await w.feed.followOrder('O-404', () => undefined)).toBe('unknown');
    const follow = await w.feed.followOrder('O-1', (n) => w.got.order.push(n));
    expect(typeof follow).toBe('object');
    const cases: [string, () => Promise<void> | void, string[] | undefined][] = [
      ['a GPS fix of a tracker on its shipment', () => w.feed.committed([reading('trk-1', 'gps.lat'), reading('trk-1', 'gps.lon')]), ['position']],
      ['a temperature of that tracker (no position)', () => w.feed.committed([reading('trk-1', 'temperature')]), undefined],
      ['a fix of another shipment', () => w.feed.committed([reading('trk-9', 'gps.lat')]), undefined],
      ['a flag on the order', () => w.feed.flags([{ flag: { subject: { kind: 'batch', id: 'B-1' }, related: { orders: ['O-1'], shipments: [] } } as unknown as Flag, events: ['raised'] }]), ['flag']],
      ['a flag on another order', () => w.feed.flags([{ flag: { subject: { kind: 'batch', id: 'B-2' }, related: { orders: ['O-2'], shipments: [] } } as unknown as Flag, events: ['raised'] }]), undefined],
      ['a milestone of its shipment', () => w.feed.milestones([{ shipment: 'S-1', orders: [] }]), ['milestone']],
      ['its batch moved', () => w.feed.registryChanged(change({ placements: [{ id: 'P', batch: 'B-1', zone: 'Z', from: '2026-12-01T00:00:00Z' }] })), ['custody']],
      ['another batch moved', () => w.feed.registryChanged(change({ placements: [{ id: 'P', batch: 'B-7', zone: 'Z', from: '2026-12-01T00:00:00Z' }] })), undefined],
      ['a new status', () => {
        w.orders.set('O-1', { ...order, statuses: [...order.statuses, { status: 'shipped', at: '2026-12-02T00:00:00Z', operator: 'hub', source: 'oms' }] });
        return w.feed.registryChanged(change({}));
      }, ['status']],
    ];
    for (const [name, act, kinds] of cases) {
      w.got.order.length = 0;
      await act();
      w.flush();
      expect(w.got.order.map((n) => n.kinds), name).toEqual(kinds === undefined ? [] : [kinds]);
    }
    if (typeof follow === 'object') follow.stop();
    expect(w.changes.stats().subscribers).toBe(0);
  });

  it('tells the shipments view of fixes and shocks of trackers on shipments, and skips the work when no one follows', () => {
    const w = world();
    let located = 0;
    const feed = new LiveFeed({ changes: w.changes, registry: { get: (() => Promise.resolve(undefined)) as never }, locate: () => { located++; return { location: { kind: 'shipment', id: 'S-1' } }; }, log: pino({ level: 'silent' }) });
    feed.committed([reading('trk-1', 'gps.lat')]);
    expect(located).toBe(0);
    feed.followShipments((n) => w.got.shipments.push(n));
    feed.committed([reading('trk-1', 'gps.lat'), reading('trk-1', 'gps.lon'), reading('trk-1', 'shock.peak')]);
    expect(located).toBe(1);
    w.flush();
    expect(w.got.shipments).toEqual([{ kinds: ['position'], shipments: ['S-1'], at: T0 + 1000 }]);
  });

  it('tells the live environment page of any committed reading, at most once per interval, and keeps nothing when no one follows', () => {
    const w = world();
    w.feed.committed([reading('dev-1', 'temperature')]);
    expect(w.time.tasks).toHaveLength(0);
    const got: LiveNotice[] = [];
    const stop = w.feed.followDevices((n) => got.push(n));
    w.feed.committed([]);
    w.time.runDue();
    expect(got).toEqual([]);
    w.feed.committed([reading('dev-1', 'temperature')]);
    w.time.runDue();
    expect(got).toEqual([{ kinds: ['reading'], shipments: [], at: T0 }]);
    for (let i = 0; i < 20; i++) w.feed.committed([reading(`dev-${i}`, 'humidity')]);
    w.time.t += 999;
    w.time.runDue();
    expect(got).toHaveLength(1);
    w.flush();
    expect(got).toEqual([{ kinds: ['reading'], shipments: [], at: T0 }, { kinds: ['reading'], shipments: [], at: T0 + 1999 }]);
    stop?.();
    expect(w.changes.stats().subscribers).toBe(0);
  });
});
