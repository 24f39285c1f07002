import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'coldtrace-s3-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function photoStore(env: Record<string, string>): unknown {
  const r = loadGatewayConfig(env);
  return r.ok ? r.config.photoStore : r.problems;
}

describe('photo store configuration', () => {
  it('keeps photos on the disk unless told otherwise', () => {
    expect(photoStore({})).toEqual({ kind: 'disk' });
  });

  it('reads an S3 store with static credentials, path style by default with an endpoint', () => {
    expect(photoStore({
      COLDTRACE_PHOTO_STORE: 's3', COLDTRACE_S3_ENDPOINT: 'http://minio:9000', COLDTRACE_S3_BUCKET: 'coldtrace-photos', COLDTRACE_S3_PREFIX: 'site-a/',
      COLDTRACE_S3_ACCESS_KEY_ID: 'coldtrace', COLDTRACE_S3_SECRET_ACCESS_KEY: 'secret-key', COLDTRACE_S3_MAX_ATTEMPTS: '5', COLDTRACE_S3_TIMEOUT_S: '20',
    })).toEqual({
      kind: 's3', endpoint: 'http://minio:9000', bucket: 'coldtrace-photos', prefix: 'site-a/', region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: 'coldtrace', secretAccessKey: 'secret-key' }, maxAttempts: 5, requestTimeoutMs: 20_000,
    });
  });

  it('uses AWS with virtual hosts and the SDK credential chain when neither endpoint nor keys are given', () => {
    expect(photoStore({ COLDTRACE_PHOTO_STORE: 's3', COLDTRACE_S3_BUCKET: 'photos.example', COLDTRACE_S3_REGION: 'eu-central-1' })).toEqual({
      kind: 's3', bucket: 'photos.example', prefix: '', region: 'eu-central-1', forcePathStyle: false, maxAttempts: 3, requestTimeoutMs: 60_000,
    });
  });

  it('reads the secrets from files, without the final line break', () => {
    writeFileSync(join(dir, 'id'), 'coldtrace\n');
    writeFileSync(join(dir, 'secret'), 'from-a-file\r\n');
    expect(photoStore({
      COLDTRACE_PHOTO_STORE: 's3', COLDTRACE_S3_BUCKET: 'photos', COLDTRACE_S3_FORCE_PATH_STYLE: 'on',
      COLDTRACE_S3_ACCESS_KEY_ID_FILE: join(dir, 'id'), COLDTRACE_S3_SECRET_ACCESS_KEY_FILE: join(dir, 'secret'),
    })).toMatchObject({ forcePathStyle: true, credentials: { accessKeyId: 'coldtrace', secretAccessKey: 'from-a-file' } });
  });

  it('lists every mistake of an S3 store', () => {
    writeFileSync(join(dir, 'empty'), '\n');
    expect(photoStore({
      COLDTRACE_PHOTO_STORE: 's3', COLDTRACE_S3_BUCKET: 'Photos_Bucket', COLDTRACE_S3_PREFIX: '/a/../b', COLDTRACE_S3_ENDPOINT: 'ftp://minio',
      COLDTRACE_S3_REGION: 'EU West', COLDTRACE_S3_FORCE_PATH_STYLE: 'yes', COLDTRACE_S3_ACCESS_KEY_ID: 'id', COLDTRACE_S3_ACCESS_KEY_ID_FILE: join(dir, 'empty'),
      COLDTRACE_S3_SECRET_ACCESS_KEY_FILE: join(dir, 'missing'), COLDTRACE_S3_MAX_ATTEMPTS: '0', COLDTRACE_S3_TIMEOUT_S: 'soon',
    })).toEqual([
      "COLDTRACE_S3_BUCKET: 'Photos_Bucket' is not a bucket name (3-63 lowercase letters, digits, dots, hyphens)",
      "COLDTRACE_S3_PREFIX: '/a/../b' is not a usable prefix (no leading /, no . or .. segments, no control characters or backslashes, at most 200 characters)",
      "COLDTRACE_S3_ENDPOINT: 'ftp://minio' is not an http(s) URL",
      "COLDTRACE_S3_REGION: 'EU West' is not a region name",
      "COLDTRACE_S3_FORCE_PATH_STYLE: expected on or off, got 'yes'",
      'COLDTRACE_S3_ACCESS_KEY_ID and COLDTRACE_S3_ACCESS_KEY_ID_FILE: set one, not both',
      expect.stringMatching(/^COLDTRACE_S3_SECRET_ACCESS_KEY_FILE: cannot read '.*missing': ENOENT/),
      'COLDTRACE_S3_ACCESS_KEY_ID and COLDTRACE_S3_SECRET_ACCESS_KEY (or their _FILE variants): set both or neither',
      "COLDTRACE_S3_MAX_ATTEMPTS: expected a whole number 1-10, got '0'",
      "COLDTRACE_S3_TIMEOUT_S: expected a whole number 1-3600, got 'soon'",
    ]);
  });

  it('requires a bucket, and refuses S3 keys without the S3 store or an unknown store', () => {
    expect(photoStore({ COLDTRACE_PHOTO_STORE: 's3' })).toEqual(['COLDTRACE_S3_BUCKET: required with COLDTRACE_PHOTO_STORE=s3']);
    expect(photoStore({ COLDTRACE_S3_BUCKET: 'photos' })).toEqual(['COLDTRACE_S3_BUCKET: only with COLDTRACE_PHOTO_STORE=s3']);
    expect(photoStore({ COLDTRACE_PHOTO_STORE: 'minio' })).toEqual(["COLDTRACE_PHOTO_STORE: expected one of disk, s3, got 'minio'"]);
  });
});
