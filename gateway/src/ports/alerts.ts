/**
 * The CAP alert store port (issue #20, docs/claims.md "Weather and disruption alerts"): alerts kept by their key
 * (sender, identifier, sent: what other messages refer to them by), the ends that Updates and Cancels put on earlier
 * alerts, and the documents refused, each with its code and reason (never dropped). The embedded default is SQLite
 * (`alerts.db`).
 */
import type { CapAlert, CapRefusalCode } from '../domain/alerts/cap.js';

/** Where a document came from and when: `http`, `poll:<url>`, `file:<name>`. */
export interface CapOrigin {
  readonly source: string;
  /** Gateway time, ms. */
  readonly receivedMs: number;
}

export interface StoredCapAlert {
  /** `sender,identifier,sent` (domain/alerts/cap.ts capKey). */
  readonly key: string;
  readonly alert: CapAlert;
  readonly source: string;
  readonly receivedMs: number;
  /** When an Update replaced it or a Cancel ended it (that message's sent time), ms, and that message's key. */
  readonly endedMs?: number;
  readonly endedBy?: string;
}

export interface RefusedCapDocument {
  readonly id: number;
  readonly source: string;
  readonly receivedMs: number;
  readonly code: CapRefusalCode;
  readonly reason: string;
  readonly bytes: number;
  /** The document as received, its first `REFUSED_KEPT_CHARS` characters. */
  readonly document: string;
}

export interface CapAcceptance {
  /** `duplicate`: a message of the same key is stored already (nothing changed). */
  readonly outcome: 'stored' | 'duplicate';
  readonly key: string;
  /** Keys of the stored alerts this message ended now (an Update or a Cancel). */
  readonly ended: readonly string[];
}

/** Characters of a refused document kept (a refused document can be anything up to the body limit). */
export const REFUSED_KEPT_CHARS = 65_536;

export interface CapAlertStore {
  /** Stores an accepted message; an Update or a Cancel ends the alerts it refers to, those stored and those still to come. */
  accept(alert: CapAlert, origin: CapOrigin): Promise<CapAcceptance>;
  /** Keeps a refused document with its reason; answers its id. */
  refuse(document: string, bytes: number, refusal: { code: CapRefusalCode; reason: string }, origin: CapOrigin): Promise<number>;
  /** Stored messages whose info blocks may be in force at or after `fromMs` (not ended before it), by sent time. */
  alerts(fromMs: number): Promise<StoredCapAlert[]>;
  /** Refused documents, newest first. */
  refused(limit: number): Promise<RefusedCapDocument[]>;
  close(): Promise<void>;
}
