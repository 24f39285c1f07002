/**
 * An accelerometer streaming raw samples over serial as `A,<t_ms>,<ax>,<ay>,<az>` lines (g; t_ms the device's
 * millisecond counter), with injectable shocks (half-sine pulses) and drops (free falls). Each tick writes the
 * samples of one chunk of device time; deterministic given the seed and the ticker.
 */
import { realTicker, SerialWriter, type Ticker } from './serial-writer.js';
import { seededRandom } from '../random.js';

export interface AccelSimulatorOptions {
  readonly path: string;
  /** Default 115200. */
  readonly baudRate?: number;
  /** Samples per second. Default 1000. */
  readonly sampleRateHz?: number;
  /** Device time written per tick, ms (also the ticker interval). Default 100. */
  readonly chunkMs?: number;
  /** Uniform noise on each axis, ± g. Default 0.02. */
  readonly noiseG?: number;
  /** Device counter at the first sample, ms. Default 0. */
  readonly startCounterMs?: number;
  /** Default 1. */
  readonly seed?: number;
  readonly ticker?: Ticker;
}

export type InjectedEvent =
  | { readonly kind: 'shock'; readonly atMs: number; readonly peakG: number; readonly durationMs: number; readonly axis: 'x' | 'y' | 'z' }
  | { readonly kind: 'drop'; readonly atMs: number; readonly durationMs: number };

type Vec = { ax: number; ay: number; az: number };

export class AccelSimulator {
  /** Every injected event with its start on the device counter, ms. */
  readonly injected: InjectedEvent[] = [];
  /** Samples written so far. */
  samples = 0;
  private readonly rate: number;
  private readonly chunkMs: number;
  private readonly noise: number;
  private readonly random: () => number;
  private readonly ticker: Ticker;
  private readonly startCounterMs: number;
  private writer: SerialWriter | undefined;
  private task: { cancel(): void } | undefined;
  /** Gap left after an injected event before the next one, ms. */
  private static readonly SPACING_MS = 50;
  private nextFreeMs = 0;

  constructor(private readonly options: AccelSimulatorOptions) {
    this.rate = options.sampleRateHz ?? 1000;
    this.chunkMs = options.chunkMs ?? 100;
    this.noise = options.noiseG ?? 0.02;
    this.random = seededRandom(options.seed ?? 1);
    this.ticker = options.ticker ?? realTicker;
    this.startCounterMs = options.startCounterMs ?? 0;
  }

  /** Device counter of the next sample, ms. */
  get counterMs(): number {
    return this.startCounterMs + (this.samples * 1000) / this.rate;
  }

  async start(): Promise<void> {
    this.writer = await SerialWriter.open(this.options.path, this.options.baudRate ?? 115_200);
    this.writer.write('# coldtrace accel simulator\r\n');
    this.task = this.ticker.every(this.chunkMs, () => this.writeChunk());
  }

  /** Schedules a half-sine shock of `peakG` |a| lasting `durationMs` after what is already written or scheduled. */
  injectShock(peakG: number, durationMs = 10, axis: 'x' | 'y' | 'z' = 'z'): InjectedEvent {
    return this.schedule({ kind: 'shock', atMs: this.slot(durationMs), peakG, durationMs, axis });
  }

  /** Schedules a free fall (|a| ≈ 0) of `durationMs`, after what is already written or scheduled. */
  injectDrop(durationMs: number): InjectedEvent {
    return this.schedule({ kind: 'drop', atMs: this.slot(durationMs), durationMs });
  }

  private slot(durationMs: number): number {
    const at = Math.max(this.counterMs + AccelSimulator.SPACING_MS, this.nextFreeMs);
    this.nextFreeMs = at + durationMs + AccelSimulator.SPACING_MS;
    return at;
  }

  private schedule(e: InjectedEvent): InjectedEvent {
    this.injected.push(e);
    return e;
  }

  /** The acceleration at device time `t` (before noise). */
  private signal(t: number): { v: Vec; falling: boolean } {
    for (const e of this.injected) {
      if (e.kind === 'drop') {
        if (t >= e.atMs && t < e.atMs + e.durationMs) return { v: { ax: 0, ay: 0, az: 0 }, falling: true };
        continue;
      }
      if (t < e.atMs || t > e.atMs + e.durationMs) continue;
      const s = Math.sin((Math.PI * (t - e.atMs)) / e.durationMs);
      // Pulse amplitude chosen so the peak of |gravity + pulse| is exactly peakG.
      if (e.axis === 'z') return { v: { ax: 0, ay: 0, az: 1 + (e.peakG - 1) * s }, falling: false };
      const p = Math.sqrt(e.peakG * e.peakG - 1) * s;
      return { v: { ax: e.axis === 'x' ? p : 0, ay: e.axis === 'y' ? p : 0, az: 1 }, falling: false };
    }
    return { v: { ax: 0, ay: 0, az: 1 }, falling: false };
  }

  /** The next `n` sample lines (advances the counter). */
  nextLines(n: number): string[] {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = this.counterMs;
      const { v, falling } = this.signal(t);
      // Less noise in free fall so |a| stays far below the 0.5 g threshold.
      const k = falling ? 0.5 : 1;
      const n3 = (): number => (this.random() * 2 - 1) * this.noise * k;
      const f = (x: number): string => x.toFixed(4);
      const tText = Number.isInteger(t) ? String(t) : t.toFixed(3);
      lines.push(`A,${tText},${f(v.ax + n3())},${f(v.ay + n3())},${f(v.az + n3())}`);
      this.samples++;
    }
    return lines;
  }

  /** Writes one chunk of samples now (the ticker calls this; tests may too). */
  writeChunk(): void {
    const n = Math.round((this.chunkMs * this.rate) / 1000);
    this.writer?.write(this.nextLines(n).join('\r\n') + '\r\n');
  }

  async stop(): Promise<void> {
    this.task?.cancel();
    this.task = undefined;
    await this.writer?.drain().catch(() => undefined);
    await this.writer?.close();
    this.writer = undefined;
  }
}
