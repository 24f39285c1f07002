/**
 * A minimal EXIF APP1 segment, as IP cameras write one: DateTimeOriginal and OffsetTimeOriginal (EXIF 2.31) in the
 * camera's own clock, so the gateway can compare it with the agent's `takenAt` (docs/photos.md: a photo whose EXIF
 * time is far from it is stored but flagged). Big-endian TIFF, IFD0 with only the Exif IFD pointer.
 */

/** `YYYY:MM:DD HH:MM:SS` in UTC. */
function exifTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');
}

/** The APP1 segment (marker and length included) carrying `time` (ms since the epoch) as UTC. */
export function exifSegment(time: number): Buffer {
  const tiff = Buffer.alloc(83);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  // IFD0 at 8: one entry, the Exif IFD pointer (0x8769, LONG) to 26.
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x8769, 10);
  tiff.writeUInt16BE(4, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt32BE(26, 18);
  tiff.writeUInt32BE(0, 22);
  // Exif IFD at 26: DateTimeOriginal (0x9003, ASCII 20) at 56, OffsetTimeOriginal (0x9011, ASCII 7) at 76.
  tiff.writeUInt16BE(2, 26);
  const entry = (at: number, tag: number, count: number, offset: number): void => {
    tiff.writeUInt16BE(tag, at);
    tiff.writeUInt16BE(2, at + 2);
    tiff.writeUInt32BE(count, at + 4);
    tiff.writeUInt32BE(offset, at + 8);
  };
  entry(28, 0x9003, 20, 56);
  entry(40, 0x9011, 7, 76);
  tiff.writeUInt32BE(0, 52);
  tiff.write(`${exifTime(time)}\0`, 56, 'latin1');
  tiff.write('+00:00\0', 76, 'latin1');
  const head = Buffer.alloc(10);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(2 + 6 + tiff.length, 2);
  head.write('Exif\0\0', 4, 'latin1');
  return Buffer.concat([head, tiff]);
}

/** `jpeg` with `segment` after its SOI (and after a JFIF APP0, which readers expect first). */
export function withSegment(jpeg: Buffer, segment: Buffer): Buffer {
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + jpeg.readUInt16BE(4);
  return Buffer.concat([jpeg.subarray(0, at), segment, jpeg.subarray(at)]);
}
