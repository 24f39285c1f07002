/**
 * Flag events to a real webhook receiver (docs/events.md): the SQLite outbox on a file, the fetch poster, a
 * node:http receiver on an ephemeral port that checks every signature and counts idempotency keys. Time is a
 * manual clock and scheduler: backoff is advanced, never slept; only the HTTP round trips are awaited.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Flag, FlagEvent } from '../../src/domain/flags/types.js';
import type { FlagChange } from '../../src/ports/flags.js';
import type { Clock, Scheduler } from '../../src/ports/clock.js';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteEventOutbox } from '../../src/adapters/sqlite/outbox/event-outbox.js';
import { fetchPoster } from '../../src/adapters/webhook/post.js';
import { EventDelivery } from '../../src/services/event-delivery.js';
import { registerEventRoutes } from '../../src/http/routes/events.js';

const SECRET = 'whsec-test-1';
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const MIN = 60_000;

/** A clock and scheduler the test moves by hand. */
class ManualTime implements Clock, Scheduler {
  t = T0;
  private tasks: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  now(): number { return this.t; }
  after(ms: number, fn: () => void): { cancel(): void } {
    const task = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.tasks.push(task);
    return { cancel: () => { this.tasks = this.tasks.filter((x) => x !== task); } };
  }
  next(): number | undefined { return this.tasks.reduce<number | undefined>((m, x) => (m === undefined || x.at < m ? x.at : m), undefined); }
  /** Runs the callbacks due now; false when there were none. */
  runDue(): boolean {
    const due = this.tasks.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.tasks = this.tasks.filter((x) => x.at > this.t);
    for (const x of due) x.fn();
    return due.length > 0;
  }
}

interface Hit { key: string; type: string; flag: string; at: number; attempt: string; status: number }

/** The order hub: verifies signatures, answers what `respond` says, records every request and each accepted key. */
class Receiver {
  readonly hits: Hit[] = [];
  readonly accepted = new Map<string, number>();
  badSignatures = 0;
  respond: (hit: Hit) => { status: number; body?: string } = () => ({ status: 200 });
  private server: Server | undefined;
  port = 0;
  constructor(private readonly time: ManualTime) {}

  async up(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
        const given = Buffer.from(String(req.headers['x-coldtrace-signature'] ?? ''));
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          this.badSignatures++;
          res.writeHead(401).end('bad signature');
          return;
        }
        const body = JSON.parse(raw.toString('utf8')) as { id: string; type: string; flag: { id: string } };
        const key = String(req.headers['x-coldtrace-idempotency-key']);
        expect(body.id).toBe(key);
        expect(req.headers['x-coldtrace-event']).toBe(body.type);
        expect(req.headers['content-type']).toBe('application/json');
        expect(Date.parse(String(req.headers['x-coldtrace-timestamp']))).toBe(this.time.t);
        const hit: Hit = { key, type: body.type, flag: body.flag.id, at: this.time.t, attempt: String(req.headers['x-coldtrace-attempt']), status: 0 };
        const answer = this.respond(hit);
        hit.status = answer.status;
        this.hits.push(hit);
        if (answer.status < 300) this.accepted.set(key, (this.accepted.get(key) ?? 0) + 1);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body ?? '{"ok":true}');
      });
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
  }

  /** Closed: the port refuses connections. */
  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  get url(): string { return `http://127.0.0.1:${this.port}/hooks/coldtrace`; }
}

const ev = (kind: FlagEvent['kind'], at: number): FlagEvent => ({ kind, at, by: 'rules' });
function flag(batch: string, events: FlagEvent[], orders = ['O-1']): Flag {
  return {
    id: `excursion/temperature/upper/8/consecutive/30@batch:${batch}`, rule: 'excursion/temperature/upper/8/consecutive/30', params: { value: 8 },
    subject: { kind: 'batch', id: batch }, severity: 'major', title: 'temperature ≥ 8 °C for 30 min (consecutive)',
    startMs: T0 - 60 * MIN, endMs: T0 - 10 * MIN, metAtMs: T0 - 30 * MIN, active: !events.some((e) => e.kind === 'cleared'), episodes: [],
    figures: {}, related: { devices: ['S-1'], zones: ['Z-1'], batches: [batch], shipments: [], orders },
    state: 'open', withdrawn: false, raisedAt: events[0]!.at, updatedAt: events.at(-1)!.at, events,
  };
}
/** The change of one reconcile: the flag's events at `at`. */
function change(batch: string, history: FlagEvent[], kinds: FlagEvent['kind'][]): FlagChange {
  return { flag: flag(batch, history), events: kinds };
}

