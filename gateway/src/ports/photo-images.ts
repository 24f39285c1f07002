/** What the gateway reads and makes from a photo's pixels (docs/photos.md): its thumbnail and its EXIF capture time. */

export interface Thumbnail {
  /** JPEG bytes. */
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** The EXIF fields the time check reads, as the camera wrote them. */
export interface ExifTimes {
  /** DateTimeOriginal: "YYYY:MM:DD HH:MM:SS", no zone. */
  readonly original?: string;
  /** OffsetTimeOriginal: "+01:00". */
  readonly offset?: string;
}

/** The image could not be decoded (corrupt, cut short, or more pixels than allowed): `reason` says which. */
export class PhotoDecodeError extends Error {
  readonly code = 'E_PHOTO_CORRUPT';
  constructor(readonly reason: string, options?: ErrorOptions) {
    super(reason, options);
    this.name = 'PhotoDecodeError';
  }
}

export interface PhotoImages {
  /**
   * A thumbnail within `edge` x `edge` pixels, turned upright by its EXIF orientation; decoding refuses images of
   * more than `maxPixels` (a second guard after the header check). Rejects with PhotoDecodeError when it cannot be
   * decoded. The same bytes give the same thumbnail.
   */
  thumbnail(bytes: Uint8Array, opts: { readonly edge: number; readonly maxPixels: number }): Promise<Thumbnail>;
  /** The EXIF capture time fields; undefined when the photo has none (or its EXIF is unreadable). */
  exifTimes(bytes: Uint8Array): Promise<ExifTimes | undefined>;
}
