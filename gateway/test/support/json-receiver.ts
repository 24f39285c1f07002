/** Test support: a real HTTP server that keeps every JSON body posted to it (a webhook receiver), on an ephemeral port. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Body } from './gateway.js';

export interface JsonReceiver {
  /** `http://127.0.0.1:PORT/hook` */
  readonly url: string;
  /** Every body received, oldest first. */
  readonly received: Body[];
  close(): Promise<void>;
}

export async function startJsonReceiver(): Promise<JsonReceiver> {
  const received: Body[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, close: () => new Promise((r) => server.close(() => r())) };
}
