import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { AlertmanagerAlert } from '../domain/alerts/alertmanager.js';
import type { Flag } from '../domain/flags/types.js';
import type { FlagQuery, FlagStore } from '../ports/flags.js';
import { ManualTime } from '../../test/support/manual-time.js';
import { AlertmanagerPush, type AlertmanagerPushOptions } from './alertmanager-push.js';
import type { WebhookPost } from './event-delivery.js';

const T0 = Date.UTC(2026, 2, 1);
const MIN = 60_000;

/** The flag store as the re-send reads it: the truth, whatever the pusher was told. */
class MemoryFlags implements Pick<FlagStore, 'list' | 'get'> {
  readonly flags = new Map<string, Flag>();
  list(q: FlagQuery): Promise<Flag[]> {
    // As the SQLite store: most recently changed first; withdrawn ones only when asked for.
    return Promise.resolve([...this.flags.values()]
      .filter((f) => (q.active === undefined || f.active === q.active) && (q.state === undefined || f.state === q.state) && (q.withdrawn === true || !f.withdrawn))
      .sort((a, b) => b.updatedAt - a.updatedAt).slice(0, q.limit));
  }
  get(id: string): Promise<Flag | undefined> {
    return Promise.resolve(this.flags.get(id));
  }
  set(f: Flag): Flag {
    this.flags.set(f.id, f);
    return f;
  }
}

const flag = (batch: string, over: Partial<Flag> = {}): Flag => ({
  id: `excursion/t@batch:${batch}`, rule: 'excursion/t', params: {}, subject: { kind: 'batch', id: batch }, severity: 'major', title: 't ≥ 8',
  startMs: T0 - 30 * MIN, endMs: T0 - MIN, metAtMs: T0 - 10 * MIN, active: true, episodes: [], figures: {},
  related: { devices: [], zones: ['Z-1'], batches: [batch], shipments: [], orders: ['O-1'] },
  state: 'open', withdrawn: false, raisedAt: T0, updatedAt: T0, events: [{ kind: 'raised', at: T0, by: 'rules' }], ...over,
});

