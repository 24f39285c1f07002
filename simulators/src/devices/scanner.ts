/**
 * A barcode scanner or a line-mode UHF RFID reader on a serial port (issue #21): it writes one code per line, as the
 * real ones do in serial (COM) mode, when told to scan. The RFID reader reads each tag in its field several times,
 * as a portal does. Deterministic: it writes only what it is told.
 */
import { SerialWriter } from './serial-writer.js';
import { digitalLink, gs1ElementString, sgtin96, type LabelFacts } from './scan-codes.js';

export type LabelForm = 'gs1-128' | 'datamatrix' | 'digital-link';

export interface ScannerSimulatorOptions {
  readonly path: string;
  /** Default 9600. */
  readonly baudRate?: number;
  /** Line end. Default CRLF. */
  readonly eol?: string;
}

export class ScannerSimulator {
  /** Every line written, in order. */
  readonly written: string[] = [];
  private writer: SerialWriter | undefined;

  constructor(private readonly options: ScannerSimulatorOptions) {}

  async start(): Promise<void> {
    this.writer = await SerialWriter.open(this.options.path, this.options.baudRate ?? 9600);
  }

  /** Scans a label printed in `form`. */
  scanLabel(label: LabelFacts, form: LabelForm = 'gs1-128'): string {
    const line = form === 'digital-link' ? digitalLink(label) : gs1ElementString(label, form === 'datamatrix' ? ']d2' : ']C1');
    return this.writeLine(line);
  }

  /** An RFID portal: each tag (GTIN and serial) read `times` times, antenna and signal strength on the line. */
  readTags(tags: readonly { gtin: string; serial: number }[], companyDigits: number, times = 3): string[] {
    const out: string[] = [];
    for (let i = 0; i < times; i++) {
      tags.forEach((t, k) => out.push(this.writeLine(`${sgtin96(t.gtin, t.serial, companyDigits)},ANT:${1 + (k % 4)},RSSI:${-50 - ((k + i) % 20)}`)));
    }
    return out;
  }

  /** Anything, as is (a damaged label, a code from another system). */
  writeLine(line: string): string {
    this.written.push(line);
    this.writer?.write(line + (this.options.eol ?? '\r\n'));
    return line;
  }

  async stop(): Promise<void> {
    await this.writer?.drain();
    await this.writer?.close();
    this.writer = undefined;
  }
}
