/**
 * One TCP (or TLS) connection to an LLRP reader: frames the byte stream into messages, decodes them with llrpjs
 * (codec.ts), matches each response to its request by message id, and hands every other message (reports,
 * keepalives, events) to `onMessage`.
 *
 * Why not llrpjs' own client (src/net/base.ts, 1.0.1): it decodes one message per TCP chunk, so a second report
 * in the same chunk waits for the next chunk (at 500 tags/s a reader packs several in one); its `transact` awaits
 * the same promise again when another message arrives first, which spins forever on a reader that sends a
 * report or keepalive during set-up; and it has no TLS.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Scheduler } from '../../clock.js';
import { LLRP_HEADER_BYTES, decodeLlrp, encodeLlrp, type LlrpJsonMessage } from './codec.js';

/** Largest message accepted, bytes: a reader's report of a few thousand tags is well under it (rule 6). */
export const MAX_LLRP_MESSAGE_BYTES = 4 * 1024 * 1024;

export type LlrpFailureReason = 'connect' | 'refused' | 'status' | 'timeout' | 'dropped' | 'silent' | 'protocol' | 'decode' | 'error-message';

export const LLRP_FAILURE_REASONS: readonly LlrpFailureReason[] = ['connect', 'refused', 'status', 'timeout', 'dropped', 'silent', 'protocol', 'decode', 'error-message'];

/** A failure talking to the reader; `reason` is the metric label, `retryable` always true (the reader may come back). */
export class LlrpError extends Error {
  readonly retryable = true;
  constructor(readonly reason: LlrpFailureReason, message: string) {
    super(message);
    this.name = 'LlrpError';
  }
}

export interface LlrpEndpoint {
  readonly host: string;
  readonly port: number;
  /** TLS (IANA port 5085, encrypted-llrp); `ca`: the CA the reader's certificate must chain to (read from `caFile`). */
  readonly tls?: { readonly ca?: Buffer; readonly servername?: string };
  /** TCP (and TLS) connect timeout, ms. */
  readonly connectTimeoutMs: number;
}

export interface LlrpConnectionHandlers {
  /** Every message that is not the response of a pending request. */
  message(m: LlrpJsonMessage): void;
  /** A frame that could not be decoded (kept counted; the connection goes on). */
  undecodable(error: LlrpError): void;
  /** The connection ended; `error` says why when it was not `close()`. */
  closed(error?: LlrpError): void;
}

interface Pending {
  readonly responseType: string;
  readonly resolve: (m: LlrpJsonMessage) => void;
  readonly reject: (e: LlrpError) => void;
  readonly timer: { cancel(): void };
}

