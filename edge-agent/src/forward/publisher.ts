/**
 * The MQTT side of store-and-forward: drains the outbox to the broker with QoS 1 and deletes a row only after its
 * PUBACK. One MQTT.js client per connection (reconnectPeriod 0): the outbox, not MQTT.js's in-memory store, is the
 * single source of retransmission, so a restart, a reconnect and a kill -9 all recover the same way.
 *
 * Lanes (issue #3): alarm rows first, then live rows (enqueued since the current connection came up), then the
 * backlog from before it, in original order and rate-limited so a long outage does not flood the gateway.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { nodeStatusTopic, type NodeStatus } from '@coldtrace/contract';
import type { Clock } from '../clock.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { nodeStatusMessage } from './messages.js';
import type { Lane, Outbox, OutboxRow } from './outbox.js';
import { withTimeout } from '../timeout.js';
import { connectOptionsFromFiles } from './connect-files.js';

export interface PublisherOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  /** Read at every connection (config MqttConfig.passwordFile); unreadable: connect without a password, and say why. */
  readonly passwordFile?: string;
  /** TLS files (config MqttConfig caFile, certFile, keyFile), read at every connection; unreadable: the connection fails, and says why. */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** s. */
  readonly keepaliveS: number;
  readonly protocolVersion: 4 | 5;
  readonly site: string;
  readonly node: string;
  /** Changes every process start (contract NodeStatus.boot). */
  readonly boot: string;
  readonly version?: string;
  /** Device ids announced in the birth message. */
  readonly devices: readonly string[];
  /** Backlog replay rate, messages/s. */
  readonly replayRatePerS: number;
  /** Most unacknowledged publishes at once. Default 64. */
  readonly window?: number;
  /** MQTT connect timeout, ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
  readonly backoff?: Partial<BackoffOptions>;
  /** Random source for backoff jitter, [0,1). Default Math.random. */
  readonly random?: () => number;
  /**
   * Topics this connection subscribes to (QoS 1) on every connect, each with its handler: the node's feedback topic.
   * The session is clean, so what is published there while the node is away is not kept for it.
   */
  readonly subscriptions?: ReadonlyMap<string, (payload: Buffer) => void>;
}

export interface PublisherStats {
  readonly connected: boolean;
  readonly published: number;
  readonly acked: number;
  readonly publishErrors: number;
  readonly reconnects: number;
  readonly inflight: number;
}

export class Publisher {
  private client: MqttClient | undefined;
  private connected = false;
  private stopping = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private replayTimer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<number>();
  /** Highest id dispatched per lane in this connection. */
  private cursor: Record<Lane, number> = { alarm: 0, live: 0, backlog: 0 };
  /** Delivered (PUBACKed) messages whose delete from the outbox failed; retried on each drain. */
  private readonly undeleted = new Set<number>();
  private boundary = 0;
  private tokens = 0;
  private tokensAt = 0;
  private published = 0;
  private acked = 0;
  private publishErrors = 0;
  private reconnects = 0;
  private readonly window: number;
  private readonly random: () => number;

  constructor(
    private readonly options: PublisherOptions,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.window = options.window ?? 64;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    this.stopping = false;
    this.open();
  }

  private open(): void {
    const topic = nodeStatusTopic(this.options.site, this.options.node);
    const will = nodeStatusMessage('offline', this.clock.now(), this.options.boot, { will: true });
    const opts: IClientOptions = {
      clientId: this.options.clientId,
      keepalive: this.options.keepaliveS,
      protocolVersion: this.options.protocolVersion,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      will: { topic, payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true },
      ...(this.options.username !== undefined ? { username: this.options.username } : {}),
      ...(this.options.password !== undefined ? { password: this.options.password } : {}),
      ...connectOptionsFromFiles(this.options, this.log),
    };
    const client = connect(this.options.url, opts);
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('close', () => this.onClose(client));
    client.on('message', (topic, payload) => this.options.subscriptions?.get(topic)?.(payload));
    client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt error'));
  }

  private onConnect(client: MqttClient): void {
    if (client !== this.client) return;
    this.connected = true;
    this.attempt = 0;
    this.boundary = this.outbox.maxId();
    this.cursor = { alarm: 0, live: this.boundary, backlog: 0 };
    this.tokens = 1;
    this.tokensAt = this.clock.now();
    this.log.info({ url: this.options.url, backlog: this.outbox.stats().depth }, 'mqtt connected');
    const topics = [...(this.options.subscriptions?.keys() ?? [])];
    if (topics.length > 0) {
      client.subscribe(topics, { qos: 1 }, (err) => {
        if (err) this.log.warn({ err: err.message, topics }, 'mqtt subscribe failed');
      });
    }
    this.publishStatus();
    this.drain();
  }

  /**
   * Publishes the retained online status (birth) with the outbox figures, so drops are visible at the gateway.
   * Called on every connect and periodically by the agent; a no-op while disconnected (the next birth carries them).
   */
  publishStatus(): void {
    const client = this.client;
    if (client === undefined || !this.connected) return;
    const birth = nodeStatusMessage('online', this.clock.now(), this.options.boot, {
      devices: [...this.options.devices],
      ...(this.options.version !== undefined ? { version: this.options.version } : {}),
      outbox: this.outboxFigures(),
    });
    client.publish(nodeStatusTopic(this.options.site, this.options.node), JSON.stringify(birth), { qos: 1, retain: true });
  }

