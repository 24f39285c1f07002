/**
 * The IP camera simulator's picture: a JPEG (jpeg-js, pure JavaScript) of a plain scene (floor, shelves, pallets
 * placed by the station's name, so each station looks like itself) with the station name, the camera's device id,
 * the time (UTC, to the second) and a frame number burnt in, as real cameras overlay them, and optionally the same
 * time as EXIF DateTimeOriginal. Every frame differs.
 */
import jpeg from 'jpeg-js';
import { drawText, fillRect, textWidth, type Canvas } from './bitmap-font.js';
import { seededRandom } from '../random.js';
import { exifSegment, withSegment } from './exif.js';

export interface SnapshotImageOptions {
  readonly station: string;
  readonly device: string;
  /** The time shown, ms since the epoch. */
  readonly time: number;
  readonly frame: number;
  /** Pixels. Default 640 x 360. */
  readonly width?: number;
  readonly height?: number;
  /** JPEG quality, 1-100. Default 80. */
  readonly quality?: number;
  /** Also write this time (ms) as the EXIF capture time, as cameras do. Default: no EXIF. */
  readonly exifTime?: number;
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

export function snapshotImage(o: SnapshotImageOptions): Buffer {
  const width = o.width ?? 640;
  const height = o.height ?? 360;
  const c: Canvas = { width, height, data: Buffer.alloc(width * height * 4) };
  // The scene: wall, floor, a shelf line and a few pallets where this station has them.
  fillRect(c, 0, 0, width, height, [96, 104, 112]);
  fillRect(c, 0, Math.round(height * 0.62), width, height, [70, 72, 70]);
  fillRect(c, 0, Math.round(height * 0.3), width, 6, [150, 120, 60]);
  const random = seededRandom(seedOf(o.station));
  for (let i = 0; i < 4; i++) {
    const w = Math.round(width * (0.1 + random() * 0.12));
    const h = Math.round(height * (0.15 + random() * 0.15));
    const x = Math.round(random() * (width - w));
    fillRect(c, x, Math.round(height * 0.62) - h, w, h, [170 + Math.round(random() * 60), 140, 90]);
    fillRect(c, x, Math.round(height * 0.62) - 8, w, 8, [120, 90, 50]);
  }
  // The overlay: station and device on top, time and frame at the bottom, each on a dark band.
  const scale = Math.max(1, Math.floor(width / 200));
  const band = 7 * scale + 2 * scale;
  fillRect(c, 0, 0, width, band + scale, [16, 16, 16]);
  fillRect(c, 0, height - band - scale, width, band + scale, [16, 16, 16]);
  const top = o.station.slice(0, Math.floor(width / (6 * scale)) - 1);
  drawText(c, top, scale, scale + 1, scale, [255, 255, 255]);
  const device = o.device.slice(0, 40);
  const small = Math.max(1, scale - 1);
  drawText(c, device, width - textWidth(device, small) - scale, band + 2 * scale, small, [255, 230, 120]);
  const time = `${new Date(o.time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  drawText(c, time, scale, height - band, scale, [255, 255, 255]);
  const frame = `#${o.frame}`;
  drawText(c, frame, width - textWidth(frame, scale) - scale, height - band, scale, [160, 220, 160]);
  const encoded = jpeg.encode(c, o.quality ?? 80).data;
  return o.exifTime === undefined ? encoded : withSegment(encoded, exifSegment(o.exifTime));
}
