/**
 * Per-device sequence coverage (docs/domain.md §1): a gap in the per-device message sequence is lost data, reported as
 * coverage. Late messages (store-and-forward replay, live data sent ahead of the backlog) fill gaps when they come.
 * Pure and bounded: at most `maxTracked` missing numbers are remembered; beyond that they are only counted.
 */
export interface SequenceCoverageView {
  /** Lowest and highest sequence seen; -1 before any. */
  readonly first: number;
  readonly last: number;
  /** Distinct sequence numbers received. */
  readonly received: number;
  /** Sequence numbers between first and last that have not arrived (yet). */
  readonly missing: number;
  /** received / (last - first + 1); 1 when nothing is missing. */
  readonly coverage: number;
}

export class SequenceCoverage {
  private first = -1;
  private last = -1;
  private received = 0;
  private readonly gaps = new Set<number>();
  /** Missing numbers not remembered because the set was full (they can no longer be filled). */
  private untracked = 0;

  constructor(private readonly maxTracked = 10_000) {}

  /** Records one message's sequence number; returns false for a duplicate (already received). */
  add(seq: number): boolean {
    if (this.last < 0) {
      this.first = this.last = seq;
      this.received = 1;
      return true;
    }
    if (seq > this.last) {
      this.markMissing(this.last + 1, seq - 1);
      this.last = seq;
    } else if (seq < this.first) {
      this.markMissing(seq + 1, this.first - 1);
      this.first = seq;
    } else if (!this.gaps.delete(seq)) {
      return false;
    }
    this.received++;
    return true;
  }

  view(): SequenceCoverageView {
    const span = this.last < 0 ? 0 : this.last - this.first + 1;
    const missing = this.gaps.size + this.untracked;
    return { first: this.first, last: this.last, received: this.received, missing, coverage: span === 0 ? 1 : (span - missing) / span };
  }

  private markMissing(from: number, to: number): void {
    for (let s = from; s <= to; s++) {
      if (this.gaps.size < this.maxTracked) this.gaps.add(s);
      else {
        this.untracked += to - s + 1;
        return;
      }
    }
  }
}
