/**
 * A UHF RFID reader speaking LLRP over TCP (issue #21, docs/scans.md "LLRP readers"). Per connection: wait for the
 * reader's READER_EVENT_NOTIFICATION saying the connection is accepted, ask for keepalives, delete every ROSpec, add
 * ours, enable and start it; then every RO_ACCESS_REPORT's tags become scan reads of the device their antenna
 * stands for (decode/llrp-tags.ts), folded and batched like the serial RFID reader's (ScanBatcher) and handed to
 * the sink. A reader that drops, goes silent for three keepalive periods, refuses the connection or answers a step
 * with an error is connected again with backoff, and the ROSpec is set up again; every failure is counted by reason
 * and reported in each of its devices' status.
 */
import type { Logger } from 'pino';
import type { ScanRead } from '@coldtrace/contract';
import { readFileSync } from 'node:fs';
import { systemClock, systemScheduler, type Clock, type Scheduler } from '../../clock.js';
import { tagReads, type AntennaMap } from '../../decode/llrp-tags.js';
import { backoffDelay } from '../../forward/backoff.js';
import type { Source, SourceSink } from '../source.js';
import { StatusReporter } from '../serial/status.js';
import { ScanBatcher } from '../scanner/scan-batcher.js';
import type { LlrpJsonMessage } from './codec.js';
import type { LlrpSourceConfig } from './config.js';
import { LLRP_FAILURE_REASONS, LlrpConnection, LlrpError, statusText, succeeded, type LlrpEndpoint, type LlrpFailureReason } from './connection.js';
import { setupSteps } from './rospec.js';

export interface LlrpSourceStats {
  /** Connections set up to the end (ROSpec started). */
  sessions: number;
  /** RO_ACCESS_REPORT messages and the tags in them. */
  reports: number;
  tags: number;
  /** Reads handed to the sink; of them, tags whose EPC did not decode (sent with the reason). */
  reads: number;
  undecoded: number;
  /** Tags seen again within `dedupeMs` on the same device, not sent. */
  repeats: number;
  /** KEEPALIVEs answered. */
  keepalives: number;
  /** Reads whose reader timestamp was outside the contract's range (the agent's time was used). */
  clockRejected: number;
  /** Failures by reason: each closed the connection (but `decode`) and led to a reconnect. */
  failures: Record<LlrpFailureReason, number>;
}

export interface LlrpSourceDeps {
  /** Agent clock: receive time, hold time, and device time when the reader gives none. Default: system clock. */
  readonly clock?: Clock;
  /** Timers: batches, timeouts, keepalive watchdog, reconnect backoff. Default: real timers. */
  readonly scheduler?: Scheduler;
  readonly log?: Logger;
  /** Least time between two error statuses of one device, ms. Default 10 000. */
  readonly statusIntervalMs?: number;
  /** Jitter of the backoff, [0, 1). Default Math.random. */
  readonly random?: () => number;
}

interface Waiter {
  resolve(): void;
  reject(e: LlrpError): void;
}

/** Where the source is with its reader. */
export type LlrpPhase = 'idle' | 'connecting' | 'awaiting-event' | 'setting-up' | 'running' | 'backoff' | 'stopped';

export class LlrpSource implements Source {
  readonly name: string;
  /** For logs and tests: what the source is doing now. */
  phase: LlrpPhase = 'idle';
  readonly devices: readonly string[];
  readonly stats: LlrpSourceStats;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly antennas: AntennaMap;
  private readonly batcher: ScanBatcher;
  private readonly statuses = new Map<string, StatusReporter>();
  private sink: SourceSink | undefined;
  private conn: LlrpConnection | undefined;
  private connectionEvent: Waiter | undefined;
  private attempt = 0;
  private stopped = false;
  private reconnectTimer: { cancel(): void } | undefined;
  private watchdog: { cancel(): void } | undefined;

