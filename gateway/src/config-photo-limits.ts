/** Limits of photo uploads (domain/photos/upload.ts PhotoLimits, docs/photos.md "Limits"). */
import { DEFAULT_PHOTO_LIMITS, type PhotoLimits } from './domain/photos/upload.js';

export const PHOTO_LIMIT_ENV_KEYS = {
  /** Largest photo upload, bytes; a larger body is refused (413) unread and the refusal kept. */
  COLDTRACE_PHOTO_MAX_BYTES: String(DEFAULT_PHOTO_LIMITS.maxBytes),
  /** Most pixels (width x height) a photo may declare: more is refused as a decompression bomb (422) before decoding. */
  COLDTRACE_PHOTO_MAX_PIXELS: String(DEFAULT_PHOTO_LIMITS.maxPixels),
  /** A photo whose EXIF DateTimeOriginal is further than this from its takenAt is stored but flagged, seconds. */
  COLDTRACE_PHOTO_EXIF_TOLERANCE_S: String(DEFAULT_PHOTO_LIMITS.exifToleranceMs / 1000),
} as const;

export type PhotoLimitEnvKey = keyof typeof PHOTO_LIMIT_ENV_KEYS;

export function photoLimitsConfig(int: (k: PhotoLimitEnvKey, min: number, max: number) => number): PhotoLimits {
  return {
    maxBytes: int('COLDTRACE_PHOTO_MAX_BYTES', 1024, 1024 * 1024 * 1024),
    maxPixels: int('COLDTRACE_PHOTO_MAX_PIXELS', 1, 1_000_000_000),
    exifToleranceMs: int('COLDTRACE_PHOTO_EXIF_TOLERANCE_S', 0, 31_536_000) * 1000,
  };
}
