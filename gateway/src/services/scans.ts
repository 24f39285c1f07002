/**
 * Scans become custody (issue #21, docs/scans.md). A scan message from a scanner's node is judged read by read
 * (scan-reads.ts); its custody moves and the batches created from codes are written to the registry in one write,
 * as the scanner (actor `scanner:{device}`, source `scan`), so the placements, their history and the late
 * re-linking are those of any other placement; then every read is logged with its outcome. Messages are judged
 * one at a time, so each sees the moves of the one before. A message re-sent after its log entries were written
 * changes nothing.
 *
 * Refusals at the door and contradictions are not flags by themselves: the batch is marked for the rules, whose
 * judgement of it reads them back from the log (scanFindings), so a flag is still a function of the stored data.
 * The scanner's node is told of a refusal at once (ScanCommand).
 */
import type { Logger } from 'pino';
import type { ScanCommand } from '@coldtrace/contract';
import type { ScanInbound } from '../domain/scans/check.js';
import type { Clock } from '../ports/clock.js';
import type { FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import type { ScanLog, ScanOutcome } from '../ports/scans.js';
import { RegistryProblems, type RegistryService } from './registry.js';
import { ScanContext } from './scan-context.js';
import { MessageReads } from './scan-reads.js';
import { REFUSED_RULE } from './scan-findings.js';

export interface ScanServiceDeps {
  readonly log: ScanLog;
  readonly registry: Pick<RegistryService, 'importDocument' | 'onChange'>;
  readonly store: RegistryStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Trackers' GPS readings: a move to or from a truck that was far away is a contradiction. Absent: not checked. */
  readonly telemetry?: Pick<TelemetryStore, 'query'>;
  /** Shelf-life flags: a batch's dynamic expiry at the door. Absent: labelled expiry only. */
  readonly flags?: Pick<FlagStore, 'list'>;
  /** Marks a subject (`batch:ID`) for the rules. */
  readonly mark?: (subject: string) => void;
  /** Tells a scanner's node its read was refused. */
  readonly command?: (site: string, node: string, command: ScanCommand) => void;
  /** Reads by outcome, as they are logged. */
  readonly count?: (outcome: ScanOutcome, n: number) => void;
  /** Most messages waiting to be judged; beyond, a message is refused unacknowledged (its node re-sends it). Default 1000. */
  readonly maxQueued?: number;
}

/** The queue of scan messages is full: nothing of the message was kept, it must not be acknowledged. Retry later. */
export class ScansBusyError extends Error {
  readonly code = 'E_SCANS_BUSY';
  readonly retryable = true;
}

export interface ScanResult {
  readonly reads: number;
  /** Reads by outcome; empty when the message was logged before (a re-send). */
  readonly outcomes: Partial<Record<ScanOutcome, number>>;
}

export class ScanService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly context: ScanContext;
  private depth = 0;
  private refusedFull = 0;

  constructor(private readonly deps: ScanServiceDeps) {
    this.context = new ScanContext(deps.store, deps.clock);
    deps.registry.onChange(this.context.registryChanged);
  }

  /**
   * Judges, applies and logs one scan message; resolves once all of it is durable. Rejects at once with
   * ScansBusyError when `maxQueued` messages are waiting (bounded: docs/engineering.md 6).
   */
  accept(m: ScanInbound, receivedAt: number): Promise<ScanResult> {
    const max = this.deps.maxQueued ?? 1000;
    if (this.depth >= max) {
      this.refusedFull++;
      return Promise.reject(new ScansBusyError(`${this.depth} scan messages are waiting (at most ${max}): not acknowledged, to be sent again`));
    }
    this.depth++;
    const next = this.queue.then(() => this.judge(m, receivedAt)).finally(() => { this.depth--; });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Messages waiting now, and those refused because the queue was full (since start). */
  stats(): { queued: number; refusedFull: number } {
    return { queued: this.depth, refusedFull: this.refusedFull };
  }

  private async judge(m: ScanInbound, receivedAt: number): Promise<ScanResult> {
    const { site, node, device } = m.topic;
    // A message is its sequence number and first read's device time: a re-sent one changes nothing, a number reused
    // by an agent whose numbering started again is a new message (ports/scans.ts, seen).
    const messageTime = m.reads.find((r) => r.index === 0)?.time ?? Math.min(...m.reads.map((r) => r.time));
    const seen = await this.deps.log.seen(device, m.seq, messageTime);
    if (seen === 'logged') return { reads: m.reads.length, outcomes: {} };
    if (seen === 'number-reused') this.deps.logger.warn({ site, node, device, seq: m.seq, messageTime }, 'scan message numbered as an earlier one with other reads: the agent\'s numbering started again; taken as a new message');
    // Placements a reused number opens are named with the message's time too, so they never replace the earlier ones.
    const ids = seen === 'number-reused' ? `${m.seq}-t${messageTime}` : `${m.seq}`;
    const reads = new MessageReads(this.deps.store, this.context, this.deps.flags, this.deps.log, this.deps.telemetry, m.topic, m.seq, receivedAt, ids);
    // In device time: a message holds what the scanner buffered, and custody moves in the order they happened.
    for (const r of [...m.reads].sort((a, b) => a.time - b.time || a.index - b.index)) await reads.read(r);
    const { entries, batches, placements } = reads.out;
    if (batches.length > 0 || placements.size > 0) {
      try {
        await this.deps.registry.importDocument({ batches, placements: [...placements.values()] }, { actor: `scanner:${device}`, source: 'scan' });
      } catch (e) {
        if (!(e instanceof RegistryProblems)) throw e;
        // Custody changed under the judgement (a placement written through the API meanwhile): kept, with why.
        const reason = `the registry refused the move: ${e.message}`.slice(0, 500);
        for (let i = 0; i < entries.length; i++) {
          const x = entries[i]!;
          if (x.outcome === 'moved' || x.createdBatch === true) entries[i] = { ...x, outcome: 'unresolved', reasonCode: 'E_SCAN_REGISTRY', reason };
        }
      }
    }
    await this.deps.log.append(entries, messageTime);
    const outcomes: Partial<Record<ScanOutcome, number>> = {};
    for (const e of entries) outcomes[e.outcome] = (outcomes[e.outcome] ?? 0) + 1;
    for (const [o, n] of Object.entries(outcomes)) this.deps.count?.(o as ScanOutcome, n);
    const flagged = new Set(entries.filter((e) => (e.outcome === 'refused' || e.outcome === 'contradiction') && e.batch !== undefined).map((e) => e.batch!));
    for (const b of flagged) this.deps.mark?.(`batch:${b}`);
    for (const e of entries) {
      if (e.outcome !== 'refused' || e.batch === undefined) continue;
      this.deps.command?.(site, node, {
        v: 1, kind: 'scan.refused', device, seq: e.seq, index: e.index, time: e.time, batch: e.batch,
        code: e.reasonCode ?? 'E_SCAN_REFUSED', reason: (e.reason ?? 'refused').slice(0, 256), flag: `${REFUSED_RULE}@batch:${e.batch}`,
      });
    }
    const notable = entries.filter((e) => e.outcome !== 'moved' && e.outcome !== 'repeat').length;
    if (notable > 0) this.deps.logger.info({ device, seq: m.seq, outcomes }, 'scan reads kept with a reason');
    return { reads: entries.length, outcomes };
  }
}
