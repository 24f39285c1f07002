/**
 * Config of a camera source (issue #21): an IP camera's HTTP snapshot URL (as ONVIF GetSnapshotUri gives it) taken
 * on a schedule and on triggers, or a folder a camera or a person drops JPEG files into. Every problem is listed.
 */
import { MAX_STATION_LENGTH } from '@coldtrace/contract';
import { FieldReader } from '../serial/config-fields.js';

/** What makes a snapshot camera take a photo besides its schedule: an event of another source of this agent. */
export type CameraTriggerConfig =
  /** Any read of this scanner (a pallet scanned at the packing station, a tag read at the loading door). */
  | { readonly on: 'scan'; readonly device: string }
  /** This device's `door.open` going from closed (or unknown) to open. */
  | { readonly on: 'door'; readonly device: string }
  /** A `shock.peak` of this device at or over `minG` (default 25 g: the gateway's shock warning, docs/rules.md). */
  | { readonly on: 'shock'; readonly device: string; readonly minG: number };

export interface CameraSnapshotConfig {
  readonly kind: 'snapshot';
  /** http(s) URL of one JPEG. */
  readonly url: string;
  /**
   * `none`: no credentials. `auto` (default with a username): answer the camera's challenge, Digest (RFC 7616) or
   * Basic. `digest`: Digest only, never the password in Basic. `basic`: Basic sent with the first request.
   */
  readonly auth: 'none' | 'auto' | 'digest' | 'basic';
  readonly username?: string;
  readonly password?: string;
  /** A file holding the password (its first line), read at every snapshot. Not with `password`. */
  readonly passwordFile?: string;
  /** CA bundle (PEM) of an https camera with its own certificate. */
  readonly caFile?: string;
  /** One snapshot, request to last byte, ms. Default 10 000. */
  readonly timeoutMs: number;
  /** Largest snapshot accepted, bytes. Default 10 MiB. */
  readonly maxBytes: number;
}

export interface CameraFolderConfig {
  readonly kind: 'folder';
  /** Directory watched for `*.jpg` / `*.jpeg` files (others, and names starting with `.`, are left alone). */
  readonly path: string;
  /** A file is taken once its size and modification time have not changed for this long, ms. Default 2000. */
  readonly stableMs: number;
  /** How often the folder is listed, ms. Default 1000. */
  readonly pollMs: number;
}

export interface CameraSourceConfig {
  readonly kind: 'camera';
  /** The camera's device id (the upload's `device`). */
  readonly device: string;
  /** Where the camera looks, free text (the upload's `station`), at most 64 characters. */
  readonly station?: string;
  readonly input: CameraSnapshotConfig | CameraFolderConfig;
  /** Snapshot cameras: a schedule shot every this many ms; 0 = none. Default 0. */
  readonly intervalMs: number;
  readonly triggers: readonly CameraTriggerConfig[];
  /** Triggers within this many ms of the last triggered shot are folded into it (counted), ms. Default 2000. */
  readonly minGapMs: number;
}

export const DEFAULT_SHOCK_TRIGGER_G = 25;
const TRIGGER_KINDS = ['scan', 'door', 'shock'] as const;

