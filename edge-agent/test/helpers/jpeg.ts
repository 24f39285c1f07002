/**
 * A real 16x8 baseline JPEG (made once with jpeg-js, quality 50) for tests of the camera source and the photo
 * outbox, and variants of it: distinct bytes that are still a whole JPEG (a COM segment), or cut and wrong ones.
 */
const TINY_JPEG_BASE64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wCEABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2MBERISGBUYLxoaL2NCOEJjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY//AABEIAAgAEAMBEQACEQEDEQH/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEAAhEDEQA/AIQIWAACJ7gL/U163vIEqMlZWXpb9WxSNmSCrKP93P5AGjcbXJqrNfK/3JM//9k=';

export const TINY_JPEG: Buffer = Buffer.from(TINY_JPEG_BASE64, 'base64');

/** TINY_JPEG with a comment segment after SOI: other bytes (another SHA-256), still a whole JPEG. */
export function jpegWithComment(text: string, padTo = 0): Buffer {
  const body = Buffer.from(text.padEnd(Math.max(0, padTo - TINY_JPEG.length - 4), '.'), 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt16BE(0xfffe, 0);
  len.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([TINY_JPEG.subarray(0, 2), len, body, TINY_JPEG.subarray(2)]);
}
