/**
 * The heads of the ingest log in compact memory: per series, the logged readings not yet written as a chunk.
 *
 * With 10,000 devices there are 40,000 heads of a few readings each. As JS objects (an array of numbers and a Map per
 * head) they cost ~800 bytes each with GC headroom, +46-59 MB of RSS in the 10,000-device bench: too close to its
 * 400 MB target. Here readings live in blocks of a few typed arrays shared by all heads, outside the JS heap, and a
 * head is a slot: ~60 bytes plus blocks of 4 readings of 48 bytes.
 */
import { CHUNK_WIDTH } from './chunk.js';

/** Numbers per pooled reading: the chunk layout (time, value, seq, receive time, flags) and its log row id. */
const WIDTH = CHUNK_WIDTH + 1;
/** Readings per block: most heads of the 10,000-device shape hold 1-6 readings (RSS 337-348 MB with 4, 356-358 with 8). */
const BLOCK = 4;

export class HeadPool {
  private readonly slotOf = new Map<number, number>();
  private seriesOf = new Float64Array(1024);
  private count = new Int32Array(1024);
  private first = new Int32Array(1024);
  private last = new Int32Array(1024);
  private since = new Float64Array(1024);
  private maxT = new Float64Array(1024);
  /** Bumped when a head restarts: queue entries of an earlier head of the same slot are stale. */
  private gen = new Int32Array(1024);
  private slots = 0;

  private data = new Float64Array(4096 * BLOCK * WIDTH);
  private next = new Int32Array(4096);
  private blocks = 0;
  private freeBlocks: number[] = [];

  /**
   * Heads in the order they started (slot, gen), consumed from `qStart`. A head written for its size leaves a stale
   * entry behind; those are dropped when they outnumber the live heads (compact), not only when the oldest head goes.
   */
  private queue: number[] = [];
  private qStart = 0;
  private held = 0;
  /** Heads holding readings. */
  private live = 0;

  /** Readings held in all heads. */
  get size(): number {
    return this.held;
  }

  /** Readings in the series' head (0: none). */
  countOf(seriesId: number): number {
    const s = this.slotOf.get(seriesId);
    return s === undefined ? 0 : this.count[s]!;
  }

  maxTime(seriesId: number): number {
    const s = this.slotOf.get(seriesId);
    return s === undefined || this.count[s] === 0 ? -Infinity : this.maxT[s]!;
  }

  /**
   * Adds the readings of one series, all logged in row `row`, found in `values[from, to)` every `stride` numbers
   * with the chunk layout in its last CHUNK_WIDTH numbers (stride CHUNK_WIDTH: chunk layout; LOG_WIDTH: log layout).
   */
  add(seriesId: number, values: ArrayLike<number>, from: number, to: number, stride: number, row: number, now: number): void {
    const s = this.slot(seriesId);
    if (this.count[s] === 0) {
      this.since[s] = now;
      this.maxT[s] = -Infinity;
      this.gen[s]!++;
      this.live++;
      this.queue.push(s, this.gen[s]!);
      if (this.orderLength > 2 * this.live + 4096) this.compact();
      this.first[s] = this.last[s] = this.block();
    }
    for (let r = from; r < to; r += stride) {
      const v = r + stride - CHUNK_WIDTH;
      const n = this.count[s]!;
      if (n > 0 && n % BLOCK === 0) {
        const b = this.block();
        this.next[this.last[s]!] = b;
        this.last[s] = b;
      }
      let o = (this.last[s]! * BLOCK + (n % BLOCK)) * WIDTH;
      for (let k = 0; k < CHUNK_WIDTH; k++) this.data[o++] = values[v + k]!;
      this.data[o] = row;
      if (values[v]! > this.maxT[s]!) this.maxT[s] = values[v]!;
      this.count[s] = n + 1;
      this.held++;
    }
  }

  /** Calls `visit` with the pool's array and the offset of each reading of the series' head, in arrival order. */
  each(seriesId: number, visit: (data: Float64Array, o: number) => void): void {
    const s = this.slotOf.get(seriesId);
    if (s === undefined) return;
    let left = this.count[s]!;
    for (let b = this.first[s]!; left > 0; b = this.next[b]!) {
      const k = Math.min(BLOCK, left);
      for (let j = 0; j < k; j++) visit(this.data, (b * BLOCK + j) * WIDTH);
      left -= k;
    }
  }

  /** Empties the series' head; returns its readings (CHUNK_WIDTH each, arrival order) and their log rows. */
  take(seriesId: number): { values: Float64Array; rows: Float64Array } {
    const n = this.countOf(seriesId);
    const values = new Float64Array(n * CHUNK_WIDTH);
    const rows = new Float64Array(n);
    let j = 0;
    this.each(seriesId, (d, o) => {
      values.set(d.subarray(o, o + CHUNK_WIDTH), j * CHUNK_WIDTH);
      rows[j++] = d[o + CHUNK_WIDTH]!;
    });
    const s = this.slotOf.get(seriesId);
    if (s !== undefined && n > 0) {
      let left = n;
      for (let b = this.first[s]!; left > 0; b = this.next[b]!) {
        this.freeBlocks.push(b);
        left -= BLOCK;
      }
      this.count[s] = 0;
      this.held -= n;
      this.live--;
    }
    return { values, rows };
  }

  /** Entries in the start order, stale ones included: at most about twice the live heads, plus 4096. */
  get orderLength(): number {
    return (this.queue.length - this.qStart) / 2;
  }

  /**
   * The series of the oldest head if `due(since)` says it is due (the head then leaves the order: write it), else
   * undefined. Heads due for their size are found by the caller.
   */
  popOldest(due: (since: number) => boolean): number | undefined {
    while (this.qStart < this.queue.length) {
      const s = this.queue[this.qStart]!;
      const g = this.queue[this.qStart + 1]!;
      if (this.count[s] !== 0 && this.gen[s] === g && !due(this.since[s]!)) return undefined;
      this.qStart += 2;
      if (this.qStart > 4096 && this.qStart * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.qStart);
        this.qStart = 0;
      }
      // A stale entry (that head was written) is dropped; a live one is the answer.
      if (this.count[s] !== 0 && this.gen[s] === g) return this.seriesOf[s]!;
    }
    return undefined;
  }

  /** Keeps the start order's live entries only. */
  private compact(): void {
    const kept: number[] = [];
    for (let i = this.qStart; i < this.queue.length; i += 2) {
      const s = this.queue[i]!;
      const g = this.queue[i + 1]!;
      if (this.count[s] !== 0 && this.gen[s] === g) kept.push(s, g);
    }
    this.queue = kept;
    this.qStart = 0;
  }

  private slot(seriesId: number): number {
    let s = this.slotOf.get(seriesId);
    if (s !== undefined) return s;
    s = this.slots++;
    if (s === this.count.length) this.growSlots();
    this.slotOf.set(seriesId, s);
    this.seriesOf[s] = seriesId;
    return s;
  }

  private block(): number {
    const free = this.freeBlocks.pop();
    if (free !== undefined) return free;
    if (this.blocks === this.next.length) {
      this.next = grow(this.next, this.next.length * 2);
      this.data = grow(this.data, this.data.length * 2);
    }
    return this.blocks++;
  }

  private growSlots(): void {
    const n = this.count.length * 2;
    this.seriesOf = grow(this.seriesOf, n);
    this.count = grow(this.count, n);
    this.first = grow(this.first, n);
    this.last = grow(this.last, n);
    this.since = grow(this.since, n);
    this.maxT = grow(this.maxT, n);
    this.gen = grow(this.gen, n);
  }
}

function grow<T extends Float64Array | Int32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
