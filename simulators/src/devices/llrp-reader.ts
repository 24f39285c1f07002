/**
 * A UHF RFID reader speaking LLRP 1.0.1 over TCP (issue #21), built on the server side of `llrpjs`: it accepts one
 * client, says so with a READER_EVENT_NOTIFICATION, answers SET_READER_CONFIG, DELETE/ADD/ENABLE/START_ROSPEC and
 * CLOSE_CONNECTION, sends KEEPALIVEs at the period asked, and once the ROSpec is started sends RO_ACCESS_REPORTs:
 * those a test asks for (`report`), and with `tagsPerSecond` a steady stream over a tag population. It can refuse
 * the next connection, answer a request with an error status, and drop the connection on demand.
 */
import { createRequire } from 'node:module';
import type { AddressInfo, Server, Socket } from 'node:net';

interface LlrpjsMessage {
  getMessageId(): number;
  getName(): string;
  toLLRPData(): { data: Record<string, unknown> };
}

/** The part of llrpjs' LLRPServer used here; `_server`, `_tcp` and `_scanner` are protected members of it. */
interface LlrpjsServer {
  listen(): void;
  close(): Promise<void>;
  send(m: object): Promise<void>;
  on(event: string, listener: (m: LlrpjsMessage) => void): LlrpjsServer;
  readonly _server: Server;
  readonly _tcp: Socket | null;
  readonly _scanner: { resetBuffer(): void };
}

interface Llrpjs {
  readonly LLRPCore: Readonly<Record<string, new (m: { id?: number; data?: Record<string, unknown> }) => object>>;
  readonly LLRPServer: new (options: { host: string; port: number }) => LlrpjsServer;
}

// llrpjs' typings are its TypeScript sources, which do not compile under this repository's strict settings.
const llrpjs = createRequire(import.meta.url)('llrpjs') as Llrpjs;

/** One tag in a report. `epc`: hex; 24 digits go as EPC_96, any other length as EPCData. */
export interface SimTag {
  readonly epc: string;
  /** Default the first of the reader's antennas. */
  readonly antenna?: number;
  /** dBm. Default -55. */
  readonly rssi?: number;
  /** First seen, ms since the epoch (sent as µs). Default the reader's clock. */
  readonly seenAt?: number;
}

export interface LlrpReaderOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port (read `port` after `start`). */
  readonly port?: number;
  /** The population the steady stream reads from, EPC hex. */
  readonly tags?: readonly string[];
  /** Antenna ports the stream spreads the tags over. Default [1]. */
  readonly antennas?: readonly number[];
  /** Steady stream once started: tag reads per second; 0 (default) sends only what `report` is told. */
  readonly tagsPerSecond?: number;
  /** One report this often in the stream, ms. Default 200. */
  readonly reportEveryMs?: number;
  /** The reader's clock, ms. Default Date.now. */
  readonly now?: () => number;
}

export class LlrpReaderSimulator {
  /** Every message type received, in order, across connections. */
  readonly received: string[] = [];
  /** Connections accepted, ROSpecs started, tag reads sent. */
  connections = 0;
  starts = 0;
  tagsSent = 0;
  private readonly server: LlrpjsServer;
  private readonly failures = new Map<string, { status: string; times: number }>();
  private refuse = 0;
  private running = false;
  private keepalive: NodeJS.Timeout | undefined;
  private stream: NodeJS.Timeout | undefined;
  private next = 0;

