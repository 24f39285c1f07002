/**
 * Where photo bytes live (issue 21, docs/photos.md "Storage"): a content-addressed blob store, on the local disk by
 * default or in an S3-compatible object store. The photo's record (device, time, custody links) is kept elsewhere;
 * this port only holds bytes under a key derived from them, so a blob never changes once written.
 */

/**
 * A blob key: the lowercase hex SHA-256 of the original photo, optionally followed by suffixes that name a derived
 * blob of it (`<sha256>.thumb.jpg`). Suffixes are short lowercase words, so a key is safe as a file name and as an
 * object name: no separators, no `..`, nothing a path or URL would read specially.
 */
export const PHOTO_KEY_PATTERN = /^[0-9a-f]{64}(?:\.[a-z0-9][a-z0-9-]{0,31}){0,4}$/;

/** Whether `key` is a valid blob key (see PHOTO_KEY_PATTERN). */
export function isPhotoKey(key: string): boolean {
  return PHOTO_KEY_PATTERN.test(key);
}

/** Throws `E_PHOTO_KEY` unless `key` is a valid blob key: what every store checks before any I/O. */
export function assertPhotoKey(key: string): void {
  if (!isPhotoKey(key)) {
    const shown = JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}...` : key);
    throw new PhotoBlobError('E_PHOTO_KEY', `not a photo key: ${shown} (lowercase hex SHA-256, optional suffixes such as .thumb.jpg)`, false);
  }
}

export type PhotoBlobErrorCode =
  /** The key is not a valid blob key (PHOTO_KEY_PATTERN); nothing was read or written. */
  | 'E_PHOTO_KEY'
  /** The store refused the credentials (wrong access key or secret, signature mismatch, no permission). */
  | 'E_PHOTO_STORE_AUTH'
  /** The bucket does not exist. */
  | 'E_PHOTO_STORE_BUCKET'
  /** The store could not be reached (connection refused or reset, DNS), after the bounded retries. */
  | 'E_PHOTO_STORE_NETWORK'
  /** The store did not answer in time, after the bounded retries. */
  | 'E_PHOTO_STORE_TIMEOUT'
  /** The store said the body it received does not match the checksum sent with it. */
  | 'E_PHOTO_STORE_CHECKSUM'
  /** The store answered with another error (see `status`), or a local file operation failed. */
  | 'E_PHOTO_STORE_IO'
  /** The store is closed. */
  | 'E_PHOTO_STORE_CLOSED';

/** Errors carry a code (docs/engineering.md 4) and whether trying again later may help (docs/engineering.md 5). */
export class PhotoBlobError extends Error {
  override readonly name = 'PhotoBlobError';

  constructor(
    readonly code: PhotoBlobErrorCode,
    message: string,
    /** Whether the same call may succeed later (the store was down or slow); false for keys, credentials, buckets. */
    readonly retryable: boolean,
    /** HTTP status, when a remote store answered. */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A content-addressed blob store. Every method refuses an invalid key with `E_PHOTO_KEY` before any I/O; failures
 * of the store are PhotoBlobErrors with a code.
 */
export interface PhotoBlobs {
  /**
   * Stores `bytes` under `key`. Durable when resolved: a gateway that crashes right after keeps the blob.
   * `'exists'` when the key was already stored (the bytes are not written again: the key names its content), so
   * storing the same photo twice, or concurrently, is safe.
   */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<'new' | 'exists'>;
  /** The stored bytes, or undefined when no blob has this key. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Whether a blob has this key. */
  has(key: string): Promise<boolean>;
  /** Where the blobs are, for logs and the status page (a directory, or `s3://bucket/prefix at endpoint`); no secrets. */
  readonly describe: string;
  /** Releases connections; later calls fail with `E_PHOTO_STORE_CLOSED`. */
  close(): Promise<void>;
}
