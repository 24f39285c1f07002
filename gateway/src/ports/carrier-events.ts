/**
 * The carrier event store port (issue #20, docs/claims.md): carriers' tracking events, stored once each by their
 * identity (carrier, tracking number, time, code). The embedded default is SQLite (`carrier.db`); the roadmap puts it
 * on the PostgreSQL several gateways share, so whether an event is new is decided by the store (a unique key and an
 * insert that does nothing on conflict), never by a replica's memory. Every implementation passes the same contract
 * suite (`test/carrier-event-store-contract.ts`).
 */
import type { CarrierEvent } from '../domain/carrier/events.js';
import type { TrackingRef } from '../domain/carrier/tracking.js';

export interface StoredCarrierEvent extends CarrierEvent {
  /** Gateway time the first copy arrived, ms. */
  readonly receivedMs: number;
}

/** The events of one tracking number, counted (the unmatched listing pages through these). */
export interface TrackingGroup extends TrackingRef {
  readonly events: number;
  readonly firstMs: number;
  readonly lastMs: number;
  /** Shipments the senders named on its events, sorted. */
  readonly named: readonly string[];
}

/** A code of a vocabulary as the events carry it, counted. */
export interface CodeCount {
  readonly vocabulary: string;
  readonly code: string;
  readonly events: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

export interface CarrierEventStore {
  /**
   * Stores, in one transaction, each event whose identity is not stored yet (the first copy wins; a later copy with
   * other text changes nothing). For each event, in order: true when it was new.
   */
  add(events: readonly CarrierEvent[], receivedMs: number): Promise<boolean[]>;
  /** Events of these tracking numbers, and events whose sender named one of these shipments; each once, oldest first. */
  find(q: { readonly tracking: readonly TrackingRef[]; readonly shipments: readonly string[] }): Promise<StoredCarrierEvent[]>;
  /** Tracking numbers in (carrier, tracking number) order, after `after`. */
  groups(page: { readonly after?: TrackingRef; readonly limit: number }): Promise<TrackingGroup[]>;
  /** Every (vocabulary, code) the events carry. */
  codes(): Promise<CodeCount[]>;
  /** Events with this vocabulary and code, newest first. */
  withCode(vocabulary: string, code: string, limit: number): Promise<StoredCarrierEvent[]>;
  close(): Promise<void>;
}
