/** Config of an LLRP source (issue #21): a UHF RFID reader speaking LLRP over TCP, its antennas mapped to devices. */
import { MAX_READS_PER_SCAN_MESSAGE } from '@coldtrace/contract';
import { FieldReader } from '../serial/config-fields.js';

export interface LlrpAntennaConfig {
  /** LLRP AntennaID, 1..255 (the contract carries 0..255; 0 means "all" in LLRP). */
  readonly id: number;
  /** Device id its reads are published under: the registry's device with this way's place and direction. */
  readonly device: string;
}

export interface LlrpSourceConfig {
  readonly kind: 'llrp';
  readonly host: string;
  /** Default 5084 (LLRP), 5085 with `tls`. */
  readonly port: number;
  /** TLS to the reader: the server's certificate is always verified, against `caFile` (PEM) when given. */
  readonly tls?: { readonly caFile?: string; readonly servername?: string };
  /**
   * The reader as a device: reads from an antenna not in `antennas` go to it with E_LLRP_ANTENNA. Default the first
   * antenna's device.
   */
  readonly device: string;
  /** At least one; several antennas may share a device (two antennas facing in). */
  readonly antennas: readonly LlrpAntennaConfig[];
  /** ROSpecID the agent owns on the reader, 1..2^32-1. Default 1. Every ROSpec on the reader is deleted at connect. */
  readonly rospecId: number;
  /** A report every this many tags (ROReportTrigger N); 0: not by count. Default 0. */
  readonly reportEveryTags: number;
  /** A report at least this often, ms (the AISpec's duration, after which the ROSpec runs it again); 0: not by time. Default 200. */
  readonly reportEveryMs: number;
  /** The same tag again on the same device within this hold time is one read, ms. Default 2000. */
  readonly dedupeMs: number;
  /** Reads are gathered this long into one message per device, ms. Default 200; 0 sends each report's reads at once. */
  readonly batchMs: number;
  /** Most reads in one message. Default and most: the contract's 1000. */
  readonly maxBatch: number;
  /** The reader is asked for a KEEPALIVE this often, ms; nothing heard for 3 of them drops the connection. Default 10 000. */
  readonly keepaliveMs: number;
  /** Timeout of the connection and of each request, ms. Default 5000. */
  readonly timeoutMs: number;
  /** Reconnect backoff: first and longest wait, ms. Defaults 1000 and 30 000. */
  readonly reconnectInitialMs: number;
  readonly reconnectMaxMs: number;
}

export const DEFAULT_LLRP_PORT = 5084;
export const DEFAULT_LLRP_TLS_PORT = 5085;

const KEYS = ['kind', 'device', 'host', 'port', 'tls', 'antennas', 'rospecId', 'reportEveryTags', 'reportEveryMs', 'dedupeMs', 'batchMs', 'maxBatch', 'keepaliveMs', 'timeoutMs', 'reconnectInitialMs', 'reconnectMaxMs'];

function readAntennas(r: FieldReader): LlrpAntennaConfig[] | undefined {
  const raw = r.obj?.['antennas'];
  if (!Array.isArray(raw) || raw.length === 0) {
    if (r.obj) r.problem('antennas', 'required: a list of { id, device }, at least one');
    return undefined;
  }
  const out: LlrpAntennaConfig[] = [];
  const seen = new Set<number>();
  raw.forEach((a, i) => {
    const ar = new FieldReader(a, `${r.path}.antennas[${i}]`, r.problems);
    ar.onlyKeys(['id', 'device']);
    const id = ar.number('id', { integer: true, min: 1, max: 255 });
    const device = ar.id('device');
    if (id !== undefined && seen.has(id)) ar.problem('id', `antenna ${id} is listed twice`);
    if (id !== undefined) seen.add(id);
    if (id !== undefined && device !== undefined) out.push({ id, device });
  });
  return out.length === raw.length ? out : undefined;
}

function readTls(r: FieldReader): LlrpSourceConfig['tls'] | 'bad' | undefined {
  if (!r.has('tls')) return undefined;
  const v = r.obj?.['tls'];
  if (v === true) return {};
  if (v === false) return undefined;
  const t = new FieldReader(v, `${r.path}.tls`, r.problems);
  if (!t.obj) return 'bad';
  t.onlyKeys(['caFile', 'servername']);
  const caFile = t.has('caFile') ? t.string('caFile') : undefined;
  const servername = t.has('servername') ? t.string('servername') : undefined;
  return { ...(caFile !== undefined ? { caFile } : {}), ...(servername !== undefined ? { servername } : {}) };
}

export function validateLlrpSource(raw: unknown, path: string, problems: string[]): LlrpSourceConfig | undefined {
  const r = new FieldReader(raw, path, problems);
  if (!r.obj) return undefined;
  const before = problems.length;
  r.onlyKeys(KEYS);
  const kind = r.literal('kind', 'llrp');
  const host = r.string('host');
  const tls = readTls(r);
  const port = r.number('port', { default: tls !== undefined ? DEFAULT_LLRP_TLS_PORT : DEFAULT_LLRP_PORT, integer: true, min: 1, max: 65535 });
  const antennas = readAntennas(r);
  const device = r.has('device') ? r.id('device') : antennas?.[0]?.device;
  const int = (key: string, def: number, min: number, max: number): number | undefined => r.number(key, { default: def, integer: true, min, max });
  const rospecId = int('rospecId', 1, 1, 0xffff_ffff);
  const reportEveryTags = int('reportEveryTags', 0, 0, 65535);
  const reportEveryMs = int('reportEveryMs', 200, 0, 3_600_000);
  if (reportEveryTags === 0 && reportEveryMs === 0) r.problem('reportEveryMs', 'reportEveryTags and reportEveryMs cannot both be 0: the reader would never report');
  const dedupeMs = int('dedupeMs', 2000, 0, 3_600_000);
  const batchMs = int('batchMs', 200, 0, 60_000);
  const maxBatch = int('maxBatch', MAX_READS_PER_SCAN_MESSAGE, 1, MAX_READS_PER_SCAN_MESSAGE);
  const keepaliveMs = int('keepaliveMs', 10_000, 100, 3_600_000);
  const timeoutMs = int('timeoutMs', 5000, 10, 600_000);
  const reconnectInitialMs = int('reconnectInitialMs', 1000, 10, 3_600_000);
  const reconnectMaxMs = int('reconnectMaxMs', 30_000, 10, 3_600_000);
  if (reconnectInitialMs !== undefined && reconnectMaxMs !== undefined && reconnectMaxMs < reconnectInitialMs) r.problem('reconnectMaxMs', 'must be >= reconnectInitialMs');
  if (problems.length > before || !kind || !host || !antennas || !device || tls === 'bad') return undefined;
  if (port === undefined || rospecId === undefined || reportEveryTags === undefined || reportEveryMs === undefined || dedupeMs === undefined) return undefined;
  if (batchMs === undefined || maxBatch === undefined || keepaliveMs === undefined || timeoutMs === undefined || reconnectInitialMs === undefined || reconnectMaxMs === undefined) return undefined;
  return {
    kind, device, host, port, ...(tls !== undefined ? { tls } : {}), antennas, rospecId, reportEveryTags, reportEveryMs, dedupeMs, batchMs, maxBatch,
    keepaliveMs, timeoutMs, reconnectInitialMs, reconnectMaxMs,
  };
}
