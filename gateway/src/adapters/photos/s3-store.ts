/**
 * Photo blobs in an S3-compatible object store (docs/photos.md "Storage"): AWS S3, MinIO, Ceph RGW, OpenStack Swift's
 * s3api. One object per key, `<prefix><key>`, flat (S3 partitions by key itself).
 *
 * A put is durable when the store answers 200 (S3 acknowledges a PUT only once the object is stored). It sends the
 * body's SHA-256 (`x-amz-checksum-sha256`, checked by AWS and MinIO) and MD5 (`Content-MD5`, checked by every S3
 * server, Swift included), so a body damaged on the way is refused (`E_PHOTO_STORE_CHECKSUM`), never stored.
 * `'exists'` needs a conditional write: the store first HEADs the key (a photo uploaded again is the common repeat),
 * then PUTs with `If-None-Match: *`, which AWS (since 2024) and MinIO honour with 412 when a concurrent put won. A
 * server that does not support it (Swift 2.30 answers 501) is remembered, and from then on the PUT is plain: two
 * racing puts of one key then both write, both say `'new'`, and the object holds the same bytes either way (the key
 * is the content's hash).
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { assertPhotoKey, PhotoBlobError } from '../../ports/photo-blobs.js';
import type { PhotoBlobs } from '../../ports/photo-blobs.js';
import { nameOf, statusOf, toPhotoBlobError } from './s3-errors.js';

export interface S3PhotoBlobsOptions {
  /** The bucket; must exist (the store does not create it). Required. */
  readonly bucket: string;
  /** Prepended to every key ('' = none; a missing trailing `/` is added). Default ''. */
  readonly prefix: string;
  /** Endpoint URL of an S3-compatible server (`http://minio:9000`); undefined = AWS for the region. Default undefined. */
  readonly endpoint?: string;
  /** Region to sign for. Default 'us-east-1' (what MinIO and Swift's s3api expect unless configured otherwise). */
  readonly region: string;
  /** Path-style URLs (`endpoint/bucket/key`) instead of virtual hosts (`bucket.endpoint/key`); MinIO and Swift need it. Default false. */
  readonly forcePathStyle: boolean;
  /** Static credentials; undefined = the AWS SDK's default chain (AWS_* environment, profile, instance or task role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Attempts per call, the first included; retries wait the SDK's standard backoff (full jitter, base 100 ms, cap 20 s). Default 3. */
  readonly maxAttempts: number;
  /** An attempt whose connection is not open after this fails, ms. Default 5 000. */
  readonly connectTimeoutMs: number;
  /** An attempt whose request and response take longer fails, ms. Default 60 000 (a 10 MB photo at 2 Mbit/s is 40 s). */
  readonly requestTimeoutMs: number;
}

export const DEFAULT_S3_PHOTO_BLOBS_OPTIONS: Omit<S3PhotoBlobsOptions, 'bucket'> = {
  prefix: '', region: 'us-east-1', forcePathStyle: false, maxAttempts: 3, connectTimeoutMs: 5_000, requestTimeoutMs: 60_000,
};

/** How the store learns a put found its key already there (see the file's comment). */
export type ConditionalPut = 'if-none-match' | 'head-then-put' | 'unknown';

export class S3PhotoBlobs implements PhotoBlobs {
  readonly describe: string;
  /** The SDK client (tests add middleware to it). */
  readonly client: S3Client;
  private readonly o: S3PhotoBlobsOptions;
  private readonly prefix: string;
  private readonly endpointName: string;
  private conditional: ConditionalPut = 'unknown';
  private closed = false;

  constructor(options: Partial<S3PhotoBlobsOptions> & Pick<S3PhotoBlobsOptions, 'bucket'>) {
    this.o = { ...DEFAULT_S3_PHOTO_BLOBS_OPTIONS, ...options };
    this.prefix = this.o.prefix === '' || this.o.prefix.endsWith('/') ? this.o.prefix : `${this.o.prefix}/`;
    this.endpointName = this.o.endpoint ?? `AWS ${this.o.region}`;
    this.describe = `s3://${this.o.bucket}/${this.prefix} at ${this.endpointName}`;
    this.client = new S3Client({
      region: this.o.region,
      forcePathStyle: this.o.forcePathStyle,
      maxAttempts: this.o.maxAttempts,
      retryMode: 'standard',
      requestHandler: { connectionTimeout: this.o.connectTimeoutMs, requestTimeout: this.o.requestTimeoutMs, throwOnRequestTimeout: true },
      ...(this.o.endpoint !== undefined ? { endpoint: this.o.endpoint } : {}),
      ...(this.o.credentials !== undefined ? { credentials: { ...this.o.credentials } } : {}),
    });
  }

