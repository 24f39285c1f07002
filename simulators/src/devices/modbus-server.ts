/**
 * Serves simulated Modbus slaves over TCP (modbus-serial ServerTCP) or RTU on a serial path (ServerSerial, e.g. one
 * end of a socat pty pair). Several slaves may share one server, dispatched by unit id, like devices on one
 * RS-485 bus. A slave that does not answer (unknown unit id, or `answering` false) sends nothing at all, so the
 * client sees a real timeout.
 */
import { createServer, type AddressInfo } from 'node:net';
import ModbusSerial from 'modbus-serial';

const { ServerTCP, ServerSerial } = ModbusSerial;

/** What one simulated slave does. Register values are raw 16-bit words (0..0xFFFF). */
export interface SimulatedSlave {
  readonly unitId: number;
  /** False: the slave stays silent (dead slave, cable cut). */
  readonly answering: boolean;
  /** Word at an input register (FC 04), or undefined for an unmapped address (answered with exception 2). */
  readInput(address: number): number | undefined;
  /** Word at a holding register (FC 03), or undefined for an unmapped address. */
  readHolding(address: number): number | undefined;
  /** FC 06/16; returns false for an unmapped or read-only address (exception 2). */
  writeHolding(address: number, value: number): boolean;
}

export interface ModbusSimServer {
  /** TCP port actually bound (TCP servers only). */
  readonly port?: number;
  close(): Promise<void>;
}

type Cb<T> = (err: { modbusErrorCode: number; msg: string } | null, value: T) => void;

const ILLEGAL_ADDRESS = { modbusErrorCode: 2, msg: 'Illegal data address' };

function vectorFor(slaves: readonly SimulatedSlave[]) {
  const find = (unitId: number): SimulatedSlave | undefined => slaves.find((s) => s.unitId === unitId && s.answering);
  const readMany = (kind: 'input' | 'holding') => (addr: number, length: number, unitId: number, cb: Cb<number[]>) => {
    const slave = find(unitId);
    if (!slave) return; // silence: the client times out
    const words: number[] = [];
    for (let i = 0; i < length; i++) {
      const w = kind === 'input' ? slave.readInput(addr + i) : slave.readHolding(addr + i);
      if (w === undefined) return cb(ILLEGAL_ADDRESS, []);
      words.push(w & 0xffff);
    }
    cb(null, words);
  };
  const readOne = (kind: 'input' | 'holding') => (addr: number, unitId: number, cb: Cb<number>) =>
    readMany(kind)(addr, 1, unitId, (err, words) => cb(err, words[0] ?? 0));
  return {
    getInputRegister: readOne('input'),
    getMultipleInputRegisters: readMany('input'),
    getHoldingRegister: readOne('holding'),
    getMultipleHoldingRegisters: readMany('holding'),
    setRegister: (addr: number, value: number, unitId: number, cb: (err: unknown) => void) => {
      const slave = find(unitId);
      if (!slave) return;
      cb(slave.writeHolding(addr, value) ? null : ILLEGAL_ADDRESS);
    },
  };
}

async function freePort(host: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a Modbus TCP server; `port` 0 (the default) picks a free ephemeral port. */
export async function startModbusTcpServer(slaves: readonly SimulatedSlave[], options: { host?: string; port?: number } = {}): Promise<ModbusSimServer> {
  const host = options.host ?? '127.0.0.1';
  // ServerTCP treats port 0 as "unset" and falls back to 502, so pick a free port first (retry on a lost race).
  for (let attempt = 0; ; attempt++) {
    const port = options.port !== undefined && options.port !== 0 ? options.port : await freePort(host);
    const server = new ServerTCP(vectorFor(slaves) as never, { host, port });
    const ok = await new Promise<boolean | Error>((resolve) => {
      server.once('initialized', () => resolve(true));
      server.once('serverError', (err: Error | null) => resolve(err ?? new Error('server error')));
    });
    if (ok === true) {
      server.on('socketError', () => undefined);
      server.on('error', () => undefined);
      return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
    }
    await new Promise<void>((r) => server.close(() => r()));
    if (options.port || attempt >= 5) throw ok;
  }
}

/** Starts a Modbus RTU server on a serial path (e.g. a socat pty), like slaves on one RS-485 bus. */
export async function startModbusRtuServer(
  slaves: readonly SimulatedSlave[],
  options: { path: string; baudRate?: number; parity?: 'none' | 'even' | 'odd' },
): Promise<ModbusSimServer> {
  let server: InstanceType<typeof ServerSerial> | undefined;
  await new Promise<void>((resolve, reject) => {
    server = new ServerSerial(vectorFor(slaves) as never, {
      path: options.path,
      baudRate: options.baudRate ?? 9600,
      parity: options.parity ?? 'none',
      openCallback: (err: Error | null) => (err ? reject(err) : resolve()),
    } as never);
    server.on('error', () => undefined);
    server.on('socketError', () => undefined);
  });
  const s = server as InstanceType<typeof ServerSerial>;
  return { close: () => new Promise<void>((r) => s.close(() => r())) };
}
