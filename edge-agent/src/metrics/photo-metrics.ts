/**
 * Photo metrics (issue #21): the photo outbox and its uploads, and each camera source's shots and failures by
 * reason. Read at scrape time from the components' own counters.
 */
import type { Registry } from 'prom-client';
import type { PhotoStats } from '../forward/photos.js';
import { CAMERA_FAILURES, CameraSource } from '../sources/camera/camera-source.js';
import type { Source } from '../sources/source.js';
import { mirrorCounter, mirrorGauge, one, type Sample } from './collect.js';
import { METRIC_PREFIX as p } from './prefix.js';

export function registerPhotoMetrics(registry: Registry, photos: (() => PhotoStats) | undefined, sources: readonly Source[]): void {
  const cameras = sources.filter((s): s is CameraSource => s instanceof CameraSource);
  if (cameras.length > 0) {
    mirrorCounter(registry, {
      name: `${p}camera_shots_total`, help: 'Snapshots asked for and folder files read, by what made the camera take them.', labelNames: ['source', 'trigger'],
      read: () => cameras.flatMap((s) => Object.entries(s.stats.triggered).map(([trigger, n]): Sample<'source' | 'trigger'> => [{ source: s.name, trigger }, n])),
    });
    mirrorCounter(registry, {
      name: `${p}camera_failures_total`, help: 'Shots that gave no kept photo, by reason (timeout, unauthorized, not-jpeg, truncated, outbox-full ...).', labelNames: ['source', 'reason'],
      read: () => cameras.flatMap((s) => CAMERA_FAILURES.map((reason): Sample<'source' | 'reason'> => [{ source: s.name, reason }, s.stats.failures[reason]])),
    });
    mirrorCounter(registry, {
      name: `${p}camera_triggers_folded_total`, help: 'Triggers folded into another shot (within minGapMs, or one already waiting).', labelNames: ['source'],
      read: () => cameras.map((s): Sample<'source'> => [{ source: s.name }, s.stats.folded]),
    });
  }
  if (photos === undefined) return;
  mirrorGauge(registry, { name: `${p}photo_outbox_depth`, help: 'Photos waiting in the photo outbox.', read: () => one(photos().outbox.depth) });
  mirrorGauge(registry, { name: `${p}photo_outbox_bytes`, help: 'Bytes of the photos waiting in the photo outbox.', read: () => one(photos().outbox.bytes) });
  mirrorCounter(registry, {
    name: `${p}photo_outbox_dropped_total`, help: 'Photos not kept or dropped by the photo outbox, by reason (schedule: oldest schedule shots for room; full: a triggered shot with no room; incomplete: half-stored at start, set aside).', labelNames: ['reason'],
    read: () => {
      const o = photos().outbox;
      return [[{ reason: 'schedule' }, o.droppedSchedule], [{ reason: 'full' }, o.refusedFull], [{ reason: 'incomplete' }, o.incomplete]];
    },
  });
  mirrorCounter(registry, {
    name: `${p}photo_uploads_total`, help: 'Photo upload attempts by outcome (stored, duplicate, rejected: refused for good and moved to rejected/, retry: kept for later).', labelNames: ['outcome'],
    read: () => {
      const u = photos().upload;
      return [[{ outcome: 'stored' }, u.stored - u.duplicates], [{ outcome: 'duplicate' }, u.duplicates], [{ outcome: 'rejected' }, u.rejected], [{ outcome: 'retry' }, u.retries]];
    },
  });
  mirrorCounter(registry, { name: `${p}photo_uploads_flagged_total`, help: 'Photos the gateway stored with warnings (EXIF time far from takenAt ...).', read: () => one(photos().upload.flagged) });
}