  /** Whether puts are conditional on this server, as learnt from the first put that needed to know. */
  get conditionalPut(): ConditionalPut {
    return this.conditional;
  }

  /**
   * Checks that the bucket exists and the credentials may use it (HEAD bucket). Run at start, so that a wrong
   * secret or bucket is said then, not at the first photo; a store that is down fails with a retryable code.
   */
  async verify(): Promise<void> {
    this.assertOpen();
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.o.bucket }));
    } catch (e) {
      // HEAD has no body: a missing bucket is a bare 404.
      if (statusOf(e) === 404) {
        throw new PhotoBlobError('E_PHOTO_STORE_BUCKET', `S3 open s3://${this.o.bucket} at ${this.endpointName}: the bucket does not exist: create it, or check COLDTRACE_S3_BUCKET`, false, 404, { cause: e });
      }
      throw this.error(e, 'open', '');
    }
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<'new' | 'exists'> {
    assertPhotoKey(key);
    this.assertOpen();
    if (await this.head(key, 'put')) return 'exists';
    const put = (conditional: boolean): PutObjectCommand => new PutObjectCommand({
      Bucket: this.o.bucket, Key: this.prefix + key, Body: bytes, ContentType: contentType, ContentLength: bytes.byteLength,
      ChecksumSHA256: createHash('sha256').update(bytes).digest('base64'),
      ContentMD5: createHash('md5').update(bytes).digest('base64'),
      ...(conditional ? { IfNoneMatch: '*' } : {}),
    });
    try {
      if (this.conditional !== 'head-then-put') {
        try {
          await this.client.send(put(true));
          this.conditional = 'if-none-match';
          return 'new';
        } catch (e) {
          const status = statusOf(e);
          // 412: a concurrent put stored it first. 409 (AWS): a concurrent conditional put is in progress; it wins.
          if (status === 412 || (status === 409 && nameOf(e) === 'ConditionalRequestConflict')) return 'exists';
          if (!refusesConditional(e)) throw e;
          this.conditional = 'head-then-put';
        }
      }
      await this.client.send(put(false));
      return 'new';
    } catch (e) {
      throw this.error(e, 'put', key);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    assertPhotoKey(key);
    this.assertOpen();
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: this.prefix + key }));
      return out.Body === undefined ? new Uint8Array(0) : await out.Body.transformToByteArray();
    } catch (e) {
      if (nameOf(e) === 'NoSuchKey') return undefined;
      throw this.error(e, 'get', key);
    }
  }

  async has(key: string): Promise<boolean> {
    assertPhotoKey(key);
    this.assertOpen();
    return this.head(key, 'has');
  }

  private async head(key: string, op: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: this.prefix + key }));
      return true;
    } catch (e) {
      // A bare 404 is also what a missing bucket gives a HEAD: verify() at start tells them apart.
      if (statusOf(e) === 404) return false;
      throw this.error(e, op, key);
    }
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.client.destroy();
    }
    return Promise.resolve();
  }

  private assertOpen(): void {
    if (this.closed) throw new PhotoBlobError('E_PHOTO_STORE_CLOSED', `the photo store ${this.describe} is closed`, false);
  }

  private error(e: unknown, op: string, key: string): PhotoBlobError {
    const attempts = (e as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
    const mapped = toPhotoBlobError(e, { op, target: `s3://${this.o.bucket}/${this.prefix}${key}`, endpoint: this.endpointName });
    if (typeof attempts !== 'number' || attempts <= 1) return mapped;
    return new PhotoBlobError(mapped.code, `${mapped.message}, after ${attempts} attempts`, mapped.retryable, mapped.status, { cause: e });
  }
}

/** The server does not do conditional PUTs: 501 NotImplemented (Swift), or a 400 that names the header. */
function refusesConditional(e: unknown): boolean {
  const status = statusOf(e);
  if (status === 501) return true;
  const message = (e as { message?: unknown } | null)?.message;
  return status === 400 && typeof message === 'string' && /if-none-match|conditional/i.test(message);
}
