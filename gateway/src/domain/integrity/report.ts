/**
 * What verification says (GET /api/v1/integrity/verify, coldtrace-verify): clean, or the first broken link of each
 * chain with where it is and the expected and found hash.
 */

/** Why a link is broken. */
export type BreakReason =
  /** The link stored is not the one re-derived from the link before and its content digest (the chain was edited). */
  | 'link'
  /** A stored reading or record differs from what its link covers. */
  | 'content'
  /** A reading or record the chain covers is gone (and not by retention). */
  | 'missing'
  /** A stored record has no entry in the chain (written around it). */
  | 'unrecorded'
  /** A signed checkpoint names a head the chain no longer has (rewritten or cut back), or its signature fails. */
  | 'checkpoint';

export interface BrokenLink {
  readonly chain: 'readings' | 'records' | 'checkpoints' | 'photos';
  readonly reason: BreakReason;
  /** Readings: the commit's link index; records: the entry's seq; checkpoints: the checkpoint's seq. */
  readonly link: number;
  /** Readings: device and metric; records: kind and id. */
  readonly device?: string;
  readonly metric?: string;
  /** The reading's device time, ms and ISO. */
  readonly time?: number;
  readonly timeIso?: string;
  readonly record?: { readonly kind: string; readonly id: string };
  readonly expected: string;
  readonly found: string;
  readonly detail: string;
}

export interface ChainSummary {
  readonly length: number;
  readonly head: string;
  /** Links whose content was re-derived from what is stored. */
  readonly verified: number;
  /** Readings chain: links whose readings retention deleted in part or whole (their links hold; content not re-derived). */
  readonly pruned?: number;
  readonly broken?: BrokenLink;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly at: number;
  readonly readings: ChainSummary | { readonly unavailable: string };
  readonly records: ChainSummary;
  readonly checkpoints: { readonly count: number; readonly verified: number; readonly latest?: number; readonly broken?: BrokenLink };
  /** Photos' bytes re-hashed against the hashes their chained records hold (docs/photos.md); absent without a photo store. */
  readonly photos?: { readonly count: number; readonly verified: number; readonly broken?: BrokenLink };
  /** Plain sentences on what was and was not checked (retention, stores without a chain). */
  readonly notes: readonly string[];
}
