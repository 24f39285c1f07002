/**
 * One simulated device: its connection, sequence, device clock, in-flight window and outbox. Message content comes
 * from the device's own seeded PRNG in sequence order, so it does not depend on timing.
 */
import { performance } from 'node:perf_hooks';
import { dataTopic } from '@coldtrace/contract';
import { MALFORMED_KINDS, dataPayload, malformedPayload, timeSpan } from './payloads.js';
import { seededRandom } from '../random.js';
import { WireConnection, connectPacket, publishPacket } from './mqtt-wire.js';

export type TrafficKind = 'live' | 'replay';

export interface DeviceSink {
  published(kind: TrafficKind, readings: number, malformed: boolean): void;
  acked(kind: TrafficKind, readings: number, malformed: boolean, latencyMs: number): void;
  /** Messages that were in flight when the connection closed (not acknowledged: may or may not be stored). */
  lost(kind: TrafficKind, messages: number, readings: number): void;
  dropped(messages: number): void;
}

export interface DeviceSpec {
  readonly index: number;
  readonly kind: TrafficKind;
  readonly site: string;
  readonly prefix: string;
  readonly seed: number;
  readonly readingsPerMessage: number;
  readonly qos: 0 | 1;
  readonly inflight: number;
  readonly malformedShare: number;
  readonly outboxCap: number;
  /** Replay only: first device time, ms, and step between a metric's readings, ms. */
  readonly replayFrom?: number;
  readonly stepMs?: number;
  /** This connection's MQTT credential (LoadOptions.credentials): it is then its own node. */
  readonly login?: { readonly username: string; readonly password: string; readonly clientId: string };
}

interface InFlight { readonly createdAt: number; readonly readings: number; readonly malformed: boolean }

export class LoadDevice {
  private conn: WireConnection | undefined;
  private readonly topic: string;
  private readonly rnd: () => number;
  private seq = 0;
  private nextTime = 0;
  private nextPid = 1;
  private readonly inflight = new Map<number, InFlight>();
  /** Creation times (performance.now) of messages waiting for room in the window. */
  private outbox: number[] = [];
  private outboxHead = 0;
  /** Replay: readings still to publish. */
  remaining = Infinity;
  connected = false;

  constructor(private readonly spec: DeviceSpec, private readonly sink: DeviceSink) {
    const id = `${spec.prefix}-${spec.index}`;
    this.topic = dataTopic(spec.site, spec.login !== undefined ? `${spec.prefix}-node-${spec.index}` : `${spec.prefix}-node-${Math.floor(spec.index / 10)}`, id);
    this.rnd = seededRandom((spec.seed * 2654435761 + spec.index * 40503 + (spec.kind === 'replay' ? 7 : 0)) >>> 0);
    this.nextTime = spec.replayFrom ?? 0;
  }

  get clientId(): string {
    return this.spec.login?.clientId ?? `${this.spec.prefix}-node-${this.spec.index}`;
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  get queued(): number {
    return this.outbox.length - this.outboxHead;
  }

  /** Resolves when the broker accepted the connection (CONNACK 0). */
  connect(host: string, port: number, onClose: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const conn = new WireConnection(host, port, {
        connack: (rc) => {
          if (rc === 0) { this.connected = true; resolve(); } else reject(new Error(`CONNACK refused, return code ${rc}`));
        },
        puback: (pid) => this.onPuback(pid),
        close: (err) => {
          const wasConnected = this.connected;
          this.connected = false;
          this.failInflight();
          if (!wasConnected) reject(err ?? new Error('connection closed before CONNACK'));
          onClose();
        },
      });
      this.conn = conn;
      conn.socket.once('connect', () => conn.write(connectPacketFor(this.clientId, this.spec.login)));
    });
  }

  /** Rate mode: a message is due now; it goes out at once if the window has room, else waits in the outbox. */
  due(now: number): void {
    if (this.inflight.size < this.spec.inflight && this.queued === 0) { this.send(now); return; }
    if (this.queued >= this.spec.outboxCap) { this.sink.dropped(1); return; }
    this.outbox.push(now);
  }

  /** Closed loop / replay: fill the in-flight window. */
  fill(): void {
    const more = (): boolean => this.connected && this.inflight.size < this.spec.inflight && this.remaining > 0;
    if (!more()) return;
    this.conn!.batch(() => {
      while (more()) this.send(performance.now());
    });
  }

  /** Sends queued messages while the window has room. */
  flushOutbox(): void {
    const more = (): boolean => this.connected && this.queued > 0 && this.inflight.size < this.spec.inflight;
    if (!more()) return;
    this.conn!.batch(() => {
      while (more()) {
        this.send(this.outbox[this.outboxHead++]!);
        if (this.outboxHead > 1024 && this.outboxHead * 2 > this.outbox.length) {
          this.outbox = this.outbox.slice(this.outboxHead);
          this.outboxHead = 0;
        }
      }
    });
  }

  disconnect(): void {
    this.conn?.disconnect();
  }

  destroy(): void {
    this.conn?.destroy();
  }

  /** Called on each PUBACK; set by the generator to refill (closed loop) or flush the outbox (rate mode). */
  onRoom: () => void = () => undefined;

  private send(createdAt: number): void {
    if (!this.connected || this.conn === undefined) return;
    const s = this.spec;
    this.seq++;
    const malformed = s.kind === 'live' && s.malformedShare > 0 && this.rnd() < s.malformedShare;
    let payload: string;
    let readings = 0;
    if (s.kind === 'replay') {
      const n = Math.min(s.readingsPerMessage, this.remaining);
      payload = dataPayload(this.seq, this.nextTime, n, this.rnd, s.stepMs ?? 1000);
      this.nextTime += timeSpan(n) * (s.stepMs ?? 1000);
      this.remaining -= n;
      readings = n;
    } else {
      // Device time: the wall clock, kept strictly increasing so (device, metric, time) never repeats.
      const t = Math.max(Date.now(), this.nextTime);
      if (malformed) {
        payload = malformedPayload(MALFORMED_KINDS[Math.floor(this.rnd() * MALFORMED_KINDS.length)]!, this.seq, t);
        this.nextTime = t + 1;
      } else {
        payload = dataPayload(this.seq, t, s.readingsPerMessage, this.rnd, 1);
        this.nextTime = t + timeSpan(s.readingsPerMessage);
        readings = s.readingsPerMessage;
      }
    }
    const pid = this.nextPid;
    this.nextPid = this.nextPid === 65535 ? 1 : this.nextPid + 1;
    this.conn.write(publishPacket(this.topic, payload, s.qos, pid));
    this.sink.published(s.kind, readings, malformed);
    if (s.qos === 0) {
      this.sink.acked(s.kind, readings, malformed, performance.now() - createdAt);
      return;
    }
    this.inflight.set(pid, { createdAt, readings, malformed });
  }

  private onPuback(pid: number): void {
    const m = this.inflight.get(pid);
    if (m === undefined) return;
    this.inflight.delete(pid);
    this.sink.acked(this.spec.kind, m.readings, m.malformed, performance.now() - m.createdAt);
    this.onRoom();
  }

  private failInflight(): void {
    let readings = 0;
    for (const m of this.inflight.values()) readings += m.readings;
    if (this.inflight.size > 0) this.sink.lost(this.spec.kind, this.inflight.size, readings);
    this.inflight.clear();
  }
}

function connectPacketFor(clientId: string, login?: { readonly username: string; readonly password: string }): Buffer {
  // keepalive 0: no PINGREQ timers on 10,000 connections; clean session: no broker-side state after a run.
  return connectPacket(clientId, 0, true, login);
}
