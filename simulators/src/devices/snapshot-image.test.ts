import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { snapshotImage } from './snapshot-image.js';

const at = (img: { width: number; data: Uint8Array }, x: number, y: number): number[] => {
  const i = (y * img.width + x) * 4;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
};

describe('the IP camera simulator picture', () => {
  const base = { station: 'Packing station 1', device: 'pack-cam-1', time: Date.UTC(2026, 11, 7, 8, 15, 3), frame: 1 };

  it('is a JPEG of the asked size with the overlay bands dark and text in them', () => {
    const img = jpeg.decode(snapshotImage({ ...base, width: 320, height: 180 }), { useTArray: true });
    expect([img.width, img.height]).toEqual([320, 180]);
    const brightInTopBand = Array.from({ length: 320 }, (_, x) => at(img, x, 6)).filter(([r]) => r! > 200).length;
    expect(brightInTopBand).toBeGreaterThan(20);
    expect(at(img, 318, 1)[0]).toBeLessThan(60);
  });

  it('carries its capture time as EXIF DateTimeOriginal when asked, still a JPEG jpeg-js decodes', async () => {
    const { default: exifr } = await import('exifr');
    const bytes = snapshotImage({ ...base, exifTime: Date.UTC(2026, 11, 7, 8, 15, 3) });
    const tags = await exifr.parse(bytes, { pick: ['DateTimeOriginal', 'OffsetTimeOriginal'], reviveValues: false }) as Record<string, unknown>;
    expect(tags).toEqual({ DateTimeOriginal: '2026:12:07 08:15:03', OffsetTimeOriginal: '+00:00' });
    expect(jpeg.decode(bytes).width).toBe(640);
    expect(await exifr.parse(snapshotImage(base))).toBeUndefined();
  });

  it('differs from frame to frame and from second to second, and is the same for the same inputs', () => {
    const a = snapshotImage(base);
    expect(snapshotImage(base).equals(a)).toBe(true);
    expect(snapshotImage({ ...base, frame: 2 }).equals(a)).toBe(false);
    expect(snapshotImage({ ...base, time: base.time + 1000 }).equals(a)).toBe(false);
  });
});
