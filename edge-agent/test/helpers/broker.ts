/** A real aedes MQTT broker on an ephemeral port, for tests; `stop` closes it and its clients. */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';

export interface TestBroker {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startBroker(port = 0): Promise<TestBroker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${bound}`,
    port: bound,
    stop: async () => {
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A port the OS considers free right now (listen on 0, close): for a broker that starts later in a test. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
