/**
 * An XY-MD02 / SHT20 RS-485 temperature and humidity sensor (docs/domain.md §5), as a Modbus slave:
 *   input registers (FC 04)   0x0001 temperature, signed int16 × 0.1 °C; 0x0002 humidity, × 0.1 %RH
 *   holding registers (FC 03) 0x0101 slave address, 0x0102 baud code (0=9600, 1=14400, 2=19200),
 *                             0x0103 / 0x0104 temperature / humidity offset, signed, ÷ 10
 * The signal is deterministic: a function of the seed and the injected clock, held constant for `stepMs`, so a
 * test can ask what the sensor served at a given time and compare with what the agent published.
 */
import type { SimulatedSlave } from './modbus-server.js';

export interface Xymd02Options {
  /** Modbus slave address, 1..247. Default 1. */
  readonly unitId: number;
  /** Seed of the signal; two sensors with different seeds differ. Default 1. */
  readonly seed: number;
  /** Mean temperature, °C. Default 4 (a cold room). */
  readonly baseC: number;
  /** Amplitude of the slow swing, °C. Default 1.5. */
  readonly amplitudeC: number;
  /** Period of the slow swing, ms. Default 1 h (a defrost-like cycle). */
  readonly periodMs: number;
  /** Peak noise, °C. Default 0.2. */
  readonly noiseC: number;
  /** Mean humidity, %RH. Default 75. */
  readonly baseRH: number;
  /** The value is held constant within each step, ms. Default 1000. */
  readonly stepMs: number;
  /** Clock of the signal. Default wall clock. */
  readonly clock: { now(): number };
}

export const DEFAULT_XYMD02_OPTIONS: Xymd02Options = {
  unitId: 1,
  seed: 1,
  baseC: 4,
  amplitudeC: 1.5,
  periodMs: 3_600_000,
  noiseC: 0.2,
  baseRH: 75,
  stepMs: 1000,
  clock: { now: () => Date.now() },
};

export interface Xymd02Values {
  /** °C, to 0.1, as served (offset applied). */
  readonly temperature: number;
  /** %RH, to 0.1, as served (offset applied). */
  readonly humidity: number;
}

/** Deterministic hash of (seed, n) to [-1, 1) (mulberry32 step). */
function noise(seed: number, n: number): number {
  let t = (seed * 0x9e3779b1 + n * 0x85ebca6b) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const toWord = (tenths: number): number => Math.round(tenths) & 0xffff;
const fromWord = (w: number): number => ((w & 0xffff) << 16) >> 16;

export class Xymd02 implements SimulatedSlave {
  readonly options: Xymd02Options;
  answering = true;
  private unit: number;
  private baudCode = 0;
  /** Offsets in tenths (registers 0x0103/0x0104). */
  private tempOffset = 0;
  private humOffset = 0;
  private override: Partial<Xymd02Values> = {};

  constructor(options: Partial<Xymd02Options> = {}) {
    this.options = { ...DEFAULT_XYMD02_OPTIONS, ...options };
    this.unit = this.options.unitId;
  }

  get unitId(): number {
    return this.unit;
  }

  /** The values the sensor serves at time `t` (default: now). */
  valueAt(t: number = this.options.clock.now()): Xymd02Values {
    const o = this.options;
    const step = Math.floor(t / o.stepMs);
    const phase = noise(o.seed, -1) * Math.PI;
    const swing = Math.sin((2 * Math.PI * step * o.stepMs) / o.periodMs + phase);
    const temp = this.override.temperature ?? o.baseC + o.amplitudeC * swing + o.noiseC * noise(o.seed, step);
    const hum = this.override.humidity ?? Math.min(100, Math.max(0, o.baseRH - 2 * (temp - o.baseC) + 1.5 * noise(o.seed + 7, step)));
    return {
      temperature: round1(temp + this.tempOffset / 10),
      humidity: round1(Math.min(100, Math.max(0, hum + this.humOffset / 10))),
    };
  }

  /** Forces a value (for excursion scenarios); pass undefined fields to return to the signal. */
  set(values: Partial<Xymd02Values>): void {
    this.override = { ...values };
  }

  /** Stops (false) or resumes (true) answering: a dead slave, as far as the bus can tell. */
  setAnswering(on: boolean): void {
    this.answering = on;
  }

  readInput(address: number): number | undefined {
    const v = this.valueAt();
    if (address === 0x0001) return toWord(v.temperature * 10);
    if (address === 0x0002) return toWord(v.humidity * 10);
    return undefined;
  }

  readHolding(address: number): number | undefined {
    switch (address) {
      case 0x0101:
        return this.unit;
      case 0x0102:
        return this.baudCode;
      case 0x0103:
        return toWord(this.tempOffset);
      case 0x0104:
        return toWord(this.humOffset);
      default:
        return undefined;
    }
  }

  writeHolding(address: number, value: number): boolean {
    switch (address) {
      case 0x0101:
        if (value < 1 || value > 247) return false;
        this.unit = value;
        return true;
      case 0x0102:
        if (value > 2) return false;
        this.baudCode = value;
        return true;
      case 0x0103:
        this.tempOffset = fromWord(value);
        return true;
      case 0x0104:
        this.humOffset = fromWord(value);
        return true;
      default:
        return false;
    }
  }
}
