/**
 * Photo uploads end to end (issue #21, docs/photos.md): a real gateway over HTTP with its disk store, real JPEGs made
 * by sharp. The same photo twice is stored once; bad input (edited bytes, not a JPEG, an HTML page, too large, a
 * pixel bomb, a cut file) is refused with the contract's status and reason and kept in the photo quarantine with its
 * bytes; a photo whose EXIF time is far off is stored and flagged; the original and the thumbnail are served
 * immutable; an edited stored photo fails verification, which names it.
 */
import { readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { PhotoUploadQuery } from '@coldtrace/contract';
import { getJson, startTestGateway, type TestGateway } from '../support/gateway.js';
import { builtCli } from '../support/cli.js';
import { declaringPixels, makeJpeg, sha256, upload } from '../support/photos.js';

const MAX_BYTES = 3 * 1024 * 1024;
const query = (over: Partial<PhotoUploadQuery> = {}): PhotoUploadQuery => ({
  site: 'AMS', node: 'edge-1', device: 'CAM-PACK', takenAt: '2026-03-01T10:00:00+01:00', seq: 1, trigger: 'scan', station: 'packing 1', ...over,
});

/** Every file under `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('photo uploads', () => {
  let gw: TestGateway;
  let api: string;

  beforeAll(async () => {
    gw = await startTestGateway({ COLDTRACE_PHOTO_MAX_BYTES: String(MAX_BYTES), COLDTRACE_PHOTO_MAX_PIXELS: '40000000', COLDTRACE_PHOTO_EXIF_TOLERANCE_S: '600' });
    api = `${gw.httpUrl}/api/v1`;
  });
  afterAll(async () => {
    await gw?.destroy();
  });

  it('stores a photo uploaded twice once, with its thumbnail, and serves both immutable', async () => {
    const jpeg = await makeJpeg({ width: 1600, height: 1200, exif: { original: '2026:03:01 10:00:30', offset: '+01:00' } });
    const first = await upload(gw.httpUrl, jpeg, query());
    expect(first).toEqual({ status: 201, json: { sha256: sha256(jpeg), stored: 'new' } });
    const again = await upload(gw.httpUrl, jpeg, query({ seq: 2 }));
    expect(again).toEqual({ status: 200, json: { sha256: sha256(jpeg), stored: 'duplicate' } });
    // Stored once: one original and one thumbnail on disk.
    expect(filesUnder(join(gw.dataDir, 'photos')).filter((f) => f.includes(sha256(jpeg))).map((f) => f.slice(f.lastIndexOf('/') + 1)).sort())
      .toEqual([sha256(jpeg), `${sha256(jpeg)}.thumb.jpg`]);
    const original = await fetch(`${api}/photos/${sha256(jpeg)}`);
    expect(original.status).toBe(200);
    expect(original.headers.get('etag')).toBe(`"${sha256(jpeg)}"`);
    expect(original.headers.get('cache-control')).toContain('immutable');
    expect(sha256(Buffer.from(await original.arrayBuffer()))).toBe(sha256(jpeg));
    expect((await fetch(`${api}/photos/${sha256(jpeg)}`, { headers: { 'if-none-match': `"${sha256(jpeg)}"` } })).status).toBe(304);
    const thumb = await fetch(`${api}/photos/${sha256(jpeg)}/thumbnail`);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    expect(await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    const info = await getJson<Record<string, unknown>>(`${api}/photos/${sha256(jpeg)}/info`);
    expect(info).toMatchObject({
      sha256: sha256(jpeg), site: 'AMS', node: 'edge-1', device: 'CAM-PACK', seq: 1, trigger: 'scan', station: 'packing 1', width: 1600, height: 1200, bytes: jpeg.length,
      takenAtMs: Date.parse('2026-03-01T09:00:00Z'), exifTimeMs: Date.parse('2026-03-01T09:00:30Z'), warnings: [],
    });
  });

  it.each([
    ['edited bytes (hash mismatch)', async () => {
      const jpeg = await makeJpeg({ seed: 2 });
      const edited = Buffer.from(jpeg);
      edited[edited.length - 100] = edited[edited.length - 100]! ^ 0xff;
      return { bytes: edited, sha: sha256(jpeg) };
    }, 400, 'E_PHOTO_HASH', /not the [0-9a-f]{64} of its path/],
    ['an HTML login page sent as a JPEG', () => Promise.resolve({ bytes: Buffer.from('<!DOCTYPE html><html><body>Login</body></html>') }), 415, 'E_PHOTO_NOT_JPEG', /HTML page/],
    ['a PNG', async () => ({ bytes: await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).png().toBuffer() }), 415, 'E_PHOTO_NOT_JPEG', /PNG/],
    ['an HTML page with its own media type', () => Promise.resolve({ bytes: Buffer.from('<html></html>'), contentType: 'text/html' }), 415, 'E_PHOTO_MEDIA_TYPE', /must be image\/jpeg/],
    ['a pixel bomb (a small JPEG declaring 60000 x 60000)', async () => ({ bytes: declaringPixels(await makeJpeg({ width: 64, height: 64 }), 60_000, 60_000) }), 422, 'E_PHOTO_PIXELS', /60000 x 60000/],
    ['a JPEG cut short', async () => {
      const jpeg = await makeJpeg({ seed: 3 });
      return { bytes: jpeg.subarray(0, jpeg.length >> 1) };
    }, 422, 'E_PHOTO_CORRUPT', /cut short|end-of-image/],
    ['a JPEG cut short with an end-of-image marker put back (its header reads, its pixels do not)', async () => {
      const jpeg = await makeJpeg({ seed: 4 });
      return { bytes: Buffer.concat([jpeg.subarray(0, jpeg.length >> 1), Buffer.from([0xff, 0xd9])]) };
    }, 422, 'E_PHOTO_CORRUPT', /does not decode/],
    ['a query without takenAt', async () => ({ bytes: await makeJpeg({ seed: 5 }), q: { takenAt: '' } }), 400, 'E_PHOTO_QUERY', /takenAt: required/],
  ])('refuses %s with its reason and keeps it', async (_name, make, status, code, reason) => {
    const { bytes, sha, contentType, q } = await make() as { bytes: Buffer; sha?: string; contentType?: string; q?: Partial<PhotoUploadQuery> };
    const r = await upload(gw.httpUrl, bytes, query({ ...q, seq: 10 }), { ...(sha !== undefined ? { sha } : {}), ...(contentType !== undefined ? { contentType } : {}) });
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ code, error: code });
    expect(r.json.reason).toMatch(reason);
    const kept = await getJson<{ id: number; code: string; reason: string; actualSha256: string; blobKey: string }[]>(`${api}/photos/quarantine?limit=1000`);
    const entry = kept.find((e) => e.id === r.json.quarantineId);
    expect(entry).toMatchObject({ code, reason: r.json.reason, actualSha256: sha256(bytes), blobKey: `${sha256(bytes)}.quarantine` });
    const back = await fetch(`${api}/photos/quarantine/${r.json.quarantineId}/bytes`);
    expect(Buffer.from(await back.arrayBuffer()).equals(bytes)).toBe(true);
    // Nothing of it is served as a photo.
    expect((await fetch(`${api}/photos/${sha ?? sha256(bytes)}`)).status).toBe(404);
  });

  it('refuses a body over the size limit unread (413) and keeps the refusal', async () => {
    const big = await makeJpeg({ width: 2400, height: 1800, quality: 100, seed: 6 });
    expect(big.length).toBeGreaterThan(MAX_BYTES);
    const r = await upload(gw.httpUrl, big, query({ seq: 11 }));
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ code: 'E_PHOTO_TOO_LARGE' });
    const kept = await getJson<{ id: number; code: string; size: number; blobKey?: string }[]>(`${api}/photos/quarantine?code=E_PHOTO_TOO_LARGE`);
    expect(kept.find((e) => e.id === r.json.quarantineId)).toMatchObject({ size: big.length });
    expect(kept.find((e) => e.id === r.json.quarantineId)?.blobKey).toBeUndefined();
  });

  it('stores a photo whose EXIF time is far from takenAt, flagged with a warning', async () => {
    const jpeg = await makeJpeg({ seed: 7, exif: { original: '2025:12:24 18:00:00' } });
    const r = await upload(gw.httpUrl, jpeg, query({ seq: 12 }));
    expect(r.status).toBe(201);
    expect(r.json.warnings).toHaveLength(1);
    expect(r.json.warnings[0]).toMatch(/^EXIF_TIME_OFF: the EXIF capture time 2025-12-24T17:00:00.000Z is \d+ s before takenAt/);
    const flagged = await getJson<{ sha256: string }[]>(`${api}/photos?flagged=true`);
    expect(flagged.map((p) => p.sha256)).toContain(sha256(jpeg));
  });

  it('describes the photo routes in the OpenAPI document: the upload takes image/jpeg, the reads give it', async () => {
    type Op = { requestBody?: { content?: Record<string, unknown> }; responses: Record<string, { content?: Record<string, unknown> }> };
    const doc = await getJson<{ paths: Record<string, { get?: Op; put?: Op }> }>(`${gw.httpUrl}/openapi.json`);
    const put = doc.paths['/api/v1/photos/{sha256}']?.put;
    expect(Object.keys(put?.responses ?? {}).sort()).toEqual(['200', '201', '400', '401', '413', '415', '422', '429', '503']);
    expect(Object.keys(doc.paths['/api/v1/photos/{sha256}']?.get?.responses['200']?.content ?? {})).toEqual(['image/jpeg']);
    expect(Object.keys(doc.paths['/api/v1/photos/{sha256}/thumbnail']?.get?.responses['200']?.content ?? {})).toEqual(['image/jpeg']);
    for (const path of ['/api/v1/photos', '/api/v1/photos/{sha256}/info', '/api/v1/photos/quarantine', '/api/v1/photos/quarantine/{id}/bytes']) expect(doc.paths[path]?.get, path).toBeDefined();
  });

  it('names an edited stored photo when verifying, and verifies before it', async () => {
    const jpeg = await makeJpeg({ seed: 8 });
    expect((await upload(gw.httpUrl, jpeg, query({ seq: 13 }))).status).toBe(201);
    const before = await getJson<{ ok: boolean; photos: { count: number; verified: number } }>(`${api}/integrity/verify`);
    expect(before.ok).toBe(true);
    expect(before.photos.verified).toBe(before.photos.count);
    const file = filesUnder(join(gw.dataDir, 'photos')).find((f) => f.endsWith(`/${sha256(jpeg)}`))!;
    const edited = Buffer.from(jpeg);
    edited[600] = edited[600]! ^ 0x01;
    writeFileSync(file, edited);
    expect(statSync(file).size).toBe(jpeg.length);
    const after = await getJson<{ ok: boolean; photos: { broken: Record<string, unknown> } }>(`${api}/integrity/verify`);
    expect(after.ok).toBe(false);
    expect(after.photos.broken).toMatchObject({ chain: 'photos', reason: 'content', record: { kind: 'photo', id: sha256(jpeg) }, expected: sha256(jpeg), found: sha256(edited) });
    // Offline too: coldtrace-verify re-hashes the photos on the disk store and names the same one.
    const offline = await builtCli('verify')(['--data-dir', gw.dataDir]);
    expect(offline.code, offline.stdout + offline.stderr).toBe(1);
    expect(offline.stdout).toContain(`BROKEN photos link`);
    expect(offline.stdout).toContain(`photo ${sha256(jpeg)}`);
    expect(offline.stdout).toContain(`found    ${sha256(edited)}`);
    writeFileSync(file, jpeg);
    const repaired = await builtCli('verify')(['--data-dir', gw.dataDir]);
    expect(repaired.stdout, repaired.stderr).toMatch(/photos: \d+, \d+ whose bytes hash to their chained record/);
    expect(repaired.stdout).not.toContain('BROKEN photos');
  });

  it('answers 503 (the node keeps the photo and retries) when the photo store fails, and stores it once the store is back', async () => {
    const jpeg = await makeJpeg({ seed: 9 });
    const photos = join(gw.dataDir, 'photos');
    renameSync(photos, `${photos}.away`);
    writeFileSync(photos, 'not a directory');
    try {
      const r = await upload(gw.httpUrl, jpeg, query({ seq: 14 }));
      expect(r.status).toBe(503);
      expect(r.json.code).toMatch(/^E_PHOTO_STORE_/);
    } finally {
      rmSync(photos);
      renameSync(`${photos}.away`, photos);
    }
    expect((await upload(gw.httpUrl, jpeg, query({ seq: 14 }))).status).toBe(201);
  });
});
