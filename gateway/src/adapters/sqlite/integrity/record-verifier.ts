/**
 * Verification of the records chain (docs/security.md "Tamper evidence"): re-derives every entry's link in order,
 * then compares each flag and placement stored now with its latest entry. The first broken link by seq is named,
 * with the record's kind and id and the expected and found hash.
 */
import type Database from 'better-sqlite3';
import { GENESIS, sameBytes, toHex } from '../../../domain/integrity/hash.js';
import { recordLink, type RecordKind } from '../../../domain/integrity/records.js';
import type { BrokenLink, ChainSummary } from '../../../domain/integrity/report.js';
import { RECORD_KINDS, RecordContent } from './record-log.js';
import { sha256 } from './sha.js';

interface EntryRow { seq: number; kind: RecordKind; id: string; version: Buffer | null; link: Buffer }

export function recordsChainPresent(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'integrity_records'").get() !== undefined;
}

export function verifyRecords(db: Database.Database): ChainSummary {
  if (!recordsChainPresent(db)) return { length: 0, head: toHex(GENESIS), verified: 0 };
  // Latest entry per record; the walk stops at the first link that does not re-derive.
  const latest = new Map<string, EntryRow>();
  let prev = { seq: 0, link: GENESIS };
  let broken: BrokenLink | undefined;
  for (const e of db.prepare('SELECT seq, kind, id, version, link FROM integrity_records ORDER BY seq').iterate() as IterableIterator<EntryRow>) {
    const record = { kind: e.kind, id: e.id };
    if (e.seq !== prev.seq + 1) {
      broken = { chain: 'records', reason: 'link', link: prev.seq + 1, record, expected: `entry ${prev.seq + 1}`, found: `entry ${e.seq}`, detail: `entries ${prev.seq + 1}-${e.seq - 1} are gone from the chain` };
      break;
    }
    const link = recordLink(sha256, prev.link, { seq: e.seq, kind: e.kind, id: e.id, version: e.version ?? undefined });
    if (!sameBytes(link, e.link)) {
      broken = { chain: 'records', reason: 'link', link: e.seq, record, expected: toHex(link), found: toHex(e.link), detail: `entry ${e.seq} (${e.kind} ${e.id}) is not the hash of entry ${prev.seq} and its own fields: the chain was edited` };
      break;
    }
    latest.set(`${e.kind}\u0000${e.id}`, e);
    prev = { seq: e.seq, link: e.link };
  }
  const length = prev.seq;
  if (broken === undefined) broken = firstContentBreak(db, latest);
  return { length, head: toHex(prev.link), verified: broken === undefined ? latest.size : 0, ...(broken !== undefined ? { broken } : {}) };
}

/** The stored record (by its latest entry's seq, lowest first) that differs from its latest entry. */
function firstContentBreak(db: Database.Database, latest: Map<string, EntryRow>): BrokenLink | undefined {
  const content = new RecordContent(db);
  const breaks: BrokenLink[] = [];
  const stored = new Set<string>();
  for (const kind of RECORD_KINDS) {
    for (const id of content.ids(kind)) {
      const key = `${kind}\u0000${id}`;
      stored.add(key);
      const entry = latest.get(key);
      const found = content.version(kind, id);
      if (entry === undefined) {
        breaks.push({ chain: 'records', reason: 'unrecorded', link: 0, record: { kind, id }, expected: 'an entry in the chain', found: found !== undefined ? toHex(found) : 'none', detail: `${kind} ${id} is stored but was never recorded in the chain (written around the gateway)` });
      } else if (entry.version === null || found === undefined || !sameBytes(entry.version, found)) {
        breaks.push({
          chain: 'records', reason: 'content', link: entry.seq, record: { kind, id }, expected: entry.version !== null ? toHex(entry.version) : 'deleted', found: found !== undefined ? toHex(found) : 'none',
          detail: `${kind} ${id} as stored now is not the version entry ${entry.seq} recorded: it was edited outside the gateway`,
        });
      }
    }
  }
  for (const [key, e] of latest) {
    if (e.version !== null && !stored.has(key)) {
      breaks.push({ chain: 'records', reason: 'missing', link: e.seq, record: { kind: e.kind, id: e.id }, expected: toHex(e.version), found: 'none', detail: `${e.kind} ${e.id}, recorded by entry ${e.seq}, is no longer stored: it was deleted outside the gateway` });
    }
  }
  // Unrecorded records have no entry: named after every break of a recorded one.
  const rank = (b: BrokenLink): number => (b.reason === 'unrecorded' ? Infinity : b.link);
  breaks.sort((a, b) => rank(a) - rank(b));
  return breaks[0];
}
