/**
 * The LLRP connection's framing over a real TCP socket, against a peer that writes raw bytes: several messages in
 * one chunk and one message split over chunks all arrive (llrpjs' own client handles one message per chunk), a
 * response is matched to its request by message id while reports interleave, a frame llrpjs cannot decode is
 * counted and the stream goes on, and a stream that is not LLRP closes the connection with reason `protocol`.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeLlrp, type LlrpJsonMessage } from '../../src/sources/llrp/codec.js';
import { LlrpConnection, type LlrpError } from '../../src/sources/llrp/connection.js';
import { ManualTime } from '../helpers/manual-time.js';
import { waitFor } from '../helpers/wait.js';

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

async function peer(): Promise<{ port: number; socket: Promise<Socket>; received: Buffer[] }> {
  const received: Buffer[] = [];
  let give: (s: Socket) => void = () => undefined;
  const socket = new Promise<Socket>((r) => (give = r));
  const server = createServer((s) => {
    s.on('data', (d: Buffer) => received.push(d));
    give(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => server.close());
  return { port: (server.address() as AddressInfo).port, socket, received };
}

async function connect(port: number): Promise<{ conn: LlrpConnection; messages: LlrpJsonMessage[]; undecodable: LlrpError[]; closed: (LlrpError | undefined)[] }> {
  const messages: LlrpJsonMessage[] = [];
  const undecodable: LlrpError[] = [];
  const closed: (LlrpError | undefined)[] = [];
  const conn = await LlrpConnection.open({ host: '127.0.0.1', port, connectTimeoutMs: 5000 }, {
    message: (m) => messages.push(m), undecodable: (e) => undecodable.push(e), closed: (e) => closed.push(e),
  }, new ManualTime(0));
  cleanups.push(() => conn.close());
  return { conn, messages, undecodable, closed };
}

const report = (id: number, epc: string): Buffer => encodeLlrp('RO_ACCESS_REPORT', id, { TagReportData: [{ EPC_96: { EPC: epc }, AntennaID: { AntennaID: 1 } }] });

describe('LLRP connection', () => {
  it('delivers every message of a chunk and a message split over chunks', async () => {
    const p = await peer();
    const { messages } = await connect(p.port);
    const s = await p.socket;
    const a = report(1, '3034257BF40C0E4000000001');
    const b = report(2, '3034257BF40C0E4000000002');
    const c = report(3, '3034257BF40C0E4000000003');
    s.write(Buffer.concat([a, b, c.subarray(0, 7)]));
    await waitFor('two messages', () => messages.length === 2);
    s.write(c.subarray(7));
    await waitFor('the third', () => messages.length === 3);
    expect(messages.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it('matches a response to its request by id while reports come between', async () => {
    const p = await peer();
    const { conn, messages } = await connect(p.port);
    const s = await p.socket;
    const answer = conn.request('ADD_ROSPEC', { ROSpec: { ROSpecID: 1, Priority: 0, CurrentState: 'Disabled', ROBoundarySpec: { ROSpecStartTrigger: { ROSpecStartTriggerType: 'Null' }, ROSpecStopTrigger: { ROSpecStopTriggerType: 'Null', DurationTriggerValue: 0 } }, AISpec: { AntennaIDs: [1], AISpecStopTrigger: { AISpecStopTriggerType: 'Null', DurationTrigger: 0 }, InventoryParameterSpec: { InventoryParameterSpecID: 1, ProtocolID: 'EPCGlobalClass1Gen2' } } } }, 5000);
    await waitFor('the request', () => p.received.length > 0);
    const id = p.received[0]!.readUInt32BE(6);
    const ok = { LLRPStatus: { StatusCode: 'M_Success', ErrorDescription: '' } };
    s.write(Buffer.concat([report(id, '3034257BF40C0E4000000001'), encodeLlrp('ADD_ROSPEC_RESPONSE', id + 1, ok), encodeLlrp('ADD_ROSPEC_RESPONSE', id, ok)]));
    const rsp = await answer;
    expect(rsp).toMatchObject({ id, type: 'ADD_ROSPEC_RESPONSE' });
    // The report with the same id and the response to another request are messages of their own.
    expect(messages.map((m) => m.type)).toEqual(['RO_ACCESS_REPORT', 'ADD_ROSPEC_RESPONSE']);
  });

  it('counts a frame it cannot decode and goes on; closes a stream that is not LLRP', async () => {
    const p = await peer();
    const { messages, undecodable, closed } = await connect(p.port);
    const s = await p.socket;
    const garbled = Buffer.from(report(5, '3034257BF40C0E4000000001'));
    garbled.writeUInt16BE((1 << 10) | 999, 0); // LLRP 1, an unknown message type
    s.write(Buffer.concat([garbled, report(6, '3034257BF40C0E4000000001')]));
    await waitFor('the good one', () => messages.length === 1);
    expect(undecodable.map((e) => e.reason)).toEqual(['decode']);
    s.write('HTTP/1.1 400 Bad Request\r\n\r\n');
    await waitFor('the close', () => closed.length === 1);
    expect(closed[0]?.reason).toBe('protocol');
  });
});
