/**
 * Where photo blobs are kept (docs/photos.md "Storage"): the local disk, or an S3-compatible object store. Secrets
 * may come from files (`..._FILE`, as Docker and Kubernetes secrets are mounted), read once at start; a file that
 * cannot be read is a configuration problem, listed with the rest.
 */
import { readFileSync } from 'node:fs';

export const PHOTO_STORE_ENV_KEYS = {
  /** 'disk' (<data dir>/photos) or 's3' (an S3-compatible object store: the COLDTRACE_S3_* keys). */
  COLDTRACE_PHOTO_STORE: 'disk',
  /** URL of an S3-compatible server (http://minio:9000) ('' = AWS S3 in COLDTRACE_S3_REGION). */
  COLDTRACE_S3_ENDPOINT: '',
  /** The bucket photos go to; it must exist (required with COLDTRACE_PHOTO_STORE=s3). */
  COLDTRACE_S3_BUCKET: '',
  /** Prepended to every object name, e.g. `site-a/` ('' = none). */
  COLDTRACE_S3_PREFIX: '',
  /** The region requests are signed for. */
  COLDTRACE_S3_REGION: 'us-east-1',
  /** 'on': path-style URLs (endpoint/bucket/key), as MinIO and Swift need; 'off': virtual hosts ('' = on with an endpoint, off for AWS). */
  COLDTRACE_S3_FORCE_PATH_STYLE: '',
  /** Access key id and secret; or the `_FILE` variants, files holding them ('' for all four = the AWS SDK's own chain: AWS_* variables, profile, instance role). */
  COLDTRACE_S3_ACCESS_KEY_ID: '',
  COLDTRACE_S3_ACCESS_KEY_ID_FILE: '',
  COLDTRACE_S3_SECRET_ACCESS_KEY: '',
  COLDTRACE_S3_SECRET_ACCESS_KEY_FILE: '',
  /** Attempts per S3 call, the first included (retries back off with jitter). */
  COLDTRACE_S3_MAX_ATTEMPTS: '3',
  /** One attempt (request and response) may take this long, seconds. */
  COLDTRACE_S3_TIMEOUT_S: '60',
} as const;

export type PhotoStoreEnvKey = keyof typeof PHOTO_STORE_ENV_KEYS;

export type PhotoStoreConfig =
  | { readonly kind: 'disk' }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly prefix: string;
      readonly endpoint?: string;
      readonly region: string;
      readonly forcePathStyle: boolean;
      /** Absent: the AWS SDK's default credential chain. */
      readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
      readonly maxAttempts: number;
      readonly requestTimeoutMs: number;
    };

/** S3 bucket naming rules (3-63 characters of lowercase letters, digits, dots and hyphens, a letter or digit at each end). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reads the COLDTRACE_PHOTO_STORE and COLDTRACE_S3_* keys. `get` gives a key's value or its default; `set` whether
 * the environment gave it at all.
 */
export function photoStoreConfig(get: (k: PhotoStoreEnvKey) => string, set: (k: PhotoStoreEnvKey) => boolean, problems: string[]): PhotoStoreConfig {
  const kind = get('COLDTRACE_PHOTO_STORE');
  const s3Keys = (Object.keys(PHOTO_STORE_ENV_KEYS) as PhotoStoreEnvKey[]).filter((k) => k.startsWith('COLDTRACE_S3_'));
  if (kind !== 's3') {
    if (kind !== 'disk') problems.push(`COLDTRACE_PHOTO_STORE: expected one of disk, s3, got '${kind}'`);
    for (const k of s3Keys.filter(set)) problems.push(`${k}: only with COLDTRACE_PHOTO_STORE=s3`);
    return { kind: 'disk' };
  }
  const bucket = get('COLDTRACE_S3_BUCKET');
  if (bucket === '') problems.push('COLDTRACE_S3_BUCKET: required with COLDTRACE_PHOTO_STORE=s3');
  else if (!BUCKET.test(bucket) || bucket.includes('..')) problems.push(`COLDTRACE_S3_BUCKET: '${bucket}' is not a bucket name (3-63 lowercase letters, digits, dots, hyphens)`);
  const prefix = get('COLDTRACE_S3_PREFIX');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (prefix.startsWith('/') || prefix.split('/').some((p) => p === '..' || p === '.') || /[\x00-\x1f\\]/.test(prefix) || prefix.length > 200) {
    problems.push(`COLDTRACE_S3_PREFIX: '${prefix}' is not a usable prefix (no leading /, no . or .. segments, no control characters or backslashes, at most 200 characters)`);
  }
  const endpoint = get('COLDTRACE_S3_ENDPOINT');
  if (endpoint !== '') {
    try {
      if (!['http:', 'https:'].includes(new URL(endpoint).protocol)) throw new Error('scheme');
    } catch {
      problems.push(`COLDTRACE_S3_ENDPOINT: '${endpoint}' is not an http(s) URL`);
    }
  }
  const region = get('COLDTRACE_S3_REGION');
  if (!/^[a-z0-9-]{1,40}$/.test(region)) problems.push(`COLDTRACE_S3_REGION: '${region}' is not a region name`);
  const pathStyle = get('COLDTRACE_S3_FORCE_PATH_STYLE');
  if (!['', 'on', 'off'].includes(pathStyle)) problems.push(`COLDTRACE_S3_FORCE_PATH_STYLE: expected on or off, got '${pathStyle}'`);
  const accessKeyId = secret('COLDTRACE_S3_ACCESS_KEY_ID', get, problems);
  const secretAccessKey = secret('COLDTRACE_S3_SECRET_ACCESS_KEY', get, problems);
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    problems.push('COLDTRACE_S3_ACCESS_KEY_ID and COLDTRACE_S3_SECRET_ACCESS_KEY (or their _FILE variants): set both or neither');
  }
  return {
    kind, bucket, prefix, region,
    ...(endpoint === '' ? {} : { endpoint }),
    forcePathStyle: pathStyle === '' ? endpoint !== '' : pathStyle === 'on',
    ...(accessKeyId !== undefined && secretAccessKey !== undefined ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    maxAttempts: whole(get, 'COLDTRACE_S3_MAX_ATTEMPTS', 1, 10, problems),
    requestTimeoutMs: whole(get, 'COLDTRACE_S3_TIMEOUT_S', 1, 3600, problems) * 1000,
  };
}

/** A secret given directly or in a file (not both); undefined when neither. A file's final line break is not part of it. */
function secret(key: 'COLDTRACE_S3_ACCESS_KEY_ID' | 'COLDTRACE_S3_SECRET_ACCESS_KEY', get: (k: PhotoStoreEnvKey) => string, problems: string[]): string | undefined {
  const direct = get(key);
  const file = get(`${key}_FILE`);
  if (direct !== '' && file !== '') {
    problems.push(`${key} and ${key}_FILE: set one, not both`);
    return direct;
  }
  if (file === '') return direct === '' ? undefined : direct;
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    problems.push(`${key}_FILE: cannot read '${file}': ${(e as Error).message}`);
    return undefined;
  }
  if (text === '') problems.push(`${key}_FILE: '${file}' is empty`);
  return text === '' ? undefined : text;
}

function whole(get: (k: PhotoStoreEnvKey) => string, key: PhotoStoreEnvKey, min: number, max: number, problems: string[]): number {
  const v = get(key);
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) problems.push(`${key}: expected a whole number ${min}-${max}, got '${v}'`);
  return n;
}