  constructor(private readonly options: LlrpReaderOptions = {}) {
    this.server = new llrpjs.LLRPServer({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    this.server.on('connection', () => void this.onConnection());
    this.server.on('disconnect', () => this.halt());
    this.server.on('error', () => undefined); // a client that vanishes; 'disconnect' follows
    for (const type of ['SET_READER_CONFIG', 'DELETE_ROSPEC', 'ADD_ROSPEC', 'ENABLE_ROSPEC', 'START_ROSPEC', 'STOP_ROSPEC', 'DISABLE_ROSPEC']) {
      this.server.on(type, (m) => void this.answer(m));
    }
    this.server.on('KEEPALIVE_ACK', (m) => this.received.push(m.getName()));
    this.server.on('CLOSE_CONNECTION', (m) => void this.close(m));
  }

  async start(): Promise<number> {
    this.server.listen();
    await new Promise<void>((resolve, reject) => {
      if (this.server._server.listening) return resolve();
      this.server._server.once('listening', resolve).once('error', reject);
    });
    return this.port;
  }

  get port(): number {
    return (this.server._server.address() as AddressInfo).port;
  }

  /** A client is connected and its ROSpec started: reports reach it. */
  get reporting(): boolean {
    return this.running && this.server._tcp !== null;
  }

  /** The next `times` requests of `type` are answered with `status` instead of M_Success. */
  failNext(type: string, status = 'M_ParameterError', times = 1): void {
    this.failures.set(type, { status, times });
  }

  /** The next connection is told it failed (another client is connected), then closed. */
  refuseNext(): void {
    this.refuse++;
  }

  /** One RO_ACCESS_REPORT with these tags, now. */
  async report(tags: readonly SimTag[]): Promise<void> {
    if (!this.reporting) throw new Error('the LLRP reader simulator has no started ROSpec to report on');
    const now = this.now();
    const first = this.options.antennas?.[0] ?? 1;
    const data = tags.map((t) => ({
      ...(t.epc.length === 24 ? { EPC_96: { EPC: t.epc } } : { EPCData: { EPC: t.epc } }),
      AntennaID: { AntennaID: t.antenna ?? first },
      PeakRSSI: { PeakRSSI: t.rssi ?? -55 },
      FirstSeenTimestampUTC: { Microseconds: BigInt(Math.round(t.seenAt ?? now)) * 1000n },
    }));
    this.tagsSent += tags.length;
    await this.server.send(new llrpjs.LLRPCore['RO_ACCESS_REPORT']!({ data: { TagReportData: data } }));
  }

  /** Ends the steady stream (the connection stays). */
  stopStream(): void {
    clearInterval(this.stream);
  }

  /** Drops the connection at once, as a reader losing power or its network does (no CLOSE_CONNECTION). */
  drop(): void {
    this.halt();
    this.server._tcp?.destroy();
  }

  async stop(): Promise<void> {
    this.halt();
    this.server._tcp?.destroy();
    // Not llrpjs' close(): it ends the socket and waits for a callback a destroyed socket never calls.
    await new Promise<void>((resolve) => this.server._server.close(() => resolve()));
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async onConnection(): Promise<void> {
    this.connections++;
    this.server._scanner.resetBuffer(); // llrpjs keeps the last connection's partial bytes otherwise
    const refused = this.refuse > 0;
    if (refused) this.refuse--;
    const status = refused ? 'Failed_A_Client_Initiated_Connection_Already_Exists' : 'Success';
    await this.send('READER_EVENT_NOTIFICATION', 0, {
      ReaderEventNotificationData: { UTCTimestamp: { Microseconds: BigInt(Math.round(this.now())) * 1000n }, ConnectionAttemptEvent: { Status: status } },
    });
    if (refused) this.server._tcp?.end();
  }

  private async answer(m: LlrpjsMessage): Promise<void> {
    const type = m.getName();
    this.received.push(type);
    const failure = this.failures.get(type);
    if (failure !== undefined && --failure.times <= 0) this.failures.delete(type);
    const status = failure?.status ?? 'M_Success';
    await this.send(`${type}_RESPONSE`, m.getMessageId(), { LLRPStatus: { StatusCode: status, ErrorDescription: failure ? `${type} refused by the simulator` : '' } });
    if (failure !== undefined) return;
    const data = m.toLLRPData().data;
    if (type === 'SET_READER_CONFIG') this.keepAliveEvery(data);
    if (type === 'START_ROSPEC') this.begin();
    if (type === 'STOP_ROSPEC' || type === 'DELETE_ROSPEC' || type === 'DISABLE_ROSPEC') this.running = false;
  }

  private keepAliveEvery(data: Record<string, unknown>): void {
    const spec = data['KeepaliveSpec'] as { KeepaliveTriggerType?: string; PeriodicTriggerValue?: number } | undefined;
    clearInterval(this.keepalive);
    if (spec?.KeepaliveTriggerType !== 'Periodic' || !spec.PeriodicTriggerValue) return;
    this.keepalive = setInterval(() => void this.send('KEEPALIVE', 0, {}).catch(() => undefined), spec.PeriodicTriggerValue);
  }

  private begin(): void {
    this.running = true;
    this.starts++;
    const rate = this.options.tagsPerSecond ?? 0;
    const population = this.options.tags ?? [];
    if (rate <= 0 || population.length === 0) return;
    const every = this.options.reportEveryMs ?? 200;
    const antennas = this.options.antennas ?? [1];
    // Tags owed by the clock since the start: a tick that comes late (a busy machine) sends what it owes, so the
    // rate holds.
    const started = Date.now();
    let sent = 0;
    clearInterval(this.stream);
    this.stream = setInterval(() => {
      if (!this.reporting) return;
      const n = Math.floor(((Date.now() - started) * rate) / 1000) - sent;
      sent += Math.max(0, n);
      const tags: SimTag[] = [];
      for (let i = 0; i < n; i++, this.next++) tags.push({ epc: population[this.next % population.length]!, antenna: antennas[this.next % antennas.length]! });
      if (tags.length > 0) void this.report(tags).catch(() => undefined);
    }, every);
  }

  private halt(): void {
    this.running = false;
    clearInterval(this.keepalive);
    clearInterval(this.stream);
  }

  private async close(m: LlrpjsMessage): Promise<void> {
    this.received.push(m.getName());
    await this.send('CLOSE_CONNECTION_RESPONSE', m.getMessageId(), { LLRPStatus: { StatusCode: 'M_Success', ErrorDescription: '' } });
    this.halt();
    this.server._tcp?.end();
  }

  private async send(type: string, id: number, data: Record<string, unknown>): Promise<void> {
    if (this.server._tcp === null) return;
    await this.server.send(new llrpjs.LLRPCore[type]!({ id, data }));
  }
}
