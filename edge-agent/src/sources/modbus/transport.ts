/**
 * The Modbus transport port and its modbus-serial adapter. The port is what the poller needs: one read at a
 * time, with a per-request timeout; connection management is the adapter's job (lazy connect, reconnect on the
 * next request after a failure). Errors carry a `code` (docs/engineering.md 4).
 */
import ModbusSerial from 'modbus-serial';

// modbus-serial is CommonJS; its typings declare the class as the default export, and module.exports.default
// points back at the class at runtime, so `.default` is right in both worlds.
const ModbusRTU = ModbusSerial.default;
type ModbusRTU = InstanceType<typeof ModbusRTU>;
import type { ReadFunctionCode } from '../../decode/modbus.js';
import { withTimeout } from '../../timeout.js';

export type ModbusErrorCode = 'E_MODBUS_CONNECT' | 'E_MODBUS_TIMEOUT' | 'E_MODBUS_EXCEPTION' | 'E_MODBUS_IO' | 'E_MODBUS_SHORT';

export class ModbusError extends Error {
  override readonly name = 'ModbusError';
  constructor(
    readonly code: ModbusErrorCode,
    message: string,
    /** Modbus exception code from the slave (2 = illegal data address ...), when code is E_MODBUS_EXCEPTION. */
    readonly exceptionCode?: number,
  ) {
    super(message);
  }
}

export interface ModbusTransport {
  /** Reads `count` registers; resolves with exactly `count` words or rejects with a ModbusError. */
  read(unitId: number, functionCode: ReadFunctionCode, address: number, count: number, timeoutMs: number): Promise<number[]>;
  close(): Promise<void>;
}

export type ModbusEndpoint =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly connectTimeoutMs: number }
  | {
      readonly kind: 'rtu';
      readonly path: string;
      readonly baudRate: number;
      readonly parity: 'none' | 'even' | 'odd';
      readonly dataBits: 7 | 8;
      readonly stopBits: 1 | 2;
    };

function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return err.message;
  return String(err);
}

/** `timeoutMs`: the request's timeout, named in a timeout's message (the contract's example: "Timed out after 1000 ms"). */
function toModbusError(err: unknown, timeoutMs: number): ModbusError {
  if (err instanceof ModbusError) return err;
  const e = err as { errno?: unknown; modbusCode?: unknown };
  if (typeof e?.modbusCode === 'number') return new ModbusError('E_MODBUS_EXCEPTION', messageOf(err), e.modbusCode);
  if (e?.errno === 'ETIMEDOUT') return new ModbusError('E_MODBUS_TIMEOUT', `Timed out after ${timeoutMs} ms`);
  return new ModbusError('E_MODBUS_IO', messageOf(err));
}

/** A connect or open that gives up after `ms`, every failure as an E_MODBUS_CONNECT naming what was tried. */
function connectWithin<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(p, ms, () => new ModbusError('E_MODBUS_CONNECT', `${what}: timed out after ${ms} ms`)).catch((e: unknown) => {
    throw e instanceof ModbusError ? e : new ModbusError('E_MODBUS_CONNECT', `${what}: ${messageOf(e)}`);
  });
}

/** modbus-serial adapter for TCP and RTU (serial). Not re-entrant: the bus scheduler serialises calls. */
export class ModbusSerialTransport implements ModbusTransport {
  private client: ModbusRTU | undefined;

  constructor(private readonly endpoint: ModbusEndpoint) {}

  private async ensureOpen(): Promise<ModbusRTU> {
    if (this.client?.isOpen) return this.client;
    await this.drop();
    const client = new ModbusRTU();
    client.on('error', () => undefined); // surfaced by the failing request instead
    const ep = this.endpoint;
    if (ep.kind === 'tcp') {
      await connectWithin(client.connectTCP(ep.host, { port: ep.port }), ep.connectTimeoutMs, `connect ${ep.host}:${ep.port}`);
    } else {
      await connectWithin(
        client.connectRTUBuffered(ep.path, { baudRate: ep.baudRate, parity: ep.parity, dataBits: ep.dataBits, stopBits: ep.stopBits }),
        5000,
        `open ${ep.path}`,
      ).catch(async (err: unknown) => {
        await new Promise<void>((r) => client.close(() => r()));
        throw err;
      });
    }
    this.client = client;
    return client;
  }

  async read(unitId: number, functionCode: ReadFunctionCode, address: number, count: number, timeoutMs: number): Promise<number[]> {
    const client = await this.ensureOpen();
    client.setID(unitId);
    client.setTimeout(timeoutMs);
    let data: number[];
    try {
      const res = functionCode === 3 ? await client.readHoldingRegisters(address, count) : await client.readInputRegisters(address, count);
      data = res.data;
    } catch (err) {
      const e = toModbusError(err, timeoutMs);
      // A broken TCP connection or serial port is reopened on the next request; a timeout or exception is not.
      if (e.code === 'E_MODBUS_IO') await this.drop();
      throw e;
    }
    if (data.length < count) throw new ModbusError('E_MODBUS_SHORT', `expected ${count} registers, got ${data.length}`);
    return data.slice(0, count);
  }

  private async drop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 1000);
      try {
        c.close(() => {
          clearTimeout(t);
          resolve();
        });
      } catch {
        clearTimeout(t);
        resolve();
      }
    });
  }

  close(): Promise<void> {
    return this.drop();
  }
}
