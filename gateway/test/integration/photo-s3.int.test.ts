/**
 * The S3 photo store against a real S3-protocol server: OpenStack Swift 2.30's s3api (test/support/swift.ts), from
 * Debian. The PhotoBlobs contract, then what only a remote store can do wrong: refused credentials, a missing bucket,
 * a server that is down or does not answer, a body damaged on the way, a large body; and a whole gateway on
 * COLDTRACE_PHOTO_STORE=s3: uploads land in the bucket, a wrong secret stops it at start, a store that is down does not.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3PhotoBlobs, type S3PhotoBlobsOptions } from '../../src/adapters/photos/s3-store.js';
import { blob, describePhotoBlobsContract } from '../photo-blobs-contract.js';
import { freePort } from '../support/influx-servers.js';
import { startTestGateway, testConfig } from '../support/gateway.js';
import { makeJpeg, sha256, upload } from '../support/photos.js';
import { describeStartError } from '../../src/start-errors.js';
import { startSwift, type Swift } from '../support/swift.js';

const BUCKET = 'photos';
let swift: Swift;
let prefixes = 0;

// Four Python servers starting at once: 30-45 s measured at a load average of 12 on 2 cores.
beforeAll(async () => {
  swift = await startSwift(150_000);
  const admin = new S3Client({ endpoint: swift.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: swift.accessKeyId, secretAccessKey: swift.secretAccessKey } });
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  admin.destroy();
}, 180_000);
afterAll(async () => {
  await swift?.stop();
});

function options(extra: Partial<S3PhotoBlobsOptions> = {}): Partial<S3PhotoBlobsOptions> & Pick<S3PhotoBlobsOptions, 'bucket'> {
  return {
    bucket: BUCKET, endpoint: swift.endpoint, forcePathStyle: true,
    credentials: { accessKeyId: swift.accessKeyId, secretAccessKey: swift.secretAccessKey }, ...extra,
  };
}

// Each store of the contract under its own prefix: the tests share one bucket and run one after another.
describePhotoBlobsContract('s3 (Swift s3api)', () => {
  prefixes += 1;
  const prefix = `contract-${prefixes}`;
  let current = new S3PhotoBlobs(options({ prefix }));
  return Promise.resolve({
    store: current,
    reopen: async () => {
      await current.close();
      current = new S3PhotoBlobs(options({ prefix }));
      return current;
    },
    cleanup: () => current.close(),
  });
}, { exclusiveNew: false });

describe('S3PhotoBlobs against Swift', () => {
  it('verifies the bucket and credentials, and learns that Swift refuses conditional PUTs', async () => {
    const store = new S3PhotoBlobs(options({ prefix: 'learn' }));
    await store.verify();
    expect(store.conditionalPut).toBe('unknown');
    const { key, bytes } = blob(100);
    expect(await store.put(key, bytes, 'image/jpeg')).toBe('new');
    expect(store.conditionalPut).toBe('head-then-put');
    expect(await store.put(key, bytes, 'image/jpeg')).toBe('exists');
    expect(store.describe).toBe(`s3://${BUCKET}/learn/ at ${swift.endpoint}`);
    await store.close();
  });

  it('stores and reads back a 5 MB photo byte for byte', async () => {
    const store = new S3PhotoBlobs(options({ prefix: 'large' }));
    const { key, bytes } = blob(5 * 1024 * 1024);
    expect(await store.put(key, bytes, 'image/jpeg')).toBe('new');
    const back = await store.get(key);
    expect(back?.byteLength).toBe(bytes.byteLength);
    expect(Buffer.from(back!).equals(Buffer.from(bytes))).toBe(true);
    await store.close();
  });

  it('fails with E_PHOTO_STORE_AUTH, not retryable, on a wrong secret: at verify, put, get and has', async () => {
    const store = new S3PhotoBlobs(options({ credentials: { accessKeyId: swift.accessKeyId, secretAccessKey: 'not-the-secret' } }));
    const { key, bytes } = blob(100);
    const auth = { code: 'E_PHOTO_STORE_AUTH', retryable: false, status: 403 };
    await expect(store.verify()).rejects.toMatchObject(auth);
    await expect(store.put(key, bytes, 'image/jpeg')).rejects.toMatchObject(auth);
    await expect(store.get(key)).rejects.toMatchObject(auth);
    await expect(store.has(key)).rejects.toMatchObject(auth);
    await expect(store.get(key)).rejects.toThrow(/COLDTRACE_S3_SECRET_ACCESS_KEY/);
    await store.close();
  });

  it('fails with E_PHOTO_STORE_BUCKET on a missing bucket, at verify and get', async () => {
    const store = new S3PhotoBlobs(options({ bucket: 'no-such-bucket' }));
    await expect(store.verify()).rejects.toMatchObject({ code: 'E_PHOTO_STORE_BUCKET', retryable: false });
    await expect(store.get(blob(1).key)).rejects.toMatchObject({ code: 'E_PHOTO_STORE_BUCKET' });
    await store.close();
  });

  it('refuses a body damaged after its checksums were computed, and stores nothing', async () => {
    const store = new S3PhotoBlobs(options({ prefix: 'damaged' }));
    // After signing, as a faulty proxy or NIC would: one byte of the body flipped on the way.
    store.client.middlewareStack.add((next) => async (args) => {
      const request = args.request as { method?: string; body?: unknown };
      if (request.method === 'PUT' && request.body instanceof Uint8Array && request.body.byteLength > 0) {
        const body = Uint8Array.from(request.body);
        body[0] = body[0]! ^ 0xff;
        request.body = body;
      }
      return next(args);
    }, { step: 'finalizeRequest', name: 'flipOneByte' });
    const { key, bytes } = blob(10_000);
    await expect(store.put(key, bytes, 'image/jpeg')).rejects.toMatchObject({ code: 'E_PHOTO_STORE_CHECKSUM' });
    expect(await store.has(key)).toBe(false);
    await store.close();
  });
});

describe('S3PhotoBlobs without a server', () => {
  it('fails with E_PHOTO_STORE_NETWORK, retryable, after the bounded attempts when nothing listens', async () => {
    const port = await freePort();
    const store = new S3PhotoBlobs(options({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 3 }));
    const { key, bytes } = blob(100);
    const error = await store.put(key, bytes, 'image/jpeg').then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_PHOTO_STORE_NETWORK', retryable: true });
    expect((error as { cause: { $metadata: { attempts: number } } }).cause.$metadata.attempts).toBe(3);
    expect(String(error)).toMatch(/S3 put .* the store cannot be reached \(ECONNREFUSED\).*after 3 attempts/);
    await store.close();
  });

  it('fails with E_PHOTO_STORE_TIMEOUT after the bounded attempts when the server accepts and never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => { sockets.add(s); s.on('error', () => undefined); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const store = new S3PhotoBlobs(options({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2, requestTimeoutMs: 300 }));
    const error = await store.get(blob(1).key).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_PHOTO_STORE_TIMEOUT', retryable: true });
    expect((error as { cause: { $metadata: { attempts: number } } }).cause.$metadata.attempts).toBe(2);
    expect(sockets.size).toBe(2);
    await store.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  it('keeps the secret out of describe and of errors', async () => {
    const secret = randomBytes(16).toString('hex');
    const port = await freePort();
    const store = new S3PhotoBlobs(options({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1, credentials: { accessKeyId: 'id', secretAccessKey: secret } }));
    const error = await store.has(blob(1).key).then(() => undefined, (e: unknown) => e);
    expect(String(error)).not.toContain(secret);
    expect(store.describe).not.toContain(secret);
    await store.close();
  });
});

describe('a gateway on COLDTRACE_PHOTO_STORE=s3', () => {
  const secrets = mkdtempSync(join(tmpdir(), 'coldtrace-s3-secret-'));
  afterAll(() => rmSync(secrets, { recursive: true, force: true }));
  const query = { site: 'AMS', node: 'edge-1', device: 'CAM-PACK', takenAt: '2026-03-01T10:00:00+01:00', seq: 1, trigger: 'scan', station: 'packing 1' } as const;
  function env(extra: Record<string, string> = {}): Record<string, string> {
    writeFileSync(join(secrets, 'secret'), `${swift.secretAccessKey}\n`);
    return {
      COLDTRACE_PHOTO_STORE: 's3', COLDTRACE_S3_ENDPOINT: swift.endpoint, COLDTRACE_S3_BUCKET: BUCKET, COLDTRACE_S3_PREFIX: 'gateway',
      COLDTRACE_S3_ACCESS_KEY_ID: swift.accessKeyId, COLDTRACE_S3_SECRET_ACCESS_KEY_FILE: join(secrets, 'secret'), ...extra,
    };
  }

  it('stores an uploaded photo and its thumbnail in the bucket, not on its disk, and serves it back', async () => {
    const gw = await startTestGateway(env());
    try {
      const jpeg = await makeJpeg({ width: 800, height: 600, exif: { original: '2026:03:01 10:00:30', offset: '+01:00' }, seed: 21 });
      expect(await upload(gw.httpUrl, jpeg, query)).toMatchObject({ status: 201, json: { sha256: sha256(jpeg), stored: 'new' } });
      expect(await upload(gw.httpUrl, jpeg, { ...query, seq: 2 })).toMatchObject({ status: 200, json: { stored: 'duplicate' } });
      const bucket = new S3PhotoBlobs(options({ prefix: 'gateway' }));
      expect(Buffer.from((await bucket.get(sha256(jpeg)))!).equals(jpeg)).toBe(true);
      expect(await bucket.has(`${sha256(jpeg)}.thumb.jpg`)).toBe(true);
      await bucket.close();
      expect(existsSync(join(gw.dataDir, 'photos'))).toBe(false);
      const back = await fetch(`${gw.httpUrl}/api/v1/photos/${sha256(jpeg)}`);
      expect(back.status).toBe(200);
      expect(Buffer.from(await back.arrayBuffer()).equals(jpeg)).toBe(true);
    } finally {
      await gw.destroy();
    }
  });

  it('refuses to start with a wrong secret, saying what to check', async () => {
    writeFileSync(join(secrets, 'wrong'), 'not-the-secret\n');
    const e = await startTestGateway({ ...env(), COLDTRACE_S3_SECRET_ACCESS_KEY_FILE: join(secrets, 'wrong') }).then(() => undefined, (err: unknown) => err);
    expect(e).toMatchObject({ code: 'E_PHOTO_STORE_AUTH' });
    const dataDir = mkdtempSync(join(tmpdir(), 'coldtrace-gw-'));
    try {
      expect(describeStartError(e, testConfig(dataDir, env()))).toMatch(/^photo store: S3 open s3:\/\/photos\/gateway\/ at .*COLDTRACE_S3_SECRET_ACCESS_KEY/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('starts while the store is down, and answers uploads 503 with the store\'s code until it is back', async () => {
    const port = await freePort();
    const gw = await startTestGateway(env({ COLDTRACE_S3_ENDPOINT: `http://127.0.0.1:${port}`, COLDTRACE_S3_MAX_ATTEMPTS: '1' }));
    try {
      const jpeg = await makeJpeg({ width: 320, height: 240, seed: 22 });
      expect(await upload(gw.httpUrl, jpeg, query)).toMatchObject({ status: 503, json: { code: 'E_PHOTO_STORE_NETWORK', message: expect.stringContaining('ECONNREFUSED') } });
    } finally {
      await gw.destroy();
    }
  });
});
