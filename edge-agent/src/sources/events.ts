/**
 * What the sources hand the sink, seen by other sources of the same agent: a camera takes a photo when a scanner
 * reads a code, a door opens or a shock comes (issue #21). A tee in front of the real sink, like the device health
 * tracker: the sources stay unaware of each other.
 */
import type { DeviceStatus, ScanRead } from '@coldtrace/contract';
import type { PhotoShot, PhotoStoreResult, Priority, SourceReading, SourceSink } from './source.js';

export type SourceEvent =
  | { readonly kind: 'readings'; readonly device: string; readonly readings: readonly SourceReading[] }
  | { readonly kind: 'scans'; readonly device: string; readonly reads: readonly ScanRead[] };

export interface SourceEvents {
  /** Calls `listener` after each event has reached the sink; returns the unsubscribe. */
  subscribe(listener: (e: SourceEvent) => void): () => void;
}

/** Listeners of the sources' events; made before the sources (they subscribe), fed by the tap made after them. */
export class SourceEventBus implements SourceEvents {
  private readonly listeners = new Set<(e: SourceEvent) => void>();

  subscribe(listener: (e: SourceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: SourceEvent): void {
    for (const l of this.listeners) l(e);
  }
}

export class SourceEventTap implements SourceSink, SourceEvents {
  /** `photos`: where the camera sources' photos go (the photo outbox); without it they are refused as no-outbox. */
  constructor(
    private readonly inner: SourceSink,
    private readonly photos?: (shot: PhotoShot) => Promise<PhotoStoreResult>,
    private readonly bus: SourceEventBus = new SourceEventBus(),
  ) {}

  subscribe(listener: (e: SourceEvent) => void): () => void {
    return this.bus.subscribe(listener);
  }

  readings(device: string, readings: readonly SourceReading[], priority?: Priority): void {
    this.inner.readings(device, readings, priority);
    this.emit({ kind: 'readings', device, readings });
  }

  scans(device: string, reads: readonly ScanRead[]): void {
    this.inner.scans?.(device, reads);
    this.emit({ kind: 'scans', device, reads });
  }

  status(device: string, status: Omit<DeviceStatus, 'v'>): void {
    this.inner.status(device, status);
  }

  photo(shot: PhotoShot): Promise<PhotoStoreResult> {
    return this.photos?.(shot) ?? Promise.resolve({ ok: false, reason: 'no-outbox' });
  }

  private emit(e: SourceEvent): void {
    this.bus.emit(e);
  }
}
