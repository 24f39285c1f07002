/**
 * Live updates of the Shipments view, an order's timeline and the live environment page (issue #16, docs/dashboard.md "Live updates"): Server-Sent
 * Events. Each `change` event says what kind of thing changed (and for which shipments); the page then reads what it
 * shows again through the ordinary routes. The browser's EventSource reconnects by itself (after `retry` ms).
 *
 * A stream costs a subscription (capped: 503 past the cap), a keep-alive comment every `keepAliveMs`, and at most one
 * event a second (services/live-changes.ts). A client that does not read is cut off once `maxBufferedBytes` wait
 * for it, and every stream ends when the app closes.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { LiveNotice } from '../../services/live-changes.js';
import type { LiveFeed } from '../../services/live-feed.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

export interface LiveRouteDeps {
  readonly live: Pick<LiveFeed, 'followShipments' | 'followOrder' | 'followDevices'>;
  /** Comment line sent on an idle stream so proxies keep it open, ms. Default 20 000. */
  readonly keepAliveMs?: number;
  /** A stream whose unread output exceeds this is closed, bytes. Default 65 536. */
  readonly maxBufferedBytes?: number;
}

const EVENTS = {
  description: 'text/event-stream: `event: ready` once, then `event: change` with `data: {"kinds": [...], "shipments": [...], "at": ms}` '
    + 'whenever what the view shows changed (kinds: flag, milestone, custody, status, position, reading), at most once a second; comment lines keep it open',
  content: { 'text/event-stream': { schema: Type.String() } },
};
const FULL = { code: 'E_LIVE_FULL', message: 'too many live views are open on this gateway; reload later' };

export function registerLiveRoutes(app: FastifyInstance, opts: { deps: LiveRouteDeps }): Promise<void> {
  const { live } = opts.deps;
  const keepAliveMs = opts.deps.keepAliveMs ?? 20_000;
  const maxBuffered = opts.deps.maxBufferedBytes ?? 65_536;
  const open = new Set<ServerResponse>();
  app.addHook('onClose', () => {
    for (const res of open) res.end();
    open.clear();
  });

  /** Turns the reply into an event stream that relays the subscription's notices until the client goes. */
  const stream = (reply: FastifyReply, relay: Relay, stop: () => void): FastifyReply => {
    const res = reply.raw;
    reply.hijack();
    open.add(res);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // HEAD (Fastify answers it with the GET's handler): the headers are the whole answer, and no stream is kept.
    if (reply.request.method === 'HEAD') {
      open.delete(res);
      res.end();
      stop();
      return reply;
    }
    const write = (text: string): void => {
      if (res.writableEnded || res.destroyed) return;
      res.write(text);
      if (res.writableLength > maxBuffered) res.destroy();
    };
    write('retry: 3000\nevent: ready\ndata: {}\n\n');
    relay.attach((n) => write(`event: change\ndata: ${JSON.stringify(n)}\n\n`));
    const keepAlive = setInterval(() => write(': keep-alive\n\n'), keepAliveMs);
    keepAlive.unref();
    res.on('close', () => {
      clearInterval(keepAlive);
      open.delete(res);
      stop();
    });
    return reply;
  };

  app.get('/live/shipments', {
    config: { access: 'read' },
    schema: { summary: 'Server-Sent Events: the shipments changed (a fix, a shock, a flag, a milestone, custody)', tags: ['custody'], response: { 200: EVENTS, 503: ErrorBody } },
  }, async (_req, reply) => {
    const relay = new Relay();
    const stop = live.followShipments(relay.listener);
    if (stop === undefined) return reply.status(503).send(FULL);
    return stream(reply, relay, stop);
  });

  app.get('/live/devices', {
    config: { access: 'read' },
    schema: { summary: 'Server-Sent Events: readings of some device were committed (the live environment page reads /devices again)', tags: ['data'], response: { 200: EVENTS, 503: ErrorBody } },
  }, async (_req, reply) => {
    const relay = new Relay();
    const stop = live.followDevices(relay.listener);
    if (stop === undefined) return reply.status(503).send(FULL);
    return stream(reply, relay, stop);
  });

  app.get<{ Params: { id: string } }>('/live/orders/:id', {
    config: { access: 'read' },
    schema: {
      summary: "Server-Sent Events: the order's timeline changed (its flags, milestones, custody moves, statuses, its shipments' fixes and shocks)", tags: ['custody'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }), response: { 200: EVENTS, 404: ErrorBody, 503: ErrorBody },
    },
  }, async (req, reply) => {
    const relay = new Relay();
    const outcome = await live.followOrder(req.params.id, relay.listener);
    if (outcome === 'unknown') throw new GatewayError('E_NOT_FOUND', `no order ${req.params.id}`);
    if (outcome === 'full') return reply.status(503).send(FULL);
    return stream(reply, relay, outcome.stop);
  });
  return Promise.resolve();
}

/** Notices that arrive before the stream is open are held (one at most: one a second) and sent first. */
class Relay {
  private send: ((n: LiveNotice) => void) | undefined;
  private held: LiveNotice[] = [];
  readonly listener = (n: LiveNotice): void => {
    if (this.send !== undefined) this.send(n);
    else this.held.push(n);
  };

  attach(send: (n: LiveNotice) => void): void {
    this.send = send;
    for (const n of this.held.splice(0)) send(n);
  }
}
