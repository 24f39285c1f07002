/**
 * Modbus TCP / RTU poller: one bus per source, one timer per device poll group, reads planned by `planReads`.
 * A failed read is reported through `sink.status` and never becomes a reading (docs/domain.md §5).
 */
import type { DeviceStatus } from '@coldtrace/contract';
import type { Logger } from 'pino';
import { systemScheduler, type Clock, type Scheduler } from '../../clock.js';
import type { ModbusDeviceConfig, ModbusRegisterConfig, ModbusSourceConfig } from '../../config/types.js';
import { planReads, type ReadRequest } from '../../decode/modbus.js';
import type { Source, SourceSink } from '../source.js';
import { BusQueue } from './bus.js';
import { decodeGroup } from './group.js';
import { busRank, DEFAULT_HEALTH_POLICY, INITIAL_HEALTH, isSuspect, onFailure, onSuccess, shouldSkip, type HealthPolicy, type HealthState } from './health.js';
import { ModbusSerialTransport, type ModbusEndpoint, type ModbusTransport } from './transport.js';

export interface ModbusSourceDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** Poll timers and the bus's wake-ups. Default: real timers. */
  readonly scheduler?: Scheduler;
  /** Default: modbus-serial on the configured endpoint. Tests may pass another implementation of the port. */
  readonly transport?: ModbusTransport;
  readonly random?: () => number;
  readonly healthPolicy?: HealthPolicy;
}

export interface ModbusSourceStats {
  readonly polls: number;
  readonly failures: number;
  /** Polls skipped because the previous poll of the same group was still queued (bus overloaded). */
  readonly overruns: number;
  /** Polls skipped because the slave is in backoff. */
  readonly backoffSkips: number;
  /** Times a failing slave's poll waited because no gap before a healthy poll was wide enough. */
  readonly probeDeferrals: number;
  /** Polls of a failing slave whose timeout was cut short to fit the gap before a healthy poll. */
  readonly probesCut: number;
  /** Polls refused because the bus queue was full (it holds at most 1,000 jobs). */
  readonly busRefused: number;
}

interface DeviceState {
  readonly config: ModbusDeviceConfig;
  readonly log: Logger;
  readonly minIntervalMs: number;
  health: HealthState;
  reported: DeviceStatus['state'] | undefined;
}

interface GroupState {
  readonly device: DeviceState;
  readonly intervalMs: number;
  readonly registers: readonly ModbusRegisterConfig[];
  readonly requests: readonly ReadRequest[];
  pending: boolean;
  nextAt: number;
  timer: { cancel(): void } | undefined;
}

function endpointOf(config: ModbusSourceConfig): ModbusEndpoint {
  return config.kind === 'modbus-tcp'
    ? { kind: 'tcp', host: config.host, port: config.port, connectTimeoutMs: config.connectTimeoutMs }
    : { kind: 'rtu', path: config.path, baudRate: config.baudRate, parity: config.parity, dataBits: config.dataBits, stopBits: config.stopBits };
}

export class ModbusSource implements Source {
  readonly name: string;
  readonly devices: readonly string[];
  private readonly transport: ModbusTransport;
  private readonly bus: BusQueue;
  private readonly scheduler: Scheduler;
  private readonly groups: GroupState[] = [];
  private readonly random: () => number;
  private readonly policy: HealthPolicy;
  private sink: SourceSink | undefined;
  private running = false;
  private stats_ = { polls: 0, failures: 0, overruns: 0, backoffSkips: 0, probesCut: 0 };

  constructor(
    config: ModbusSourceConfig,
    private readonly deps: ModbusSourceDeps,
  ) {
    this.name = config.kind === 'modbus-tcp' ? `modbus-tcp:${config.host}:${config.port}` : `modbus-rtu:${config.path}`;
    this.devices = config.devices.map((d) => d.id);
    this.transport = deps.transport ?? new ModbusSerialTransport(endpointOf(config));
    this.random = deps.random ?? Math.random;
    this.policy = deps.healthPolicy ?? DEFAULT_HEALTH_POLICY;
    this.scheduler = deps.scheduler ?? systemScheduler;
    this.bus = new BusQueue(deps.clock, this.scheduler, { nextHealthyDueAt: () => this.nextHealthyDueAt() });
    for (const dc of config.devices) {
      const intervals = Object.entries(dc.pollGroups).filter(([name]) => dc.registers.some((r) => r.group === name));
      const device: DeviceState = {
        config: dc,
        log: deps.log.child({ device: dc.id, unitId: dc.unitId }),
        minIntervalMs: Math.min(...intervals.map(([, g]) => g.intervalMs)),
        health: INITIAL_HEALTH,
        reported: undefined,
      };
      for (const [name, group] of intervals) {
        const registers = dc.registers.filter((r) => r.group === name);
        const requests = planReads(registers, { maxGap: dc.maxGap });
        this.groups.push({ device, intervalMs: group.intervalMs, registers, requests, pending: false, nextAt: 0, timer: undefined });
      }
    }
  }

