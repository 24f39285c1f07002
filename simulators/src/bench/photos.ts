/**
 * `npm run bench -- --photos`: photos as evidence (issue #21, docs/photos.md). A gateway process on a fresh data
 * directory (disk photo store, SQLite, rules off); a camera placed at the packing station where one batch of one order
 * sits. Uploads of distinct 2 MB JPEGs, one at a time, as the edge agent sends them (PUT /api/v1/photos/{sha256}):
 * each is hashed, judged, decoded for its thumbnail, stored (fsync) and its record chained before the answer; then
 * the order's timeline with those photos on it, one request at a time. Targets (#21): an upload under 200 ms, the
 * timeline with 50 photos under 50 ms p99.
 *
 * The photos: one 2 MB JPEG encoded once (jpeg-js: gradients and pixel noise), each upload made distinct by a
 * comment segment (FF FE) after its start-of-image marker: a new hash, the same pixels to decode.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import jpeg from 'jpeg-js';
import { photoUploadPath } from '@coldtrace/contract';
import { cpuSeconds } from './proc.js';
import { spawnGateway } from './processes.js';
import type { BenchMode } from './shapes.js';
import { timelineLatency, type TimelineResult } from './registry/queries.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Uploads timed, and timeline requests timed (after as many uncounted), by mode. */
export const PHOTO_BENCH_SIZES: Readonly<Record<BenchMode, { uploads: number; timelines: number }>> = {
  smoke: { uploads: 8, timelines: 20 }, quick: { uploads: 60, timelines: 300 }, full: { uploads: 200, timelines: 1000 },
};
/** Photos on the order's timeline when it is timed. */
const TIMELINE_PHOTOS = 50;

export interface PhotoBenchReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly loadAvg1: number };
  readonly photoBytes: number;
  readonly width: number;
  readonly height: number;
  /** Upload to answer (201), ms, one at a time. */
  readonly upload: { readonly count: number; readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number };
  /** The gateway's CPU (all threads: the decode runs on libuv's pool) per upload, ms: what a loaded machine does not inflate. */
  readonly uploadCpuMs: number;
  /** The same per timeline request, ms. */
  readonly timelineCpuMs: number;
  /** The same bytes again (200 duplicate), ms. */
  readonly duplicate: { readonly count: number; readonly p50: number; readonly p99: number };
  readonly timeline: TimelineResult & { readonly photos: number };
}

function registry(t0: number): unknown {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    format: 'coldtrace-registry/1',
    sites: [{ id: 'WH1', name: 'Warehouse', geofence: { kind: 'circle', center: { lat: 52.37, lon: 4.89 }, radiusM: 400 } }],
    zones: [{ id: 'Z-PACK', site: 'WH1', name: 'Packing station' }],
    devices: [{ id: 'CAM-PACK', kind: 'other', model: 'IP camera', intervalS: 3600, metrics: [] }],
    products: [{ id: 'P-VAX', name: 'Vaccine', preset: 'pharma-2-8' }],
    batches: [{ id: 'B-1', product: 'P-VAX', quantity: 10, producedAt: '2026-01-01', expiresAt: '2028-01-01' }],
    orders: [{ id: 'O-PHOTO', customer: 'Bench', lines: [{ batch: 'B-1', quantity: 10 }], shipments: [], promisedDelivery: iso(t0 + 24 * HOUR), statuses: [] }],
    placements: [{ id: 'P-CAM', device: 'CAM-PACK', zone: 'Z-PACK', from: iso(t0 - HOUR) }, { id: 'P-B1', batch: 'B-1', zone: 'Z-PACK', from: iso(t0), to: iso(t0 + 12 * HOUR) }],
  };
}

/** A JPEG that does not compress to nothing, like a busy camera frame. */
function baseJpeg(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  let x = 0x9e3779b9;
  for (let i = 0; i < data.length; i += 4) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    const p = i / 4;
    // Gradients with pixel noise: about 2 MB at 3000 x 2000 and quality 85, as a 6-megapixel camera frame.
    const v = ((p % width) >> 4) + (Math.floor(p / width) >> 4) + ((x >>> 0) % 9);
    data[i] = v & 0xff; data[i + 1] = (v * 3) & 0xff; data[i + 2] = 255 - (v & 0xff); data[i + 3] = 255;
  }
  return jpeg.encode({ data, width, height }, 85).data;
}

/** `base` with a comment segment naming `n` after its SOI: a distinct file with the same pixels. */
function variant(base: Buffer, n: number): Buffer {
  const text = Buffer.from(`coldtrace bench photo ${n}`);
  const seg = Buffer.alloc(4 + text.length);
  seg.writeUInt16BE(0xfffe, 0);
  seg.writeUInt16BE(text.length + 2, 2);
  text.copy(seg, 4);
  return Buffer.concat([base.subarray(0, 2), seg, base.subarray(2)]);
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function stats(ms: readonly number[]): { count: number; p50: number; p99: number; max: number; mean: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { count: s.length, p50: r(at(0.5)), p99: r(at(0.99)), max: r(s[s.length - 1] ?? 0), mean: r(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)) };
}

async function put(httpUrl: string, bytes: Buffer, takenAtMs: number, seq: number): Promise<{ status: number; ms: number }> {
  const path = photoUploadPath(sha256(bytes), { site: 'WH1', node: 'node-pack', device: 'CAM-PACK', takenAt: new Date(takenAtMs).toISOString(), seq, trigger: 'scan', station: 'packing 1' });
  const t = performance.now();
  const res = await fetch(`${httpUrl}${path}`, { method: 'PUT', body: bytes, headers: { 'content-type': 'image/jpeg' } });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t };
}

