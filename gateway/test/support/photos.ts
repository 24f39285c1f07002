/** Test support: real JPEGs made with sharp, and uploads over HTTP as the edge agent sends them (contract/src/photo.ts). */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { photoUploadPath, type PhotoUploadQuery } from '@coldtrace/contract';

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * A JPEG of `width` x `height` (noise, so it is not tiny), with an EXIF DateTimeOriginal when given
 * ("YYYY:MM:DD HH:MM:SS", with its offset).
 */
export async function makeJpeg(opts: { width?: number; height?: number; exif?: { original: string; offset?: string }; seed?: number; quality?: number } = {}): Promise<Buffer> {
  const { width = 640, height = 480, seed = 1, quality = 85 } = opts;
  let img = sharp({ create: { width, height, channels: 3, background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: 120 }, noise: { type: 'gaussian', mean: 120, sigma: 40 } } }).jpeg({ quality });
  if (opts.exif !== undefined) img = img.withExif({ IFD2: { DateTimeOriginal: opts.exif.original, ...(opts.exif.offset !== undefined ? { OffsetTimeOriginal: opts.exif.offset } : {}) } });
  return img.toBuffer();
}

/** `jpeg` with its frame header declaring `width` x `height` instead: a decompression bomb in a few kilobytes. */
export function declaringPixels(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9;) {
    const marker = out[i + 1]!;
    const length = out.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + length;
  }
  throw new Error('no frame header');
}

export interface UploadAnswer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes
  readonly json: any;
}

/** PUT /api/v1/photos/{sha256} as the agent sends it. */
export async function upload(httpUrl: string, bytes: Uint8Array, q: PhotoUploadQuery, opts: { sha?: string; contentType?: string; auth?: string } = {}): Promise<UploadAnswer> {
  const res = await fetch(`${httpUrl}${photoUploadPath(opts.sha ?? sha256(bytes), q)}`, {
    method: 'PUT', body: bytes,
    headers: { 'content-type': opts.contentType ?? 'image/jpeg', ...(opts.auth !== undefined ? { authorization: opts.auth } : {}) },
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

export const basic = (username: string, secret: string): string => `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;
