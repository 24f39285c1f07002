/**
 * Photo upload, contract v1 (issue #21; docs/contract.md "Photo upload", docs/photos.md).
 *
 * A photo goes over HTTP, not MQTT: 0.2-5 MB through the broker would sit in the readings' QoS 1 path and stall
 * them; one HTTP request per photo has a body limit and is idempotent by content hash.
 *
 *   PUT /api/v1/photos/{sha256}?site=&node=&device=&takenAt=&seq=&trigger=[&station=]
 *   Content-Type: image/jpeg; body: the JPEG bytes; sha256: lowercase hex SHA-256 of the body
 *   Authorization: Basic base64("{site}/{node}:{secret}") (the node's MQTT credentials)
 */

/** What made the camera take the photo. */
export const PHOTO_TRIGGERS = ['schedule', 'scan', 'door', 'shock', 'folder', 'manual'] as const;
export type PhotoTrigger = (typeof PHOTO_TRIGGERS)[number];

/** The only media type of an upload. */
export const PHOTO_CONTENT_TYPE = 'image/jpeg';

/** Longest `station`, characters. */
export const MAX_STATION_LENGTH = 64;

/** Lowercase hex SHA-256: the photo's id. */
export const PHOTO_SHA256_PATTERN = '^[0-9a-f]{64}$';

/** The query string of an upload, as the agent sends it (every value a string on the wire). */
export interface PhotoUploadQuery {
  /** The node's site and id: always sent; the only identity when the gateway runs with MQTT auth open. */
  readonly site: string;
  readonly node: string;
  /** The camera's device id (a contract id, as in topics). */
  readonly device: string;
  /** Device time the photo was taken, ISO 8601 with an offset. */
  readonly takenAt: string;
  /** The camera's sequence number, integer >= 0. */
  readonly seq: number;
  readonly trigger: PhotoTrigger;
  /** Free text naming where the camera looks (the packing station), at most MAX_STATION_LENGTH characters. */
  readonly station?: string;
}

/** The upload path of a photo: `/api/v1/photos/{sha256}`. */
export function photoPath(sha256: string): string {
  return `/api/v1/photos/${sha256}`;
}

/** The upload URL's path and query string. */
export function photoUploadPath(sha256: string, q: PhotoUploadQuery): string {
  const params = new URLSearchParams({ site: q.site, node: q.node, device: q.device, takenAt: q.takenAt, seq: String(q.seq), trigger: q.trigger });
  if (q.station !== undefined) params.set('station', q.station);
  return `${photoPath(sha256)}?${params.toString()}`;
}

/**
 * The gateway's answers (what the agent does with each):
 * - 201 `{sha256, stored:'new'}`, 200 `{sha256, stored:'duplicate'}`: done, drop it from the outbox;
 * - 401: credentials refused (the secret may be rotating): retry later;
 * - 400/413/415/422 `{code, message, reason, quarantineId}`: bad input kept by the gateway: drop and count it;
 * - 429, 5xx, network errors: retry with backoff.
 * A photo whose EXIF time is far from `takenAt` is stored all the same, with `warnings`.
 */
export type PhotoUploadAnswer =
  | { readonly sha256: string; readonly stored: 'new' | 'duplicate'; readonly warnings?: readonly string[] }
  | { readonly code: string; readonly message: string; readonly reason: string; readonly quarantineId: number };

/** Whether the agent should drop a photo the gateway answered with `status` (stored, or refused as bad input). */
export function photoUploadSettled(status: number): boolean {
  return status === 200 || status === 201 || status === 400 || status === 413 || status === 415 || status === 422;
}