  constructor(private readonly config: LlrpSourceConfig, private readonly deps: LlrpSourceDeps = {}) {
    this.name = `llrp:${config.host}:${config.port}`;
    this.devices = [...new Set([...config.antennas.map((a) => a.device), config.device])];
    this.clock = deps.clock ?? systemClock;
    this.scheduler = deps.scheduler ?? systemScheduler;
    this.antennas = { devices: new Map(config.antennas.map((a) => [a.id, a.device])), fallback: config.device };
    this.batcher = new ScanBatcher(config, this.scheduler, (device, reads) => this.sink?.scans?.(device, reads));
    const failures = Object.fromEntries(LLRP_FAILURE_REASONS.map((r) => [r, 0])) as Record<LlrpFailureReason, number>;
    this.stats = { sessions: 0, reports: 0, tags: 0, reads: 0, undecoded: 0, repeats: 0, keepalives: 0, clockRejected: 0, failures };
  }

  private get log(): Logger | undefined {
    return this.deps.log;
  }

  start(sink: SourceSink): Promise<void> {
    this.sink = sink;
    for (const d of this.devices) this.statuses.set(d, new StatusReporter(d, sink, this.clock, this.deps.statusIntervalMs));
    this.connect();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.phase = 'stopped';
    this.reconnectTimer?.cancel();
    this.watchdog?.cancel();
    this.batcher.flush();
    const c = this.conn;
    this.conn = undefined;
    if (c) {
      c.send('CLOSE_CONNECTION');
      c.close();
    }
    return Promise.resolve();
  }

  /** Read at every connection, so a CA file replaced on disk counts from the next one. */
  private endpoint(): LlrpEndpoint {
    const t = this.config.tls;
    let ca: Buffer | undefined;
    try {
      ca = t?.caFile !== undefined ? readFileSync(t.caFile) : undefined;
    } catch (e) {
      throw new LlrpError('connect', `tls.caFile ${t?.caFile ?? ''}: ${(e as Error).message}`);
    }
    const tls = t === undefined ? undefined : { ...(ca !== undefined ? { ca } : {}), ...(t.servername !== undefined ? { servername: t.servername } : {}) };
    return { host: this.config.host, port: this.config.port, connectTimeoutMs: this.config.timeoutMs, ...(tls ? { tls } : {}) };
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    if (this.stopped) return;
    let conn: LlrpConnection | undefined;
    this.phase = 'connecting';
    const session = async (): Promise<void> => {
      // Listening before the socket opens (the event is the reader's first word); timed from the open on.
      const event = this.expectConnectionEvent();
      event.promise.catch(() => undefined); // awaited below once connected; a failure before that is counted by fail()
      conn = await LlrpConnection.open(this.endpoint(), {
        message: (m) => conn !== undefined && this.onMessage(conn, m),
        undecodable: (e) => this.onUndecodable(e),
        closed: (e) => this.fail(conn, e ?? new LlrpError('dropped', 'the connection was closed')),
      }, this.scheduler);
      if (this.stopped) return conn.close();
      this.conn = conn;
      event.arm();
      this.phase = 'awaiting-event';
      await event.promise;
      this.phase = 'setting-up';
      for (const step of setupSteps(this.config)) {
        const rsp = await conn.request(step.type, step.data, this.config.timeoutMs);
        if (!succeeded(rsp)) throw new LlrpError('status', `${step.type}: ${statusText(rsp.data)}`);
      }
      this.attempt = 0;
      this.stats.sessions++;
      this.armWatchdog();
      this.phase = 'running';
      this.log?.info({ source: this.name, rospecId: this.config.rospecId }, 'LLRP reader connected, ROSpec started');
      for (const s of this.statuses.values()) s.good(this.clock.now());
    };
    session().catch((e: unknown) => this.fail(conn, e instanceof LlrpError ? e : new LlrpError('protocol', (e as Error).message)));
  }

  /** The reader's first word: READER_EVENT_NOTIFICATION with ConnectionAttemptEvent, sent by the reader on every new connection. */
  private expectConnectionEvent(): { promise: Promise<void>; arm(): void } {
    let timer: { cancel(): void } | undefined;
    const promise = new Promise<void>((resolve, reject) => {
      this.connectionEvent = {
        resolve: () => (timer?.cancel(), (this.connectionEvent = undefined), resolve()),
        reject: (e) => (timer?.cancel(), (this.connectionEvent = undefined), reject(e)),
      };
    });
    const waiter = this.connectionEvent;
    const arm = (): void => {
      if (waiter !== undefined && this.connectionEvent === waiter) {
        timer = this.scheduler.after(this.config.timeoutMs, () => waiter.reject(new LlrpError('timeout', `no connection event within ${this.config.timeoutMs} ms`)));
      }
    };
    return { promise, arm };
  }