describe('AlertmanagerPush', () => {
  let time: ManualTime;
  let store: MemoryFlags;
  let push: AlertmanagerPush | undefined;
  let answer: () => Promise<{ status: number; body: string }>;
  const posts: { url: string; at: number; headers: Record<string, string>; alerts: AlertmanagerAlert[] }[] = [];
  const post: WebhookPost = (url, body, headers) => {
    posts.push({ url, at: time.t, headers: { ...headers }, alerts: JSON.parse(body) as AlertmanagerAlert[] });
    return answer();
  };
  const start = (options: Partial<AlertmanagerPushOptions> = {}, urls = ['http://am:9093']): AlertmanagerPush =>
    (push = new AlertmanagerPush({ urls, flags: store, sitesOf: (z) => Promise.resolve(z.map((x) => `site-of-${x}`)), clock: time, scheduler: time, log: pino({ level: 'silent' }), post, options }));
  const settle = (): Promise<void> => time.settle(() => push!.idle());
  const advance = (ms: number): Promise<void> => time.advance(ms, () => push!.idle(), 250);
  const sentOf = (batch: string): { at: number; endsAt: number; labels: Record<string, string> }[] =>
    posts.flatMap((p) => p.alerts.filter((a) => a.labels['subject_id'] === batch).map((a) => ({ at: p.at, endsAt: Date.parse(a.endsAt), labels: { ...a.labels } })));

  beforeEach(() => {
    time = new ManualTime(T0);
    store = new MemoryFlags();
    posts.length = 0;
    answer = () => Promise.resolve({ status: 200, body: '' });
  });
  afterEach(async () => { await push?.close(); push = undefined; });

  it('asserts what the store holds firing at start, then pushes a change at once: the clearing as resolved', async () => {
    store.set(flag('B-1'));
    start();
    await settle();
    expect(posts.map((p) => p.url)).toEqual(['http://am:9093/api/v2/alerts']);
    expect(sentOf('B-1')).toEqual([{ at: T0, endsAt: T0 + 4 * MIN, labels: expect.objectContaining({ alertname: 'ColdtraceExcursion', site: 'site-of-Z-1' }) as unknown }]);
    await advance(1000);
    const cleared = store.set(flag('B-1', { active: false, updatedAt: T0 + 1000, events: [{ kind: 'raised', at: T0, by: 'rules' }, { kind: 'cleared', at: T0 + 1000, by: 'rules' }] }));
    push!.accept([{ flag: cleared, events: ['cleared'] }]);
    await settle();
    expect(sentOf('B-1').at(-1)).toMatchObject({ at: T0 + 1000, endsAt: T0 - MIN });
    expect(push!.stats()).toEqual([expect.objectContaining({ url: 'http://am:9093', sent: 2, failures: 0, pending: 0 })]);
  });

  it('sends the firing flags again every interval from the store, not from what it was told', async () => {
    start({ resendMs: MIN });
    await settle();
    expect(posts).toEqual([]);
    // Written to the store without a change reaching the pusher (a change lost in a crash): the re-send finds it.
    store.set(flag('B-2'));
    await advance(MIN);
    expect(sentOf('B-2').map((s) => s.at)).toEqual([T0 + MIN]);
    await advance(2 * MIN);
    expect(sentOf('B-2').map((s) => s.at)).toEqual([T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN]);
    // Its end reaches the store only: the next re-send ends the alert it sent firing.
    store.set(flag('B-2', { active: false, updatedAt: T0 + 3 * MIN + 1 }));
    await advance(MIN);
    expect(sentOf('B-2').at(-1)).toMatchObject({ at: T0 + 4 * MIN, endsAt: T0 - MIN });
    await advance(2 * MIN);
    expect(sentOf('B-2')).toHaveLength(4);
  });

  it('ends at start the alerts of flags that ended within one validity before it (their end may not have gone out)', async () => {
    time.t = T0 + 10 * MIN;
    store.set(flag('cleared-just-before', { active: false, updatedAt: T0 + 9 * MIN }));
    store.set(flag('withdrawn-just-before', { withdrawn: true, updatedAt: T0 + 8 * MIN }));
    store.set(flag('resolved-long-before', { state: 'resolved', updatedAt: T0 }));
    store.set(flag('still-firing', { updatedAt: T0 }));
    start({ resendMs: MIN });
    await settle();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.alerts.map((a) => [a.labels['subject_id'], Date.parse(a.endsAt) <= time.t]).sort()).toEqual([
      ['cleared-just-before', true], ['still-firing', false], ['withdrawn-just-before', true],
    ]);
    // Only at start: the next re-sends carry the firing flag alone.
    await advance(MIN);
    expect(posts.at(-1)!.alerts.map((a) => a.labels['subject_id'])).toEqual(['still-firing']);
  });

  it('retries a failed push with a growing backoff, counts each failure, and sends the latest state once back', async () => {
    answer = () => Promise.reject(new Error('ECONNREFUSED'));
    start({ resendMs: 10 * MIN });
    await settle();
    push!.accept([{ flag: store.set(flag('B-3')), events: ['raised'] }]);
    await advance(7000);
    // Tried at once, then after about 1 s, 2 s and 4 s (each up to 20 % less).
    const at = posts.map((p) => p.at - T0);
    expect(at).toHaveLength(4);
    const gaps = at.slice(1).map((x, i) => x - at[i]!);
    expect(gaps.map((g, i) => g <= 1000 * 2 ** i && g >= 800 * 2 ** i)).toEqual([true, true, true]);
    expect(push!.stats()[0]).toMatchObject({ failures: 4, sent: 0, pending: 1, lastError: 'no answer: ECONNREFUSED' });
    // Cleared while the Alertmanager was down: only the latest state goes, once it is back.
    push!.accept([{ flag: store.set(flag('B-3', { active: false, updatedAt: T0 + 7000 })), events: ['cleared'] }]);
    answer = () => Promise.resolve({ status: 200, body: '' });
    posts.length = 0;
    await advance(10_000);
    expect(sentOf('B-3')).toEqual([expect.objectContaining({ endsAt: T0 - MIN })]);
    expect(push!.stats()[0]).toMatchObject({ failures: 4, sent: 1, pending: 0 });
  });

  it('retries 5xx and 429 answers, and does not retry a refused (400) alert', async () => {
    const answers = [503, 429, 400];
    answer = () => Promise.resolve({ status: answers.shift() ?? 200, body: 'bad' });
    start({ resendMs: 10 * MIN });
    push!.accept([{ flag: store.set(flag('B-4')), events: ['raised'] }]);
    await advance(5000);
    expect(posts).toHaveLength(3);
    expect(push!.stats()[0]).toMatchObject({ failures: 2, rejected: 1, sent: 0, pending: 0 });
  });

  it('ends the alert of the labels a flag no longer has (its severity rose) in the same push', async () => {
    start({ resendMs: 10 * MIN });
    push!.accept([{ flag: store.set(flag('B-5', { severity: 'warning' })), events: ['raised'] }]);
    await settle();
    push!.accept([{ flag: store.set(flag('B-5', { severity: 'critical', updatedAt: T0 + 1 })), events: ['updated'] }]);
    await settle();
    expect(posts).toHaveLength(2);
    expect(posts[1]!.alerts.map((a) => [a.labels['severity'], Date.parse(a.endsAt) <= T0])).toEqual([['warning', true], ['critical', false]]);
  });

  it('keeps the newer state when an older one arrives later (a re-send read before a change)', async () => {
    answer = () => Promise.reject(new Error('down'));
    start({ resendMs: 10 * MIN });
    push!.accept([{ flag: flag('B-6', { active: false, updatedAt: T0 + 5 }), events: ['cleared'] }]);
    push!.accept([{ flag: flag('B-6', { updatedAt: T0 }), events: ['raised'] }]);
    await settle();
    expect(Date.parse(posts[0]!.alerts[0]!.endsAt)).toBe(T0 - MIN);
  });

  it('bounds its queue: the oldest flags are dropped and counted', async () => {
    answer = () => Promise.reject(new Error('down'));
    start({ resendMs: 10 * MIN, maxPending: 2 });
    push!.accept(['a', 'b', 'c', 'd'].map((b) => ({ flag: flag(b), events: ['raised'] as const })));
    expect(push!.stats()[0]).toMatchObject({ pending: 2, dropped: 2 });
  });

  it('sends to every Alertmanager, each with its own queue, with credentials of a URL as basic auth', async () => {
    answer = () => Promise.resolve({ status: 200, body: '' });
    start({ resendMs: 10 * MIN }, ['http://a:9093/', 'http://ops:s%40cret@b:9093/am']);
    push!.accept([{ flag: store.set(flag('B-7')), events: ['raised'] }]);
    await settle();
    expect(posts.map((p) => [p.url, p.headers['authorization']])).toEqual([
      ['http://a:9093/api/v2/alerts', undefined], ['http://b:9093/am/api/v2/alerts', `Basic ${Buffer.from('ops:s@cret').toString('base64')}`],
    ]);
    expect(push!.stats().map((s) => s.url)).toEqual(['http://a:9093', 'http://b:9093/am']);
  });
});
