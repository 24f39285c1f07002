/**
 * Photos as evidence (issue #21, docs/photos.md): the record of each stored photo (who took it, when, what it is),
 * keyed by its SHA-256, and the quarantine of uploads refused as bad input. The bytes are in the blob store
 * (ports/photo-blobs.ts). Records are kept in SQLite today and go to a shared PostgreSQL with the registry next:
 * every write is an upsert keyed by the hash, so two gateways writing the same photo agree.
 */
import type { PhotoTrigger } from '@coldtrace/contract';
import type { PhotoRefusalCode } from '../domain/photos/upload.js';

export interface PhotoRecord {
  /** Lowercase hex SHA-256 of the original bytes: the photo's id and its blob key. */
  readonly sha256: string;
  /** The node that uploaded it (its credential's, or the query's with MQTT auth open). */
  readonly site: string;
  readonly node: string;
  /** The camera. */
  readonly device: string;
  /** Device time, as sent (ISO 8601 with an offset), and as ms. */
  readonly takenAt: string;
  readonly takenAtMs: number;
  readonly seq: number;
  readonly trigger: PhotoTrigger;
  readonly station?: string;
  /** Size of the original, bytes, and its pixels as its frame header declares them. */
  readonly bytes: number;
  readonly width: number;
  readonly height: number;
  /** EXIF DateTimeOriginal, ms, when the photo has one. */
  readonly exifTimeMs?: number;
  /** What is odd about it but did not refuse it (`EXIF_TIME_OFF: ...`). */
  readonly warnings: readonly string[];
  /** Blob key of its thumbnail. */
  readonly thumbnailKey: string;
  /** Gateway time it was received, ms. */
  readonly receivedAt: number;
}

export interface PhotoQuery {
  readonly device?: string;
  /** takenAt range, ms: [from, to). */
  readonly from?: number;
  readonly to?: number;
  /** Only photos received at or before this (an evidence cut-off), ms. */
  readonly receivedBy?: number;
  /** Only photos with warnings. */
  readonly flagged?: boolean;
  readonly limit: number;
}

export interface PhotoRecords {
  /**
   * Stores the record unless one of its hash exists: 'new', or 'exists' (the first record of a photo stays: the same
   * bytes uploaded again are the same photo). Durable when resolved; chained with the custody and flag records.
   */
  upsert(record: PhotoRecord): Promise<'new' | 'exists'>;
  get(sha256: string): Promise<PhotoRecord | undefined>;
  /** By takenAt, then hash. */
  list(q: PhotoQuery): Promise<PhotoRecord[]>;
  /** Photos of any of `devices` taken in [from, to), by takenAt: what custody links to batches and orders. */
  ofDevices(devices: readonly string[], from: number, to: number): Promise<PhotoRecord[]>;
  /** Every hash, in order, a page at a time (verification). */
  hashes(after: string, limit: number): Promise<string[]>;
}

export interface PhotoQuarantineEntry {
  readonly id: number;
  readonly receivedAt: number;
  readonly code: PhotoRefusalCode;
  readonly reason: string;
  /** The node as authenticated (or named by the query with MQTT auth open). */
  readonly site?: string;
  readonly node?: string;
  readonly device?: string;
  /** The hash the path named, and the body's own (absent when the body was not read: too large). */
  readonly pathSha256: string;
  readonly actualSha256?: string;
  /** The query string as received. */
  readonly query: string;
  /** Body size, bytes (the Content-Length when the body was not read). */
  readonly size: number;
  /** Blob key of the bytes as received (`<actual sha256>.quarantine`); absent when they were not kept (too large). */
  readonly blobKey?: string;
}

export type NewPhotoQuarantineEntry = Omit<PhotoQuarantineEntry, 'id'>;

export interface PhotoQuarantine {
  /** Durably records a refused upload; resolves with its id. */
  put(entry: NewPhotoQuarantineEntry): Promise<number>;
  get(id: number): Promise<PhotoQuarantineEntry | undefined>;
  /** Newest first; `beforeId` pages backwards. */
  list(q: { readonly code?: PhotoRefusalCode; readonly device?: string; readonly beforeId?: number; readonly limit: number }): Promise<PhotoQuarantineEntry[]>;
}
