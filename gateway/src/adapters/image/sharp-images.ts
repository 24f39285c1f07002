/**
 * Thumbnails with sharp (libvips: JPEG shrink-on-load, so a 6-megapixel photo is decoded at a fraction of its size)
 * and EXIF capture times with exifr (docs/photos.md). sharp refuses a truncated or corrupt JPEG (its default
 * `failOn: 'warning'`) and, with `limitInputPixels`, one of more pixels than allowed.
 */
import sharp from 'sharp';
import exifr from 'exifr';
import { PhotoDecodeError, type ExifTimes, type PhotoImages, type Thumbnail } from '../../ports/photo-images.js';

/** Thumbnails' JPEG quality (1-100). */
const THUMBNAIL_QUALITY = 75;

export function sharpImages(): PhotoImages {
  return {
    async thumbnail(bytes, opts): Promise<Thumbnail> {
      try {
        const { data, info } = await sharp(bytes, { limitInputPixels: opts.maxPixels, failOn: 'warning' })
          .rotate()
          .resize(opts.edge, opts.edge, { fit: 'inside', withoutEnlargement: true })
          .jpeg({ quality: THUMBNAIL_QUALITY })
          .toBuffer({ resolveWithObject: true });
        return { bytes: data, width: info.width, height: info.height };
      } catch (e) {
        throw new PhotoDecodeError(`the image does not decode: ${(e as Error).message}`, { cause: e });
      }
    },
    async exifTimes(bytes): Promise<ExifTimes | undefined> {
      let tags: Record<string, unknown> | undefined;
      try {
        tags = await exifr.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { pick: ['DateTimeOriginal', 'OffsetTimeOriginal'], reviveValues: false }) as Record<string, unknown> | undefined;
      } catch {
        return undefined; // unreadable EXIF: the photo is judged without it (docs/photos.md)
      }
      const original = typeof tags?.DateTimeOriginal === 'string' ? tags.DateTimeOriginal : undefined;
      const offset = typeof tags?.OffsetTimeOriginal === 'string' ? tags.OffsetTimeOriginal : undefined;
      if (original === undefined) return undefined;
      return { original, ...(offset !== undefined ? { offset } : {}) };
    },
  };
}
