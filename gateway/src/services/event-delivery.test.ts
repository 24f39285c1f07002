import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Flag } from '../domain/flags/types.js';
import type { EventOutbox } from '../ports/event-outbox.js';
import type { FlagChange } from '../ports/flags.js';
import { openDatabase } from '../adapters/sqlite/database.js';
import { SqliteEventOutbox } from '../adapters/sqlite/outbox/event-outbox.js';
import { ManualTime } from '../../test/support/manual-time.js';
import { EventDelivery, type EventDeliveryOptions, type WebhookAnswer, type WebhookPost } from './event-delivery.js';

const T0 = Date.UTC(2026, 2, 1);

const change = (batch: string, at = T0): FlagChange => ({
  flag: {
    id: `r@batch:${batch}`, rule: 'r', params: {}, subject: { kind: 'batch', id: batch }, severity: 'major', title: 't', startMs: 0, endMs: 1, metAtMs: 0,
    active: true, episodes: [], figures: {}, related: { devices: [], zones: [], batches: [batch], shipments: [], orders: [] },
    state: 'open', withdrawn: false, raisedAt: at, updatedAt: at, events: [{ kind: 'raised', at, by: 'rules' }],
  } satisfies Flag,
  events: ['raised'],
});

describe('EventDelivery', () => {
  let time: ManualTime;
  let outbox: EventOutbox;
  let delivery: EventDelivery | undefined;
  const calls: { url: string; key: string }[] = [];
  const start = (post: WebhookPost, options: Partial<EventDeliveryOptions> = {}, box: EventOutbox = outbox): EventDelivery =>
    (delivery = new EventDelivery({ outbox: box, targets: [{ name: 'hub', url: 'http://hub/x', secret: 's' }], clock: time, scheduler: time, log: pino({ level: 'silent' }), post, options }));
  const ok: WebhookPost = (url, _b, h) => { calls.push({ url, key: h['x-coldtrace-idempotency-key']! }); return Promise.resolve({ status: 200, body: '' }); };
  const settle = (): Promise<void> => time.settle(() => delivery!.idle());
  const advance = (ms: number): Promise<void> => time.advance(ms, () => delivery!.idle());

  beforeEach(() => {
    time = new ManualTime(T0);
    outbox = new SqliteEventOutbox(openDatabase(':memory:'));
    calls.length = 0;
  });
  afterEach(async () => {
    await delivery?.close();
    delivery = undefined;
    await outbox.close();
  });

  it('refuses, counts and reports events past the cap of pending events of a target', async () => {
    const d = start(() => new Promise<WebhookAnswer>(() => undefined), { maxPendingPerTarget: 2, maxInFlight: 1 });
    await d.accept([change('A')]);
    await d.accept([change('B'), change('C')]);
    // B and C together would pass the cap: both are refused; D alone fits.
    await d.accept([change('D')]);
    expect(await d.stats()).toEqual([expect.objectContaining({ target: 'hub', pending: 2, dropped: 2, configured: true })]);
  });

  it('dead-letters what is left in the outbox for a target no longer configured', async () => {
    await outbox.enqueue([{ id: 'k1', type: 'flag.raised', orderingKey: 'f', body: '{}' }], ['old'], T0);
    const d = start(ok);
    await settle();
    expect(calls).toEqual([]);
    expect(await d.deadLetters(10)).toMatchObject([{ id: 'k1', target: 'old', answer: { body: "webhook target 'old' is not configured" } }]);
    expect((await d.stats()).map((s) => [s.target, s.configured])).toEqual([['hub', true], ['old', false]]);
  });

  it('keeps at most maxInFlight POSTs under way', async () => {
    const release: (() => void)[] = [];
    let most = 0;
    let under = 0;
    const d = start((url, _b, h) => {
      most = Math.max(most, ++under);
      calls.push({ url, key: h['x-coldtrace-idempotency-key']! });
      return new Promise((resolve) => release.push(() => { under--; resolve({ status: 204, body: '' }); }));
    }, { maxInFlight: 3 });
    await d.accept(['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((b) => change(b)));
    time.runDue();
    for (let i = 0; i < 20 && calls.length < 7; i++) {
      await new Promise((r) => setImmediate(r));
      release.splice(0).forEach((r) => r());
      await d.idle();
      time.runDue();
    }
    expect(calls).toHaveLength(7);
    expect(most).toBe(3);
  });

  it('waits at least the Retry-After of a 429 before trying again', async () => {
    const at: number[] = [];
    const d = start(() => { at.push(time.t); return Promise.resolve(at.length === 1 ? { status: 429, body: '', retryAfterMs: 60_000 } : { status: 200, body: '' }); });
    await d.accept([change('A')]);
    await advance(120_000);
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(60_000);
  });

  it('holds a delivery whose bookkeeping failed instead of sending it again at once', async () => {
    let failOnce = true;
    const flaky: EventOutbox = Object.assign(Object.create(outbox) as EventOutbox, {
      markDelivered: (id: string, target: string, at: number) => {
        if (failOnce) {
          failOnce = false;
          return Promise.reject(new Error('SQLITE_IOERR'));
        }
        return outbox.markDelivered(id, target, at);
      },
    });
    const d = start(ok, {}, flaky);
    await d.accept([change('A')]);
    await advance(500);
    expect(calls).toHaveLength(1);
    await advance(2000);
    expect(calls).toHaveLength(2);
    expect(await outbox.stats()).toMatchObject([{ delivered: 1, pending: 0 }]);
  });

  it('stops when closed: nothing is accepted or sent any more', async () => {
    const d = start(ok);
    await d.close();
    await d.accept([change('A')]);
    expect(time.tasks).toEqual([]);
    expect(await outbox.stats()).toEqual([]);
  });
});