export async function runPhotoBench(o: { mode: BenchMode; startedAt: Date; log: (s: string) => void }): Promise<PhotoBenchReport> {
  const sizes = PHOTO_BENCH_SIZES[o.mode];
  const [width, height] = [3000, 2000];
  const base = baseJpeg(width, height);
  o.log(`photos: base JPEG ${width} x ${height}, ${base.length} bytes`);
  const dir = await mkdtemp(join(tmpdir(), 'coldtrace-photo-bench-'));
  const gateway = await spawnGateway({ COLDTRACE_DATA_DIR: dir, COLDTRACE_RULES: 'off' });
  try {
    const httpUrl = gateway.ready['httpUrl']!;
    const t0 = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
    const reg = await fetch(`${httpUrl}/api/v1/registry`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(registry(t0)) });
    if (!reg.ok) throw new Error(`photo bench: registry import: HTTP ${reg.status} ${await reg.text()}`);
    // Warm up (the first decode loads libvips' JPEG code), not counted.
    const warm = await put(httpUrl, variant(base, -1), t0 + 13 * HOUR, 0);
    if (warm.status !== 201) throw new Error(`photo bench: warm-up upload answered ${warm.status}`);
    const times: number[] = [];
    const sent: Buffer[] = [];
    const cpuBefore = cpuSeconds(gateway.pid);
    for (let i = 0; i < Math.max(sizes.uploads, TIMELINE_PHOTOS); i++) {
      const bytes = variant(base, i);
      // The first TIMELINE_PHOTOS while B-1 is at the station (on the order's timeline), the rest after it left.
      const takenAt = i < TIMELINE_PHOTOS ? t0 + (i + 1) * 10 * MIN : t0 + 13 * HOUR + i * MIN;
      const r = await put(httpUrl, bytes, takenAt, i + 1);
      if (r.status !== 201) throw new Error(`photo bench: upload ${i} answered ${r.status}`);
      if (i < sizes.uploads) times.push(r.ms);
      if (sent.length < 20) sent.push(bytes);
    }
    const upload = stats(times);
    const uploadCpuMs = Math.round(((cpuSeconds(gateway.pid) - cpuBefore) * 1000 / Math.max(sizes.uploads, TIMELINE_PHOTOS)) * 10) / 10;
    o.log(`photos: ${upload.count} uploads, p50 ${upload.p50} ms, p99 ${upload.p99} ms`);
    const dup: number[] = [];
    for (const [i, bytes] of sent.entries()) {
      const r = await put(httpUrl, bytes, t0, 1000 + i);
      if (r.status !== 200) throw new Error(`photo bench: duplicate answered ${r.status}`);
      dup.push(r.ms);
    }
    const duplicate = stats(dup);
    const cpuTimeline = cpuSeconds(gateway.pid);
    const timeline = await timelineLatency(httpUrl, ['O-PHOTO'], sizes.timelines, sizes.timelines, 21);
    const timelineCpuMs = Math.round(((cpuSeconds(gateway.pid) - cpuTimeline) * 1000 / (2 * sizes.timelines)) * 100) / 100;
    const photos = ((await (await fetch(`${httpUrl}/api/v1/orders/O-PHOTO/timeline`)).json()) as { events: { kind: string }[] }).events.filter((e) => e.kind === 'photo').length;
    if (photos !== TIMELINE_PHOTOS) throw new Error(`photo bench: the timeline shows ${photos} photos, expected ${TIMELINE_PHOTOS}`);
    o.log(`photos: timeline with ${photos} photos p50 ${timeline.p50} ms, p99 ${timeline.p99} ms`);
    return {
      mode: o.mode, startedAt: o.startedAt.toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAvg1: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
      photoBytes: base.length, width, height, upload, uploadCpuMs, timelineCpuMs, duplicate: { count: duplicate.count, p50: duplicate.p50, p99: duplicate.p99 }, timeline: { ...timeline, photos },
    };
  } finally {
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writePhotoReport(r: PhotoBenchReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-photos-${r.mode}`);
  const yes = (ok: boolean): string => (ok ? 'yes' : 'NO');
  const md = [
    `# Photos as evidence (#21), ${r.mode}`, '',
    `A gateway process (disk photo store, SQLite, rules off); distinct ${r.width} x ${r.height} JPEGs of ${r.photoBytes.toLocaleString('en')} bytes uploaded one at a time; ` +
      `${r.machine.cpus} × ${r.machine.cpuModel}, load average ${r.machine.loadAvg1} at the end.`, '',
    '| what | p50 | p99 | max | target | met |', '|---|---|---|---|---|---|',
    `| upload: hashed, judged, thumbnailed, stored (fsync), chained; ${r.upload.count} photos | ${r.upload.p50} ms | ${r.upload.p99} ms | ${r.upload.max} ms | < 200 ms | ${yes(r.upload.p99 < 200)} |`,
    `| the same photo again (200 duplicate), ${r.duplicate.count} | ${r.duplicate.p50} ms | ${r.duplicate.p99} ms | – | – | – |`,

    `| order timeline with ${r.timeline.photos} photos, ${r.timeline.count} requests | ${r.timeline.p50} ms | ${r.timeline.p99} ms | ${r.timeline.max} ms | p99 < 50 ms | ${yes(r.timeline.p99 < 50 && r.timeline.errors === 0)} |`, '',
    `The gateway's CPU (all its threads, from /proc): ${r.uploadCpuMs} ms per upload, ${r.timelineCpuMs} ms per timeline request.`, '',
  ].join('\n');
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