  /** The one place a failure is counted: `conn` is the connection it happened on (undefined before it opened). */
  private fail(conn: LlrpConnection | undefined, error: LlrpError): void {
    this.connectionEvent?.reject(error);
    if (this.stopped || conn !== this.conn) return;
    this.conn = undefined;
    this.watchdog?.cancel();
    conn?.destroy(error);
    this.batcher.flush();
    this.stats.failures[error.reason]++;
    const delay = backoffDelay(this.attempt++, (this.deps.random ?? Math.random)(), { initialMs: this.config.reconnectInitialMs, maxMs: this.config.reconnectMaxMs });
    this.log?.warn({ source: this.name, reason: error.reason, err: error.message, retryInMs: delay }, 'LLRP reader failed; reconnecting');
    for (const s of this.statuses.values()) s.error(`llrp ${error.reason}: ${error.message}`);
    this.phase = 'backoff';
    this.reconnectTimer = this.scheduler.after(delay, () => this.connect());
  }

  private onUndecodable(e: LlrpError): void {
    this.stats.failures.decode++;
    this.log?.warn({ source: this.name, err: e.message }, 'LLRP message not decoded');
    for (const s of this.statuses.values()) s.error(`llrp decode: ${e.message}`);
  }

  /** Nothing from the reader for three keepalive periods: the link is dead even if TCP has not said so. */
  private armWatchdog(): void {
    this.watchdog?.cancel();
    const conn = this.conn;
    const silence = 3 * this.config.keepaliveMs;
    this.watchdog = this.scheduler.after(silence, () => this.fail(conn, new LlrpError('silent', `nothing from the reader for ${silence} ms`)));
  }

  private onMessage(conn: LlrpConnection, m: LlrpJsonMessage): void {
    if (conn !== this.conn) return;
    if (this.watchdog) this.armWatchdog();
    switch (m.type) {
      case 'KEEPALIVE':
        this.stats.keepalives++;
        conn.send('KEEPALIVE_ACK', {}, m.id);
        return;
      case 'READER_EVENT_NOTIFICATION':
        return this.onEvent(m.data['ReaderEventNotificationData'] as Record<string, unknown> | undefined);
      case 'RO_ACCESS_REPORT':
        return this.onReport(m.data);
      case 'ERROR_MESSAGE':
        this.stats.failures['error-message']++;
        this.log?.warn({ source: this.name, status: statusText(m.data) }, 'LLRP reader sent ERROR_MESSAGE');
        return;
      default:
        this.log?.debug({ source: this.name, type: m.type }, 'LLRP message ignored');
    }
  }

  private onEvent(data: Record<string, unknown> | undefined): void {
    const attempt = data?.['ConnectionAttemptEvent'] as { Status?: unknown } | undefined;
    if (attempt !== undefined) {
      if (attempt.Status === 'Success') this.connectionEvent?.resolve();
      else this.connectionEvent?.reject(new LlrpError('refused', `the reader refused the connection: ${String(attempt.Status)}`));
      return;
    }
    if (data?.['ConnectionCloseEvent'] !== undefined) this.log?.info({ source: this.name }, 'LLRP reader is closing the connection');
  }

  private onReport(data: Record<string, unknown>): void {
    this.stats.reports++;
    const now = Math.round(this.clock.now());
    for (const t of tagReads(data, this.antennas, now)) {
      this.stats.tags++;
      if (t.clockRejected) this.stats.clockRejected++;
      if (this.batcher.repeated(t.device, t.key, now)) {
        this.stats.repeats++;
        continue;
      }
      this.stats.reads++;
      this.count(t.device, t.read);
      this.batcher.add(t.device, t.read);
    }
    if (this.batcher.immediate) this.batcher.flush();
  }

  private count(device: string, read: ScanRead): void {
    if (read.error !== undefined) this.stats.undecoded++;
    else this.statuses.get(device)?.good(read.time ?? this.clock.now());
  }
}