  private outboxFigures(): NonNullable<NodeStatus['outbox']> {
    const { depth, bytes, droppedFull, droppedExpired } = this.outbox.stats();
    return { depth, bytes, droppedFull, droppedExpired };
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasConnected = this.connected;
    this.connected = false;
    this.client = undefined;
    // end(true) fails every pending publish callback, which releases its row from `inflight` for the next session.
    client.end(true);
    this.inflight.clear();
    if (this.replayTimer) clearTimeout(this.replayTimer);
    this.replayTimer = undefined;
    if (this.stopping) return;
    if (wasConnected) this.log.warn('mqtt connection lost');
    const delay = backoffDelay(this.attempt, this.random(), this.options.backoff);
    this.attempt += 1;
    this.reconnects += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopping) this.open();
    }, delay);
  }

  /**
   * Deletes an acknowledged message from the outbox. On a full disk the delete itself can fail (SQLite writes the
   * change to its WAL first): the message is then remembered as delivered, not sent again, and deleted on a later
   * drain, instead of an exception escaping into the MQTT client and ending the agent (issue #23).
   */
  private forget(id: number): void {
    try {
      this.outbox.ack(id);
      this.undeleted.delete(id);
    } catch (err) {
      if (this.undeleted.size === 0) this.log.error({ err: (err as Error).message }, 'outbox: cannot delete delivered messages (disk full?); retrying');
      this.undeleted.add(id);
    }
  }

  /** Call after enqueueing: publishes what the window and the replay rate allow. */
  drain(): void {
    for (const id of this.undeleted) {
      this.forget(id);
      if (this.undeleted.has(id)) break;
    }
    const client = this.client;
    if (!this.connected || !client || this.stopping) return;
    for (const lane of ['alarm', 'live'] as const) {
      if (!this.fill(client, lane, Number.POSITIVE_INFINITY)) return;
    }
    this.refillTokens();
    const allowed = Math.floor(this.tokens);
    if (allowed > 0) {
      const sent = this.fillCount(client, 'backlog', allowed);
      this.tokens -= sent;
    }
    if (this.cursor.backlog < this.boundary && this.inflight.size < this.window && this.replayTimer === undefined) {
      const waitMs = Math.max(1, Math.ceil(((1 - (this.tokens % 1)) / this.options.replayRatePerS) * 1000));
      this.replayTimer = setTimeout(() => {
        this.replayTimer = undefined;
        this.drain();
      }, waitMs);
    }
  }

  private refillTokens(): void {
    const now = this.clock.now();
    const burst = Math.max(1, this.options.replayRatePerS);
    this.tokens = Math.min(burst, this.tokens + ((now - this.tokensAt) / 1000) * this.options.replayRatePerS);
    this.tokensAt = now;
  }

  /** Fills the window from one lane; returns false when the window is full. */
  private fill(client: MqttClient, lane: Lane, max: number): boolean {
    this.fillCount(client, lane, max);
    return this.inflight.size < this.window;
  }

  private fillCount(client: MqttClient, lane: Lane, max: number): number {
    let sent = 0;
    while (sent < max && this.inflight.size < this.window) {
      const room = Math.min(this.window - this.inflight.size, max - sent);
      const rows = this.outbox.peek(lane, this.cursor[lane], this.boundary, room);
      for (const row of rows) {
        this.cursor[lane] = row.id;
        if (this.undeleted.has(row.id)) continue; // delivered already, its delete is pending
        this.send(client, row);
        sent += 1;
      }
      if (rows.length < room) {
        // Lane exhausted; for the backlog this ends the replay of this connection.
        if (lane === 'backlog') this.cursor.backlog = this.boundary;
        break;
      }
    }
    return sent;
  }

  private send(client: MqttClient, row: OutboxRow): void {
    this.inflight.add(row.id);
    this.published += 1;
    client.publish(row.topic, row.payload, { qos: 1, retain: row.retain }, (err) => {
      if (!this.inflight.delete(row.id)) return;
      if (err) {
        this.publishErrors += 1;
        return;
      }
      this.acked += 1;
      this.forget(row.id);
      this.drain();
    });
  }

  stats(): PublisherStats {
    return {
      connected: this.connected,
      published: this.published,
      acked: this.acked,
      publishErrors: this.publishErrors,
      reconnects: this.reconnects,
      inflight: this.inflight.size,
    };
  }

  /** Waits until nothing is in flight (or timeoutMs passes), publishes the retained offline status, disconnects. */
  async stop(timeoutMs = 3000): Promise<void> {
    const deadline = this.clock.now() + timeoutMs;
    while (this.connected && this.inflight.size > 0 && this.clock.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.replayTimer) clearTimeout(this.replayTimer);
    const client = this.client;
    if (!client) return;
    if (this.connected) {
      // With the final outbox figures: what the node still holds after its flush, not what it held at its birth.
      const offline = nodeStatusMessage('offline', this.clock.now(), this.options.boot, { outbox: this.outboxFigures() });
      try {
        await withTimeout(client.publishAsync(nodeStatusTopic(this.options.site, this.options.node), JSON.stringify(offline), { qos: 1, retain: true }), Math.max(100, deadline - this.clock.now()), () => new Error('offline status not acknowledged in time'));
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'offline status not acknowledged');
      }
    }
    this.connected = false;
    await client.endAsync(false).catch(() => undefined);
    this.client = undefined;
  }
}
