/**
 * A readings link's manifest: which stored readings the commit holds, so verification finds them again wherever the
 * store moved them (docs/security.md "Tamper evidence"). Per group: varint series id, varint count, the first device
 * time as float64 LE, then the next times as runs of equal steps: varint step (positive, whole ms) and varint run
 * length; a step of 0 is followed by one float64 time instead (a step that is not a whole number of ms below 2^53).
 * A regular series costs a few bytes a group instead of eight a reading: the manifest is written with every commit,
 * so its bytes are paid on the store's path.
 * Not hashed into the link (the readings it points to are, times included): an edited manifest finds other readings
 * and breaks the digest.
 */
import type { CommitGroup } from './readings.js';

/** Numbers per reading in a group's values (readings.ts READING_WIDTH). */
const WIDTH = 5;
/** Most readings a manifest group may claim. */
const MAX_GROUP = 2 ** 24;

export interface ManifestGroup {
  readonly seriesId: number;
  readonly times: readonly number[];
}

class Writer {
  p = 0;
  private readonly f = new Float64Array(1);
  private readonly fb = new Uint8Array(this.f.buffer);
  private readonly le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

  /** `buf`: sized for the bytes expected (grown when short). */
  constructor(public buf: Uint8Array) {}

  private room(n: number): void {
    if (this.p + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.p + n));
    next.set(this.buf.subarray(0, this.p));
    this.buf = next;
  }

  varint(x: number): void {
    this.room(8);
    // Small numbers (every step of a regular series) with integer operations; larger ones in doubles.
    if (x < 0x80) {
      this.buf[this.p++] = x;
      return;
    }
    if (x < 0x4000) {
      this.buf[this.p++] = (x & 0x7f) | 0x80;
      this.buf[this.p++] = x >>> 7;
      return;
    }
    while (x >= 0x80) {
      this.buf[this.p++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.buf[this.p++] = x;
  }

  float(x: number): void {
    this.room(8);
    this.f[0] = x;
    for (let i = 0; i < 8; i++) this.buf[this.p++] = this.fb[this.le ? i : 7 - i]!;
  }
}

export function encodeManifest(groups: readonly CommitGroup[]): Uint8Array {
  let readings = 0;
  for (const g of groups) readings += g.values.length / WIDTH;
  const w = new Writer(new Uint8Array(groups.length * 16 + readings * 3 + 16));
  for (const g of groups) {
    const n = g.values.length / WIDTH;
    w.varint(g.seriesId);
    w.varint(n);
    if (n === 0) continue;
    let prev = g.values[0]!;
    w.float(prev);
    let step = 0;
    let run = 0;
    for (let o = WIDTH; o < g.values.length; o += WIDTH) {
      const t = g.values[o]!;
      const d = t - prev;
      const whole = Number.isSafeInteger(d) && d > 0 && prev + d === t;
      if (whole && d === step) run++;
      else {
        if (run > 0) { w.varint(step); w.varint(run); }
        if (whole) { step = d; run = 1; } else { w.varint(0); w.float(t); step = 0; run = 0; }
      }
      prev = t;
    }
    if (run > 0) { w.varint(step); w.varint(run); }
  }
  return w.buf.slice(0, w.p);
}

export function decodeManifest(bytes: Uint8Array): ManifestGroup[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  const varint = (): number => {
    let x = 0;
    let scale = 1;
    for (;;) {
      if (p >= bytes.length) throw new Error('manifest ends inside a number');
      const b = bytes[p++]!;
      x += (b & 0x7f) * scale;
      if (b < 0x80) return x;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new Error('manifest number too long');
    }
  };
  const float = (): number => {
    if (p + 8 > bytes.length) throw new Error('manifest ends inside a time');
    const x = view.getFloat64(p, true);
    p += 8;
    return x;
  };
  const out: ManifestGroup[] = [];
  while (p < bytes.length) {
    const seriesId = varint();
    const count = varint();
    // A bound, so an edited manifest cannot make verification allocate without end (a commit holds far fewer).
    if (count > MAX_GROUP) throw new Error(`manifest group of series ${seriesId} claims ${count} readings`);
    const times: number[] = [];
    if (count > 0) times.push(float());
    while (times.length < count) {
      const step = varint();
      if (step === 0) {
        times.push(float());
        continue;
      }
      const run = varint();
      if (run === 0 || times.length + run > count) throw new Error(`manifest group of series ${seriesId} runs past its ${count} readings`);
      for (let k = 0; k < run; k++) times.push(times[times.length - 1]! + step);
    }
    out.push({ seriesId, times });
  }
  return out;
}