export class LlrpConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private ended = false;

  private constructor(private readonly socket: Socket, private readonly handlers: LlrpConnectionHandlers, private readonly scheduler: Scheduler) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined); // 'close' follows with hadError; the reason is given there
    socket.on('close', () => this.end(new LlrpError('dropped', 'the reader closed the connection')));
  }

  /** Opens the connection; rejects with reason `connect` when it cannot be made within the timeout. */
  static open(endpoint: LlrpEndpoint, handlers: LlrpConnectionHandlers, scheduler: Scheduler): Promise<LlrpConnection> {
    return new Promise((resolve, reject) => {
      const t = endpoint.tls;
      const socket: Socket = t
        ? tlsConnect({ host: endpoint.host, port: endpoint.port, ...(t.ca ? { ca: t.ca } : {}), servername: t.servername ?? endpoint.host })
        : tcpConnect({ host: endpoint.host, port: endpoint.port });
      const fail = (why: string): void => {
        timer.cancel();
        socket.destroy();
        reject(new LlrpError('connect', `${endpoint.host}:${endpoint.port}: ${why}`));
      };
      const timer = scheduler.after(endpoint.connectTimeoutMs, () => fail(`no connection within ${endpoint.connectTimeoutMs} ms`));
      socket.once('error', (e: Error) => fail(e.message));
      socket.once(t ? 'secureConnect' : 'connect', () => {
        timer.cancel();
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve(new LlrpConnection(socket, handlers, scheduler));
      });
    });
  }

  /** Sends a message that has no response (KEEPALIVE_ACK); `id` defaults to a new one. */
  send(type: string, data: Record<string, unknown> = {}, id = this.takeId()): void {
    if (!this.ended) this.socket.write(encodeLlrp(type, id, data));
  }

  /**
   * Sends `type` and resolves with its response (`${type}_RESPONSE`, matched by message id), or rejects with
   * `timeout` after `timeoutMs`, or with `error-message` when the reader answers ERROR_MESSAGE.
   */
  request(type: string, data: Record<string, unknown>, timeoutMs: number): Promise<LlrpJsonMessage> {
    const id = this.takeId();
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(new LlrpError('dropped', `${type}: not connected`));
      const timer = this.scheduler.after(timeoutMs, () => {
        this.pending.delete(id);
        reject(new LlrpError('timeout', `${type}: no answer within ${timeoutMs} ms`));
      });
      this.pending.set(id, { responseType: `${type}_RESPONSE`, resolve, reject, timer });
      this.socket.write(encodeLlrp(type, id, data));
    });
  }

  /** Ends the connection (FIN after what was written); pending requests fail with `dropped`. */
  close(): void {
    this.end();
    this.socket.end();
    this.socket.destroySoon();
  }

  /** Drops the connection at once (a reader gone silent). */
  destroy(error: LlrpError): void {
    this.end(error);
    this.socket.destroy();
  }

  private takeId(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffff_ffff ? 1 : this.nextId + 1;
    return id;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    // Every whole message in the buffer, not just the first (see the header comment).
    while (this.buffer.length >= LLRP_HEADER_BYTES && !this.ended) {
      const version = (this.buffer.readUInt16BE(0) >> 10) & 0x7;
      const length = this.buffer.readUInt32BE(2);
      if (version !== 1 || length < LLRP_HEADER_BYTES || length > MAX_LLRP_MESSAGE_BYTES) {
        this.destroy(new LlrpError('protocol', `not an LLRP 1.0.1 stream (version ${version}, length ${length})`));
        return;
      }
      if (this.buffer.length < length) return;
      const frame = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      this.deliver(frame);
    }
  }

  private deliver(frame: Buffer): void {
    let m: LlrpJsonMessage;
    try {
      m = decodeLlrp(frame);
    } catch (e) {
      this.handlers.undecodable(new LlrpError('decode', `message type ${frame.readUInt16BE(0) & 0x3ff}: ${(e as Error).message}`));
      return;
    }
    const p = this.pending.get(m.id);
    if (p !== undefined && (m.type === p.responseType || m.type === 'ERROR_MESSAGE')) {
      this.pending.delete(m.id);
      p.timer.cancel();
      if (m.type === 'ERROR_MESSAGE') p.reject(new LlrpError('error-message', `the reader answered ERROR_MESSAGE: ${statusText(m.data)}`));
      else p.resolve(m);
      return;
    }
    this.handlers.message(m);
  }

  private end(error?: LlrpError): void {
    if (this.ended) return;
    this.ended = true;
    for (const p of this.pending.values()) {
      p.timer.cancel();
      p.reject(new LlrpError('dropped', `${p.responseType}: the connection ended`));
    }
    this.pending.clear();
    this.handlers.closed(error);
  }
}

/** An LLRPStatus parameter as text: `M_ParameterError: <description>`. */
export function statusText(data: Record<string, unknown>): string {
  const s = data['LLRPStatus'] as { StatusCode?: unknown; ErrorDescription?: unknown } | undefined;
  const code = typeof s?.StatusCode === 'string' ? s.StatusCode : 'no LLRPStatus';
  const text = typeof s?.ErrorDescription === 'string' && s.ErrorDescription !== '' ? `: ${s.ErrorDescription}` : '';
  return `${code}${text}`;
}

/** Whether a response's LLRPStatus says success. */
export function succeeded(m: LlrpJsonMessage): boolean {
  const s = m.data['LLRPStatus'] as { StatusCode?: unknown } | undefined;
  return s?.StatusCode === 'M_Success';
}