describe('webhooks: flag events from the durable outbox to a real receiver', () => {
  let dir: string;
  let time: ManualTime;
  let receiver: Receiver;
  let outbox: SqliteEventOutbox;
  let delivery: EventDelivery;
  let app: FastifyInstance;
  const open = (): EventDelivery => new EventDelivery({
    outbox, targets: [{ name: 'hub', url: receiver.url, secret: SECRET }], clock: time, scheduler: time,
    log: pino({ level: 'silent' }), post: fetchPoster({ timeoutMs: 10_000 }), options: { linkTemplate: 'https://hub.example.com/{order}' },
  });
  /** Runs what is due now and waits for its real I/O, until nothing more is due now. */
  const settle = async (): Promise<void> => {
    for (let rounds = 0; ; rounds++) {
      // A delivery that never leaves the queue would spin here: fail instead of hanging.
      if (rounds > 1000) throw new Error(`nothing settles at ${new Date(time.t).toISOString()}`);
      const ran = time.runDue();
      await delivery.idle();
      if (!ran && (time.next() ?? Infinity) > time.t) return;
    }
  };
  /** Moves the clock forward, stopping at every timer on the way. */
  const advance = async (ms: number): Promise<void> => {
    const end = time.t + ms;
    await settle();
    for (let n = time.next(); n !== undefined && n <= end; n = time.next()) {
      time.t = Math.max(time.t, n);
      await settle();
    }
    time.t = end;
    await settle();
  };
  const stats = async (): Promise<Record<string, unknown>> => (await app.inject({ method: 'GET', url: '/api/v1/events/stats' })).json<{ targets: Record<string, unknown>[] }>().targets[0]!;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-webhooks-'));
    time = new ManualTime();
    receiver = new Receiver(time);
    await receiver.up();
    outbox = new SqliteEventOutbox(openDatabase(join(dir, 'events.db')));
    delivery = open();
    app = Fastify();
    await app.register(registerEventRoutes, { prefix: '/api/v1', deps: { get delivery() { return delivery; } } });
  });
  afterEach(async () => {
    await delivery.close();
    await app.close();
    await outbox.close();
    await receiver.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every event once per key, in order per flag, after the receiver was down an hour', async () => {
    await receiver.down();
    const a = [ev('raised', T0), ev('updated', T0 + MIN), ev('updated', T0 + 2 * MIN), ev('cleared', T0 + 2 * MIN)];
    const b = [ev('raised', T0 + MIN), ev('updated', T0 + 3 * MIN)];
    const changes = [
      [change('A', a.slice(0, 1), ['raised'])], [change('A', a.slice(0, 2), ['updated']), change('B', b.slice(0, 1), ['raised'])],
      [change('A', a, ['updated', 'cleared'])], [change('B', b, ['updated'])],
    ];
    for (const c of changes) {
      await delivery.accept(c);
      await advance(MIN);
    }
    expect(await stats()).toMatchObject({ target: 'hub', pending: 6, delivered: 0, lastError: expect.stringContaining('ECONNREFUSED') });
    await advance(60 * MIN);
    expect(receiver.hits).toEqual([]);

    await receiver.up();
    await advance(5 * MIN + 1000);
    expect(receiver.badSignatures).toBe(0);
    expect(receiver.hits).toHaveLength(6);
    expect([...receiver.accepted.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    const typesOf = (batch: string): string[] => receiver.hits.filter((h) => h.flag.endsWith(`:${batch}`)).map((h) => h.type);
    expect(typesOf('A')).toEqual(['flag.raised', 'flag.updated', 'flag.updated', 'flag.cleared']);
    expect(typesOf('B')).toEqual(['flag.raised', 'flag.updated']);
    expect(await stats()).toMatchObject({ pending: 0, delivered: 6, deadLettered: 0 });

    // The same changes accepted again (a replayed listener call) are the same keys: nothing is sent again.
    for (const c of changes) await delivery.accept(c);
    await advance(MIN);
    expect(receiver.hits).toHaveLength(6);
  });

  it('delivers once after two 500s, waiting longer after each failure', async () => {
    let n = 0;
    receiver.respond = () => (++n <= 2 ? { status: 500, body: 'busy' } : { status: 200 });
    await delivery.accept([change('A', [ev('raised', T0)], ['raised'])]);
    await advance(10 * MIN);
    expect(receiver.hits.map((h) => [h.status, h.attempt])).toEqual([[500, '1'], [500, '2'], [200, '3']]);
    expect(new Set(receiver.hits.map((h) => h.key)).size).toBe(1);
    expect([...receiver.accepted.values()]).toEqual([1]);
    const [g1, g2] = [receiver.hits[1]!.at - receiver.hits[0]!.at, receiver.hits[2]!.at - receiver.hits[1]!.at];
    // 1 s then 2 s, less up to 20 % jitter, rounded up to the next 500 ms poll.
    expect(g1).toBeGreaterThanOrEqual(800);
    expect(g1).toBeLessThanOrEqual(1500);
    expect(g2).toBeGreaterThanOrEqual(1600);
    expect(g2).toBeGreaterThan(g1);
    expect(await stats()).toMatchObject({ pending: 0, delivered: 1 });
  });

  it('dead-letters a 422 with its answer, goes on with the flag, and delivers the dead letter once retried', async () => {
    receiver.respond = (h) => (h.type === 'flag.raised' ? { status: 422, body: '{"error":"unknown order O-1"}' } : { status: 200 });
    await delivery.accept([change('A', [ev('raised', T0)], ['raised'])]);
    await delivery.accept([change('A', [ev('raised', T0), ev('updated', T0 + 1)], ['updated'])]);
    await advance(MIN);
    expect(receiver.hits.map((h) => [h.type, h.status])).toEqual([['flag.raised', 422], ['flag.updated', 200]]);

    const list = await app.inject({ method: 'GET', url: '/api/v1/events/dead-letters' });
    expect(list.statusCode).toBe(200);
    const { deadLetters } = list.json<{ deadLetters: { id: string; target: string; type: string; answer: unknown; event: { notice: unknown } }[] }>();
    expect(deadLetters).toHaveLength(1);
    const dl = deadLetters[0]!;
    expect(dl).toMatchObject({ id: receiver.hits[0]!.key, target: 'hub', type: 'flag.raised', attempts: 1,
      flag: 'excursion/temperature/upper/8/consecutive/30@batch:A', answer: { status: 422, body: '{"error":"unknown order O-1"}' } });
    expect(dl.event.notice).toEqual({ orders: ['O-1'], what: 'temperature ≥ 8 °C for 30 min (consecutive)', since: new Date(T0 - 30 * MIN).toISOString(),
      links: [{ order: 'O-1', url: 'https://hub.example.com/O-1' }] });
    expect(await stats()).toMatchObject({ pending: 0, delivered: 1, deadLettered: 1 });

    // The hub knows the order now: the dead letter is sent again, once.
    receiver.respond = () => ({ status: 200 });
    const missing = await app.inject({ method: 'POST', url: `/api/v1/events/dead-letters/${dl.id}/retry`, payload: { target: 'other' } });
    expect(missing.statusCode).toBe(404);
    const retried = await app.inject({ method: 'POST', url: `/api/v1/events/dead-letters/${dl.id}/retry`, payload: { target: 'hub' } });
    expect(retried.statusCode).toBe(200);
    await advance(MIN);
    expect(receiver.hits.map((h) => [h.type, h.status])).toEqual([['flag.raised', 422], ['flag.updated', 200], ['flag.raised', 200]]);
    expect(receiver.accepted.get(dl.id)).toBe(1);
    expect((await app.inject({ method: 'GET', url: '/api/v1/events/dead-letters' })).json()).toEqual({ deadLetters: [] });
    expect(await stats()).toMatchObject({ pending: 0, delivered: 2, deadLettered: 0 });
  });

  it('delivers after a restart what was pending before it', async () => {
    await receiver.down();
    await delivery.accept([change('A', [ev('raised', T0), ev('cleared', T0)], ['raised', 'cleared'])]);
    await advance(MIN);
    await delivery.close();
    await outbox.close();

    await receiver.up();
    outbox = new SqliteEventOutbox(openDatabase(join(dir, 'events.db')));
    delivery = open();
    await advance(5 * MIN);
    expect(receiver.hits.map((h) => h.type)).toEqual(['flag.raised', 'flag.cleared']);
    expect([...receiver.accepted.values()]).toEqual([1, 1]);
    expect(receiver.badSignatures).toBe(0);
  });
});
