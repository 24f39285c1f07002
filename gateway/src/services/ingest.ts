/**
 * The ingest use case: one MQTT message in, durable outcome out. The returned promise resolves only when the
 * outcome is durable (readings committed, or the refused message kept in quarantine); the MQTT adapters acknowledge
 * (PUBACK) only then. If it rejects, nothing was kept and the message must NOT be acknowledged.
 */
import type { Logger } from 'pino';
import { REJECT_CODES } from '../domain/reject-codes.js';
import type { Inbound, MessageValidator, Rejection } from '../domain/validate.js';
import type { FeedbackService } from './feedback.js';
import type { ScanService } from './scans.js';
import type { Clock } from '../ports/clock.js';
import type { Quarantine } from '../ports/quarantine.js';
import type { StatusLog } from '../ports/status-log.js';
import { ReadingFlag } from '../domain/reading.js';
import type { LiveState } from './live-state.js';
import { TurnSlicer } from './turn-slicer.js';
import type { GatewayMetrics } from './metrics.js';
import type { WriteBatcher, WriteLane } from './write-batcher.js';

/** Raw bytes kept for a quarantined message; the true size is recorded beside them. */
export const QUARANTINE_PAYLOAD_CAP_BYTES = 1024 * 1024;

export interface InboundMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  /** MQTT client id of the publisher (the edge node), or a marker such as `replay:<id>`. */
  readonly clientId: string;
  /** Gateway receive time, ms. */
  readonly receivedAt: number;
}

export type IngestOutcome =
  | { readonly kind: 'stored'; readonly readings: number; readonly lane: WriteLane }
  | { readonly kind: 'status' }
  | { readonly kind: 'scan'; readonly reads: number }
  | { readonly kind: 'quarantined'; readonly id: number; readonly code: string; readonly detail: string };

type DataInbound = Extract<Inbound, { kind: 'data' }>;

export interface IngestDeps {
  readonly validator: MessageValidator;
  readonly batcher: WriteBatcher;
  readonly quarantine: Quarantine;
  readonly statusLog: StatusLog;
  readonly live: LiveState;
  readonly metrics: GatewayMetrics;
  readonly clock: Clock;
  readonly log: Logger;
  /** Paces large messages (turn-slicer.ts). Default: a TurnSlicer with its default sizes. */
  readonly slicer?: TurnSlicer;
  /** Tells a node its message was refused (issue #24). Default: nobody is told. */
  readonly feedback?: FeedbackService;
  /** Scans into custody (issue #21). Default: none; a scan message is then quarantined, never dropped. */
  readonly scans?: Pick<ScanService, 'accept'>;
}

export class IngestService {
  // Label children bound once: the hot path does not hash label sets per message.
  private readonly storedMessages: ReturnType<GatewayMetrics['messages']['labels']>;
  private readonly statusMessages: ReturnType<GatewayMetrics['messages']['labels']>;
  private readonly skewed: ReturnType<GatewayMetrics['flagged']['labels']>;
  private readonly late: ReturnType<GatewayMetrics['flagged']['labels']>;
  private readonly slicer: TurnSlicer;
  private readonly ackIn: Record<WriteLane, ReturnType<GatewayMetrics['ack']['labels']>>;

  constructor(private readonly deps: IngestDeps) {
    this.slicer = deps.slicer ?? new TurnSlicer();
    this.ackIn = { live: deps.metrics.ack.labels('live'), backlog: deps.metrics.ack.labels('backlog') };
    this.storedMessages = deps.metrics.messages.labels('stored');
    this.statusMessages = deps.metrics.messages.labels('status');
    this.skewed = deps.metrics.flagged.labels('clock_skew');
    this.late = deps.metrics.flagged.labels('late');
    deps.metrics.setLastSeenSource(() => deps.live.listDevices());
  }