  async start(sink: SourceSink): Promise<void> {
    this.sink = sink;
    this.running = true;
    const now = this.deps.clock.now();
    for (const g of this.groups) {
      g.nextAt = now;
      this.schedule(g);
    }
  }

  private schedule(g: GroupState): void {
    if (!this.running) return;
    g.timer = this.scheduler.after(g.nextAt - this.deps.clock.now(), () => this.tick(g));
  }

  /** The next due poll of a healthy slave whose job is not already queued: the others must be done by then. */
  private nextHealthyDueAt(): number {
    let due = Infinity;
    for (const g of this.groups) if (!g.pending && busRank(g.device.health) === 'healthy' && g.nextAt < due) due = g.nextAt;
    return due;
  }

  private tick(g: GroupState): void {
    if (!this.running) return;
    const now = this.deps.clock.now();
    // Fixed-rate schedule without drift; after a long stall, skip missed slots rather than bursting.
    g.nextAt += g.intervalMs;
    if (g.nextAt <= now) g.nextAt = now + g.intervalMs;
    this.schedule(g);
    const d = g.device;
    if (shouldSkip(d.health, now)) {
      this.stats_.backoffSkips += 1;
      return;
    }
    if (g.pending) {
      // A failing slave's poll waiting for a gap is not an overrun: it is demoted on purpose.
      if (isSuspect(d.health)) return;
      this.stats_.overruns += 1;
      // One late poll is normal on a shared bus; data older than two intervals (plus a timeout) is stale.
      const staleAfter = 2 * g.intervalMs + d.config.timeoutMs;
      if (d.reported === 'ok' && d.health.lastGoodTime !== undefined && now - d.health.lastGoodTime > staleAfter) {
        this.report(d, 'stale', `no fresh data for ${now - d.health.lastGoodTime} ms: bus overloaded, polls overrun`);
      }
      return;
    }
    g.pending = true;
    const accepted = this.bus.push({ rank: busRank(d.health), run: (budgetMs) => this.poll(g, budgetMs) });
    if (!accepted) g.pending = false;
  }

  /** `budgetMs`: how long this poll may hold the bus (finite only for a failing slave polled in a gap). */
  private async poll(g: GroupState, budgetMs: number): Promise<void> {
    const d = g.device;
    try {
      if (!this.running) return;
      this.stats_.polls += 1;
      const deadline = this.deps.clock.now() + budgetMs;
      if (budgetMs < d.config.timeoutMs) this.stats_.probesCut += 1;
      const words: number[][] = [];
      for (const req of g.requests) {
        const timeoutMs = Math.max(1, Math.min(d.config.timeoutMs, Math.floor(deadline - this.deps.clock.now())));
        words.push(await this.transport.read(d.config.unitId, req.functionCode, req.address, req.count, timeoutMs));
      }
      const now = this.deps.clock.now();
      const { readings, invalid } = decodeGroup(g.registers, g.requests, words, now);
      d.health = onSuccess(d.health, now);
      if (readings.length > 0) this.sink?.readings(d.config.id, readings);
      if (invalid.length > 0) d.log.warn({ invalid }, 'registers without a numeric value skipped');
      if (d.reported !== 'ok') this.report(d, 'ok');
    } catch (err) {
      const now = this.deps.clock.now();
      const cut = budgetMs < d.config.timeoutMs ? ` (a failing slave's poll, cut to the gap before a healthy poll; timeoutMs ${d.config.timeoutMs})` : '';
      const message = (err instanceof Error ? `${(err as { code?: string }).code ?? 'E_MODBUS'}: ${err.message}` : String(err)) + cut;
      this.stats_.failures += 1;
      d.health = onFailure(d.health, now, message, d.minIntervalMs, this.random(), this.policy);
      d.log.warn({ err: message, consecutiveFailures: d.health.consecutiveFailures }, 'modbus read failed');
      if (this.running) this.report(d, 'error', message);
    } finally {
      g.pending = false;
    }
  }

  private report(d: DeviceState, state: DeviceStatus['state'], error?: string): void {
    d.reported = state;
    const h = d.health;
    this.sink?.status(d.config.id, {
      time: this.deps.clock.now(),
      state,
      errorCount: h.errorCount,
      ...(error !== undefined ? { error: error.slice(0, 512) } : {}),
      ...(h.lastGoodTime !== undefined ? { lastGoodTime: h.lastGoodTime } : {}),
    });
  }

  stats(): ModbusSourceStats {
    const bus = this.bus.stats();
    return { ...this.stats_, probeDeferrals: bus.deferrals, busRefused: bus.refused };
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const g of this.groups) g.timer?.cancel();
    await this.bus.drain();
    await this.transport.close();
  }
}
