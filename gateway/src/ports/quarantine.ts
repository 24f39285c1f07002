/** Dead-letter store for messages the gateway refused. Nothing refused is dropped: it is kept here with a reason. */
import type { RejectCode } from '../domain/reject-codes.js';

export interface QuarantineEntry {
  readonly id: number;
  /** Gateway receive time, ms since the epoch. */
  readonly receivedAt: number;
  readonly topic: string;
  readonly clientId: string;
  /** Device id from the topic, when the topic could be parsed. */
  readonly device: string | null;
  readonly code: RejectCode;
  /** Precise reason: which field, what was expected, what came. */
  readonly detail: string;
  /** The raw payload as received (truncated to the quarantine cap for oversized messages). */
  readonly payload: Buffer;
  /** Original size in bytes (differs from payload.length when truncated). */
  readonly size: number;
  /** Set when the entry was replayed through ingest; the outcome of the last replay is in replayResult. */
  readonly replayedAt: number | null;
  readonly replayResult: string | null;
  /** Every replay of this entry, oldest first. */
  readonly replays: readonly ReplayAttempt[];
}

/** One run of a quarantined message through ingest again. */
export interface ReplayAttempt {
  /** Gateway time of the replay, ms. */
  readonly at: number;
  /** `stored`, `status`, or `refused again: CODE: detail`. */
  readonly result: string;
}

export type NewQuarantineEntry = Omit<QuarantineEntry, 'id' | 'replayedAt' | 'replayResult' | 'replays'>;

export interface QuarantineFilter {
  readonly code?: RejectCode;
  readonly device?: string;
  /** Entries with id below this (for paging backwards), newest first. */
  readonly beforeId?: number;
  readonly limit: number;
}

export interface Quarantine {
  /** Durably records a rejected message; resolves with its id after commit. */
  put(entry: NewQuarantineEntry): Promise<number>;
  list(filter: QuarantineFilter): Promise<QuarantineEntry[]>;
  get(id: number): Promise<QuarantineEntry | undefined>;
  /** Records a replay of the entry: its last outcome on the entry, and the attempt in its history. */
  markReplayed(id: number, at: number, result: string): Promise<void>;
  /** Counts by reject code, for metrics and the API. */
  countsByCode(): Promise<Record<string, number>>;
}