  /**
   * One message from an MQTT adapter (embedded broker or external connection): `done(null)` once the outcome is
   * durable, `done(error)` if nothing was kept (do not acknowledge). A valid data message costs one closure here
   * instead of an async frame and three promises (see WriteBatcher.writeThen).
   */
  accept(m: InboundMessage, done: (error: Error | null) => void): void {
    const bytes = m.payload.byteLength;
    if (!this.slicer.defers(bytes)) return this.acceptNow(m, done);
    // On a later turn nobody up the stack would hear an error: it becomes this message's outcome (not acknowledged).
    this.slicer.defer(bytes, () => {
      try {
        this.acceptNow(m, done);
      } catch (e) {
        done(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  private acceptNow(m: InboundMessage, done: (error: Error | null) => void): void {
    const checked = this.deps.validator.check(m.topic, m.payload, m.receivedAt);
    if (!checked.ok || checked.kind !== 'data') {
      this.handleChecked(m, checked).then((outcome) => {
        this.acked(m.receivedAt, 'live');
        done(null);
        // After the acknowledgement: what the device is told never holds up its PUBACK.
        if (outcome.kind === 'quarantined' && !checked.ok) this.refused(m, checked, outcome.id);
      }, (e: unknown) => done(e instanceof Error ? e : new Error(String(e))));
      return;
    }
    const lane = laneOf(checked.readings);
    this.deps.batcher.writeThen(checked.readings, (error) => {
      if (error !== null) return done(error);
      try {
        this.stored(checked, m.receivedAt);
        this.acked(m.receivedAt, lane);
      } catch (e) {
        // Stored but not acknowledged: the device re-sends and the store counts the copy as a duplicate.
        return done(e instanceof Error ? e : new Error(String(e)));
      }
      done(null);
    }, lane);
  }

  /**
   * A message the broker's topic ACL refused (adapters/mqtt/broker-auth.ts): kept in quarantine as E_FORBIDDEN, never
   * ingested; `done(null)` once that is durable. Nobody is told on MQTT: the topic's node is not the sender.
   */
  forbidden(m: InboundMessage, detail: string, done: (error: Error | null) => void): void {
    this.toQuarantine(m, { ok: false, code: 'E_FORBIDDEN', detail, topic: undefined }).then(() => done(null), (e: unknown) => done(e instanceof Error ? e : new Error(String(e))));
  }

  /** The outcome of a message received at `receivedAt` is durable: the adapter acknowledges it now. */
  private acked(receivedAt: number, lane: WriteLane): void {
    this.ackIn[lane].observe((this.deps.clock.now() - receivedAt) / 1000);
  }

  /** After the commit of a data message: live view and counters. */
  private stored(checked: DataInbound, receivedAt: number): void {
    const { site, node, device } = checked.topic;
    this.deps.live.onReadings(site, node, device, checked.seq, checked.readings, receivedAt);
    this.storedMessages.inc();
    this.deps.metrics.lag.observe((receivedAt - checked.readings[0]!.time) / 1000);
    for (const r of checked.readings) {
      if (r.flags === 0) continue;
      if (r.flags & ReadingFlag.CLOCK_SKEW) this.skewed.inc();
      if (r.flags & ReadingFlag.LATE) this.late.inc();
    }
  }

  private async handleChecked(m: InboundMessage, checked: Inbound): Promise<IngestOutcome> {
    const { batcher, live, statusLog } = this.deps;
    if (!checked.ok) return this.toQuarantine(m, checked);
    switch (checked.kind) {
      case 'data': {
        const lane = laneOf(checked.readings);
        await batcher.write(checked.readings, lane);
        this.stored(checked, m.receivedAt);
        return { kind: 'stored', readings: checked.readings.length, lane };
      }
      case 'device-status': {
        const { site, node, device } = checked.topic;
        const s = checked.status;
        await statusLog.append({ receivedAt: m.receivedAt, site, node, device, state: s.state, time: s.time, body: JSON.stringify(s) });
        live.onDeviceStatus(site, node, device, s, m.receivedAt);
        this.statusMessages.inc();
        return { kind: 'status' };
      }
      case 'node-status': {
        const { site, node } = checked.topic;
        const s = checked.status;
        await statusLog.append({ receivedAt: m.receivedAt, site, node, device: null, state: s.state, time: s.time, body: JSON.stringify(s) });
        live.onNodeStatus(site, node, s, m.receivedAt);
        this.statusMessages.inc();
        return { kind: 'status' };
      }
      case 'scan': {
        if (this.deps.scans === undefined) return this.toQuarantine(m, { ok: false, code: 'E_TOPIC', detail: 'this gateway does not take scans', topic: checked.topic });
        const r = await this.deps.scans.accept(checked, m.receivedAt);
        this.deps.metrics.messages.labels('scan').inc();
        return { kind: 'scan', reads: r.reads };
      }
    }
  }

  /**
   * Runs a quarantined message through ingest again (after the catalogue, the device or the contract was fixed).
   * The entry stays in quarantine with the replay's outcome; a new rejection creates a new entry.
   */
  async replay(id: number): Promise<IngestOutcome | undefined> {
    const entry = await this.deps.quarantine.get(id);
    if (entry === undefined) return undefined;
    if (entry.size !== entry.payload.length) {
      const detail = `payload was truncated to ${entry.payload.length} of ${entry.size} bytes when quarantined; it cannot be replayed`;
      await this.deps.quarantine.markReplayed(id, this.deps.clock.now(), `refused: ${detail}`);
      return { kind: 'quarantined', id, code: entry.code, detail };
    }
    // handleChecked, not accept: a replay is not a device's message waiting for its acknowledgement.
    const m: InboundMessage = { topic: entry.topic, payload: entry.payload, clientId: `replay:${id}`, receivedAt: this.deps.clock.now() };
    const checked = this.deps.validator.check(m.topic, m.payload, m.receivedAt);
    if (!checked.ok) {
      // Still refused: an attempt of this entry, not a new one (its raw bytes are here already).
      await this.deps.quarantine.markReplayed(id, this.deps.clock.now(), `refused again: ${checked.code}: ${checked.detail}`);
      return { kind: 'quarantined', id, code: checked.code, detail: checked.detail };
    }
    const outcome = await this.handleChecked(m, checked);
    await this.deps.quarantine.markReplayed(id, this.deps.clock.now(), outcome.kind);
    return outcome;
  }

  /** A device's message is durably quarantined: its live state says so and its node is told. Never throws. */
  private refused(m: InboundMessage, r: Rejection, quarantineId: number): void {
    const parsed = r.topic;
    if (parsed === undefined) return; // no node to tell: the topic named none
    try {
      if (parsed.kind !== 'node-status') this.deps.live.onRefused(parsed.site, parsed.node, parsed.device, r.code, r.detail, m.receivedAt);
      this.deps.feedback?.refused({ topic: m.topic, parsed, code: r.code, detail: r.detail, facts: r.facts ?? {}, receivedAt: m.receivedAt, quarantineId });
    } catch (e) {
      this.deps.log.error({ err: (e as Error).message, quarantineId }, 'refusal not reported');
    }
  }

  private async toQuarantine(m: InboundMessage, r: Rejection): Promise<IngestOutcome> {
    const device = r.topic !== undefined && r.topic.kind !== 'node-status' ? r.topic.device : null;
    const payload = Buffer.from(m.payload.buffer, m.payload.byteOffset, Math.min(m.payload.byteLength, QUARANTINE_PAYLOAD_CAP_BYTES));
    const id = await this.deps.quarantine.put({
      receivedAt: m.receivedAt, topic: m.topic, clientId: m.clientId, device, code: r.code, detail: r.detail,
      payload, size: m.payload.byteLength,
    });
    this.deps.metrics.messages.labels('quarantined').inc();
    this.deps.metrics.quarantined.inc({ code: r.code });
    this.deps.log.warn({ quarantineId: id, code: r.code, detail: r.detail, topic: m.topic, clientId: m.clientId }, `quarantined: ${REJECT_CODES[r.code]}`);
    return { kind: 'quarantined', id, code: r.code, detail: r.detail };
  }
}

/**
 * A message whose readings are all LATE is a store-and-forward replay: it goes into the backlog lane, which cannot
 * make live messages wait behind it. One fresh reading makes the whole message live.
 */
export function laneOf(readings: DataInbound['readings']): WriteLane {
  for (const r of readings) if ((r.flags & ReadingFlag.LATE) === 0) return 'live';
  return 'backlog';
}
