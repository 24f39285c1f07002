import { describe, expect, it } from 'vitest';
import { PhotoBlobError } from '../../ports/photo-blobs.js';
import { toPhotoBlobError } from './s3-errors.js';

const site = { op: 'put', target: 's3://photos/p/abc', endpoint: 'http://minio:9000' };

function sdk(name: string, status?: number, message = ''): Error {
  const e = new Error(message);
  e.name = name;
  return Object.assign(e, status === undefined ? {} : { $metadata: { httpStatusCode: status } });
}

function socket(code: string): Error {
  return Object.assign(new Error('wrapped'), { cause: Object.assign(new Error(`connect ${code}`), { code }) });
}

describe('toPhotoBlobError', () => {
  it.each([
    ['a refused signature', sdk('SignatureDoesNotMatch', 403), 'E_PHOTO_STORE_AUTH', false],
    ['an unknown access key', sdk('InvalidAccessKeyId', 403), 'E_PHOTO_STORE_AUTH', false],
    ['a bare 403 of a HEAD', sdk('Unknown', 403, 'UnknownError'), 'E_PHOTO_STORE_AUTH', false],
    ['no credentials anywhere', sdk('CredentialsProviderError'), 'E_PHOTO_STORE_AUTH', false],
    ['a missing bucket', sdk('NoSuchBucket', 404), 'E_PHOTO_STORE_BUCKET', false],
    ['a damaged body (MD5)', sdk('BadDigest', 400), 'E_PHOTO_STORE_CHECKSUM', true],
    ['a damaged body (payload SHA-256)', sdk('XAmzContentSHA256Mismatch', 400), 'E_PHOTO_STORE_CHECKSUM', true],
    ['a server error', sdk('InternalError', 500), 'E_PHOTO_STORE_IO', true],
    ['a busy server', sdk('SlowDown', 503), 'E_PHOTO_STORE_IO', true],
    ['too many requests', sdk('TooManyRequests', 429), 'E_PHOTO_STORE_IO', true],
    ['a request the server refuses', sdk('InvalidArgument', 400), 'E_PHOTO_STORE_IO', false],
    ['an archived object (a 403 that is not about credentials)', sdk('InvalidObjectState', 403), 'E_PHOTO_STORE_IO', false],
    ['a server-side timeout', sdk('RequestTimeout', 400), 'E_PHOTO_STORE_TIMEOUT', true],
    ['a client-side timeout', sdk('TimeoutError'), 'E_PHOTO_STORE_TIMEOUT', true],
    ['an abandoned call', sdk('AbortError'), 'E_PHOTO_STORE_TIMEOUT', true],
    ['a socket timeout', socket('ETIMEDOUT'), 'E_PHOTO_STORE_TIMEOUT', true],
    ['a refused connection', socket('ECONNREFUSED'), 'E_PHOTO_STORE_NETWORK', true],
    ['an unknown host', socket('ENOTFOUND'), 'E_PHOTO_STORE_NETWORK', true],
    ['anything else without an answer', new Error('odd'), 'E_PHOTO_STORE_NETWORK', true],
  ] as const)('maps %s to %s (retryable %s)', (_what, error, code, retryable) => {
    const mapped = toPhotoBlobError(error, site);
    expect(mapped).toMatchObject({ code, retryable });
    expect(mapped.message).toContain('S3 put s3://photos/p/abc at http://minio:9000');
    expect(mapped.cause).toBe(error);
  });

  it('keeps the status and the server words, and passes a PhotoBlobError through', () => {
    const mapped = toPhotoBlobError(sdk('InternalError', 500, 'We encountered an internal error.'), site);
    expect(mapped.status).toBe(500);
    expect(mapped.message).toContain('InternalError, HTTP 500, We encountered an internal error.');
    const own = new PhotoBlobError('E_PHOTO_KEY', 'bad', false);
    expect(toPhotoBlobError(own, site)).toBe(own);
  });
});
