/**
 * Slow HTTP clients cannot hold the gateway's connections (issue #23): 50 slowloris connections, each sending a
 * header byte every 200 ms and never finishing, are closed by the gateway once the request timeout passes, while
 * ordinary requests keep being answered.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getJson, startTestGateway, type TestGateway } from '../support/gateway.js';

const TIMEOUT_MS = 1000;
let gw: TestGateway;
beforeAll(async () => { gw = await startTestGateway({ COLDTRACE_HTTP_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) }); });
afterAll(async () => { await gw?.destroy(); });

it('closes connections whose request does not arrive within the request timeout, and keeps serving others', async () => {
  const { hostname, port } = new URL(gw.httpUrl);
  const closedAfter: number[] = [];
  const sockets: Socket[] = [];
  const timers: NodeJS.Timeout[] = [];
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 50 }, () => new Promise<void>((resolve) => {
    const s = connect(Number(port), hostname, () => {
      s.write('GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      timers.push(setInterval(() => { if (!s.destroyed) s.write('a'); }, 200));
      resolve();
    });
    s.on('error', () => undefined);
    s.on('close', () => closedAfter.push(Date.now() - t0));
    sockets.push(s);
  })));
  try {
    // Ordinary requests are answered while the slow ones are held.
    expect((await getJson<{ status: string }>(`${gw.httpUrl}/health`)).status).toBe('ok');
    // Generous bound (a loaded machine schedules late): the gateway must close them, it is not asked to be quick.
    await expect.poll(() => closedAfter.length, { timeout: 15_000, interval: 100 }).toBe(50);
    // And not before the timeout: they were sending, so only the request timeout can have closed them.
    expect(Math.min(...closedAfter)).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  } finally {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
  }
});
