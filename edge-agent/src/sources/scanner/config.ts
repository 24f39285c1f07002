/** Config of a scanner source (issue #21): a barcode scanner or a line-mode UHF RFID reader on a serial port. */
import { MAX_READS_PER_SCAN_MESSAGE } from '@coldtrace/contract';
import { FieldReader, SERIAL_PORT_KEYS, readSerialPort, type SerialPortConfig } from '../serial/config-fields.js';

export interface ScannerSourceConfig extends SerialPortConfig {
  readonly kind: 'scanner';
  /** Device id the reads are published under (`ct/v1/{site}/{node}/{device}/scan`). */
  readonly device: string;
  /** `barcode`: GS1 element strings or Digital Links, one per line; `rfid`: one EPC per line. */
  readonly mode: 'barcode' | 'rfid';
  /** Line delimiter; a trailing CR is stripped. Default `\n` (scanners in keyboard-wedge style send CR LF). */
  readonly delimiter: string;
  /** What the scanner sends for FNC1 when it is set not to send GS (0x1D), e.g. `|`. Default GS. */
  readonly fnc1?: string;
  /**
   * The same code again within this many ms is one read, ms. Default 0 for barcodes (each trigger is a scan), 2000
   * for RFID (a portal reads a tag many times a second).
   */
  readonly dedupeMs: number;
  /** Reads are gathered this long into one message, ms. Default 0 for barcodes (sent at once), 200 for RFID. */
  readonly batchMs: number;
  /** Most reads in one message. Default and most: the contract's 1000. */
  readonly maxBatch: number;
  /**
   * Written to the scanner when the gateway refuses one of its reads at the door (a ScanCommand): its beep or
   * red-light command, e.g. a BEL (`"\u0007"`) or the vendor's serial command. Default: nothing is written.
   */
  readonly refusedReply?: string;
}

export const DEFAULT_SCANNER_BAUD_RATE = 9600;

export function validateScannerSource(raw: unknown, path: string, problems: string[]): ScannerSourceConfig | undefined {
  const r = new FieldReader(raw, path, problems);
  if (!r.obj) return undefined;
  const before = problems.length;
  r.onlyKeys(['kind', 'device', 'mode', 'delimiter', 'fnc1', 'dedupeMs', 'batchMs', 'maxBatch', 'refusedReply', ...SERIAL_PORT_KEYS]);
  const kind = r.literal('kind', 'scanner');
  const device = r.id('device');
  const modeRaw = r.string('mode', { default: 'barcode' });
  if (modeRaw !== undefined && modeRaw !== 'barcode' && modeRaw !== 'rfid') r.problem('mode', 'must be "barcode" or "rfid"');
  const mode = modeRaw === 'rfid' ? 'rfid' : 'barcode';
  const serial = readSerialPort(r, DEFAULT_SCANNER_BAUD_RATE);
  const delimiter = r.string('delimiter', { default: '\n' });
  const fnc1 = r.has('fnc1') ? r.string('fnc1') : undefined;
  if (fnc1 !== undefined && (fnc1.length !== 1 || /[0-9A-Za-z]/.test(fnc1))) r.problem('fnc1', 'must be one character that is not a letter or digit');
  const dedupeMs = r.number('dedupeMs', { default: mode === 'rfid' ? 2000 : 0, integer: true, min: 0, max: 3_600_000 });
  const batchMs = r.number('batchMs', { default: mode === 'rfid' ? 200 : 0, integer: true, min: 0, max: 60_000 });
  const refusedReply = r.has('refusedReply') ? r.string('refusedReply') : undefined;
  const maxBatch = r.number('maxBatch', { default: MAX_READS_PER_SCAN_MESSAGE, integer: true, min: 1, max: MAX_READS_PER_SCAN_MESSAGE });
  if (problems.length > before || !kind || !device || !serial.path || !serial.baudRate || serial.reopenDelayMs === undefined) return undefined;
  if (delimiter === undefined || dedupeMs === undefined || batchMs === undefined || maxBatch === undefined) return undefined;
  return {
    kind, device, mode, path: serial.path, baudRate: serial.baudRate, reopenDelayMs: serial.reopenDelayMs, delimiter,
    ...(fnc1 !== undefined ? { fnc1 } : {}), dedupeMs, batchMs, maxBatch, ...(refusedReply !== undefined ? { refusedReply } : {}),
  };
}
