/**
 * Refusal feedback from the gateway (contract feedback.ts, issue #24): the gateway refused (quarantined) a message
 * of this node. Logged at warn once per device, metric and code, not once per message: a register that serves a
 * wrong value every poll must not bury the log, yet the first refusal must be seen on site. Every refusal is counted
 * per device and code (a feedback stands for itself plus the `suppressed` ones the gateway held back) for the
 * metrics endpoint. Bounded: at most `maxKeys` logged keys and counted pairs (docs/engineering.md 6).
 */
import { parseFeedback } from '@coldtrace/contract';
import type { Logger } from 'pino';

export interface RefusalCount {
  /** Empty when the refused message was the node's own status. */
  readonly device: string;
  readonly code: string;
  readonly refusals: number;
}

export interface RefusalTrackerOptions {
  /** Most (device, metric, code) keys remembered as logged, and (device, code) pairs counted. Default 10 000. */
  readonly maxKeys: number;
}

/** Label of the pairs counted once `maxKeys` pairs are counted already. */
export const OTHER_DEVICES = '_other';

export class RefusalTracker {
  private readonly options: RefusalTrackerOptions;
  private readonly logged = new Set<string>();
  private readonly counts = new Map<string, { device: string; code: string; refusals: number }>();
  private invalid = 0;

  constructor(
    private readonly log: Logger,
    options: Partial<RefusalTrackerOptions> = {},
  ) {
    this.options = { maxKeys: 10_000, ...options };
  }

  /** One message on the node's feedback topic. Never throws: a malformed one is counted and logged once. */
  onMessage(payload: Uint8Array): void {
    const parsed = parseFeedback(payload);
    if (!parsed.ok) {
      if (this.invalid === 0) this.log.warn({ err: parsed.error }, 'feedback message not understood (contract feedback.ts); ignored');
      this.invalid++;
      return;
    }
    const f = parsed.feedback;
    const device = f.device ?? '';
    this.count(device, f.code, 1 + f.suppressed);
    for (const metric of f.metrics ?? ['']) {
      const key = `${device}\u0000${metric}\u0000${f.code}`;
      if (this.logged.has(key)) continue;
      if (this.logged.size >= this.options.maxKeys) this.logged.clear(); // logged again rather than never
      this.logged.add(key);
      this.log.warn(
        { device: f.device, metric: metric === '' ? undefined : metric, code: f.code, detail: f.detail, seq: f.seq, deviceTime: f.deviceTime, quarantineId: f.quarantineId, topic: f.topic },
        `gateway refused a message of ${f.device ?? 'this node'}${metric === '' ? '' : ` (${metric})`}: ${f.reason}; logged once per device, metric and code`,
      );
    }
  }

  /** Refusals per device and code since start. */
  refusals(): RefusalCount[] {
    return [...this.counts.values()].map((c) => ({ ...c }));
  }

  /** Feedback messages that did not match the contract. */
  get invalidMessages(): number {
    return this.invalid;
  }

  private count(device: string, code: string, n: number): void {
    let key = `${device}\u0000${code}`;
    let c = this.counts.get(key);
    if (c === undefined && this.counts.size >= this.options.maxKeys) {
      key = `${OTHER_DEVICES}\u0000${code}`;
      c = this.counts.get(key);
      device = OTHER_DEVICES;
    }
    if (c === undefined) this.counts.set(key, { device, code, refusals: n });
    else c.refusals += n;
  }
}
