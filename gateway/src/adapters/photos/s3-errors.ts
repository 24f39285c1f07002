/**
 * What the S3 client threw, as a PhotoBlobError with a code and a sentence an operator can act on (docs/engineering.md
 * 4 and 5). Reads only the error's name, HTTP status and errno: servers differ in their words (a HEAD has no body, so
 * a refused signature is a bare 403 there), not in those.
 */
import { PhotoBlobError } from '../../ports/photo-blobs.js';

/** The parts of an SDK error the mapping reads. */
interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly cause?: unknown;
}

/** Where the failed call went: named in every message. */
export interface S3CallSite {
  /** `put`, `get`, `has`, `open`. */
  readonly op: string;
  /** `s3://bucket/prefix/key`. */
  readonly target: string;
  /** The endpoint, or `AWS` when none is set. */
  readonly endpoint: string;
}

const AUTH_NAMES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'InvalidToken', 'ExpiredToken', 'AuthorizationHeaderMalformed', 'InvalidSecurity']);
const CHECKSUM_NAMES = new Set(['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch', 'InvalidChecksum']);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError']);
const NETWORK_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);
const TIMEOUT_ERRNO = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** The HTTP status the server answered with, if it answered. */
export function statusOf(e: unknown): number | undefined {
  const status = (e as SdkErrorShape | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The error's name (S3 error code for service errors: `NoSuchKey`, `SignatureDoesNotMatch` ...). */
export function nameOf(e: unknown): string {
  const name = (e as SdkErrorShape | null)?.name;
  return typeof name === 'string' ? name : '';
}

/** The errno of the error or of its causes (the SDK wraps socket errors). */
function errnoOf(e: unknown): string | undefined {
  for (let x: unknown = e, depth = 0; x !== undefined && x !== null && depth < 5; x = (x as SdkErrorShape).cause, depth += 1) {
    const code = (x as SdkErrorShape).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  }
  return undefined;
}

function messageOf(e: unknown): string {
  const m = (e as SdkErrorShape | null)?.message;
  const text = typeof m === 'string' && m !== '' && m !== 'UnknownError' ? m : '';
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** Maps an error of one S3 call to a PhotoBlobError; a PhotoBlobError passes through. */
export function toPhotoBlobError(e: unknown, site: S3CallSite): PhotoBlobError {
  if (e instanceof PhotoBlobError) return e;
  const status = statusOf(e);
  const name = nameOf(e);
  const errno = errnoOf(e);
  const where = `S3 ${site.op} ${site.target} at ${site.endpoint}`;
  const said = [name, status === undefined ? '' : `HTTP ${status}`, messageOf(e)].filter((x) => x !== '').join(', ');
  const fail = (code: PhotoBlobError['code'], what: string, retryable: boolean): PhotoBlobError =>
    new PhotoBlobError(code, `${where}: ${what} (${said || 'no detail'})`, retryable, status, { cause: e });

  if (status === undefined) {
    if (TIMEOUT_NAMES.has(name) || (errno !== undefined && TIMEOUT_ERRNO.has(errno))) {
      return fail('E_PHOTO_STORE_TIMEOUT', 'the store did not answer in time', true);
    }
    if (errno !== undefined && NETWORK_ERRNO.has(errno)) {
      return fail('E_PHOTO_STORE_NETWORK', `the store cannot be reached (${errno})`, true);
    }
    if (name === 'CredentialsProviderError') {
      return fail('E_PHOTO_STORE_AUTH', 'no credentials: set COLDTRACE_S3_ACCESS_KEY_ID and COLDTRACE_S3_SECRET_ACCESS_KEY, or give the host a role', false);
    }
    return fail('E_PHOTO_STORE_NETWORK', 'no answer from the store', true);
  }
  // 403 too, but not about credentials: the object is archived (Glacier Flexible Retrieval, Deep Archive).
  if (name === 'InvalidObjectState') return fail('E_PHOTO_STORE_IO', 'the object is archived and must be restored before it can be read', false);
  if (AUTH_NAMES.has(name) || status === 401 || status === 403) {
    return fail('E_PHOTO_STORE_AUTH', 'the store refused the credentials: check COLDTRACE_S3_ACCESS_KEY_ID and COLDTRACE_S3_SECRET_ACCESS_KEY and their rights on the bucket', false);
  }
  if (name === 'NoSuchBucket') return fail('E_PHOTO_STORE_BUCKET', 'the bucket does not exist: create it, or check COLDTRACE_S3_BUCKET', false);
  if (CHECKSUM_NAMES.has(name)) return fail('E_PHOTO_STORE_CHECKSUM', 'the store received other bytes than were sent (checksum mismatch)', true);
  if (TIMEOUT_NAMES.has(name) || status === 408) return fail('E_PHOTO_STORE_TIMEOUT', 'the store timed out', true);
  const retryable = status >= 500 || status === 429 || name === 'SlowDown';
  return fail('E_PHOTO_STORE_IO', retryable ? 'the store failed' : 'the store refused the request', retryable);
}