function validateTriggers(raw: unknown, path: string, problems: string[]): CameraTriggerConfig[] | undefined {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${path}: must be a list`);
    return undefined;
  }
  const out: CameraTriggerConfig[] = [];
  raw.forEach((t, i) => {
    const r = new FieldReader(t, `${path}[${i}]`, problems);
    if (!r.obj) return;
    const before = problems.length;
    r.onlyKeys(['on', 'device', 'minG']);
    const on = r.string('on');
    if (on !== undefined && !(TRIGGER_KINDS as readonly string[]).includes(on)) r.problem('on', `must be one of ${TRIGGER_KINDS.join(', ')}`);
    const device = r.id('device');
    if (on !== 'shock' && r.has('minG')) r.problem('minG', 'only for on: shock');
    const minG = on === 'shock' ? r.number('minG', { default: DEFAULT_SHOCK_TRIGGER_G, min: 0, exclusiveMin: true, max: 1000 }) : undefined;
    if (problems.length > before || device === undefined) return;
    out.push(on === 'shock' ? { on, device, minG: minG! } : { on: on as 'scan' | 'door', device });
  });
  return out;
}

function validateSnapshot(raw: unknown, path: string, problems: string[]): CameraSnapshotConfig | undefined {
  const r = new FieldReader(raw, path, problems);
  if (!r.obj) return undefined;
  const before = problems.length;
  r.onlyKeys(['url', 'auth', 'username', 'password', 'passwordFile', 'caFile', 'timeoutMs', 'maxBytes']);
  const url = r.string('url');
  if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) r.problem('url', 'must be an http:// or https:// URL');
  const username = r.has('username') ? r.string('username') : undefined;
  const password = r.has('password') ? r.string('password', { allowEmpty: true }) : undefined;
  const passwordFile = r.has('passwordFile') ? r.string('passwordFile') : undefined;
  if (password !== undefined && passwordFile !== undefined) r.problem('password', 'password and passwordFile exclude each other');
  const auth = r.string('auth', { default: username === undefined ? 'none' : 'auto' });
  const known = auth !== undefined && ['none', 'auto', 'digest', 'basic'].includes(auth);
  if (auth !== undefined && !known) r.problem('auth', 'must be one of none, auto, digest, basic');
  if (known && auth !== 'none' && username === undefined) r.problem('username', `required with auth: ${auth}`);
  const caFile = r.has('caFile') ? r.string('caFile') : undefined;
  if (caFile !== undefined && url?.startsWith('https:') === false) r.problem('caFile', 'needs an https:// url');
  const timeoutMs = r.number('timeoutMs', { default: 10_000, integer: true, min: 100, max: 600_000 });
  const maxBytes = r.number('maxBytes', { default: 10 * 1024 * 1024, integer: true, min: 1024, max: 256 * 1024 * 1024 });
  if (problems.length > before || url === undefined || timeoutMs === undefined || maxBytes === undefined) return undefined;
  return {
    kind: 'snapshot', url, auth: auth as CameraSnapshotConfig['auth'], timeoutMs, maxBytes,
    ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}),
    ...(passwordFile !== undefined ? { passwordFile } : {}), ...(caFile !== undefined ? { caFile } : {}),
  };
}

function validateFolder(raw: unknown, path: string, problems: string[]): CameraFolderConfig | undefined {
  const r = new FieldReader(raw, path, problems);
  if (!r.obj) return undefined;
  const before = problems.length;
  r.onlyKeys(['path', 'stableMs', 'pollMs']);
  const dir = r.string('path');
  const stableMs = r.number('stableMs', { default: 2000, integer: true, min: 0, max: 3_600_000 });
  const pollMs = r.number('pollMs', { default: 1000, integer: true, min: 10, max: 3_600_000 });
  if (problems.length > before || dir === undefined || stableMs === undefined || pollMs === undefined) return undefined;
  return { kind: 'folder', path: dir, stableMs, pollMs };
}

export function validateCameraSource(raw: unknown, path: string, problems: string[]): CameraSourceConfig | undefined {
  const r = new FieldReader(raw, path, problems);
  if (!r.obj) return undefined;
  const before = problems.length;
  r.onlyKeys(['kind', 'device', 'station', 'snapshot', 'folder', 'intervalMs', 'triggers', 'minGapMs']);
  const kind = r.literal('kind', 'camera');
  const device = r.id('device');
  const station = r.has('station') ? r.string('station') : undefined;
  if (station !== undefined && station.length > MAX_STATION_LENGTH) r.problem('station', `at most ${MAX_STATION_LENGTH} characters`);
  const hasSnapshot = r.has('snapshot');
  const hasFolder = r.has('folder');
  if (hasSnapshot === hasFolder) r.problem(hasSnapshot ? 'folder' : 'snapshot', 'give exactly one of snapshot (a camera URL) and folder (a directory of JPEG files)');
  const input = hasSnapshot ? validateSnapshot(r.obj?.['snapshot'], `${path}.snapshot`, problems) : hasFolder ? validateFolder(r.obj?.['folder'], `${path}.folder`, problems) : undefined;
  const intervalMs = r.number('intervalMs', { default: 0, integer: true, min: 0, max: 86_400_000 });
  if (intervalMs !== undefined && intervalMs > 0 && intervalMs < 1000) r.problem('intervalMs', 'must be 0 (no schedule) or >= 1000');
  const triggers = validateTriggers(r.obj?.['triggers'], `${path}.triggers`, problems);
  const minGapMs = r.number('minGapMs', { default: 2000, integer: true, min: 0, max: 3_600_000 });
  if (hasFolder && ((intervalMs ?? 0) > 0 || (triggers?.length ?? 0) > 0)) r.problem('folder', 'a folder camera takes the files as they come: no intervalMs or triggers');
  if (problems.length > before || !kind || !device || !input || intervalMs === undefined || !triggers || minGapMs === undefined) return undefined;
  return { kind, device, ...(station !== undefined ? { station } : {}), input, intervalMs, triggers, minGapMs };
}

/** The camera's file paths (folder, password file, CA file) resolved with `at` (relative to the config file). */
export function resolveCameraPaths(c: CameraSourceConfig, at: (p: string) => string): CameraSourceConfig {
  const i = c.input;
  if (i.kind === 'folder') return { ...c, input: { ...i, path: at(i.path) } };
  return {
    ...c,
    input: { ...i, ...(i.passwordFile !== undefined ? { passwordFile: at(i.passwordFile) } : {}), ...(i.caFile !== undefined ? { caFile: at(i.caFile) } : {}) },
  };
}
