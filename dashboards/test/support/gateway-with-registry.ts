/** A browser test's gateway: the dashboard built, a gateway started on a temp data dir, a registry document imported. */
import { request, startTestGateway, type TestGateway } from '../../../gateway/test/support/gateway.js';
import { buildDashboard } from './browser.js';

export async function gatewayWithRegistry(registry: unknown): Promise<TestGateway> {
  buildDashboard();
  const gw = await startTestGateway();
  const put = await request('PUT', `${gw.httpUrl}/api/v1/registry`, registry);
  if (put.status !== 200) {
    await gw.destroy();
    throw new Error(`registry import: HTTP ${put.status} ${JSON.stringify(put.json)}`);
  }
  return gw;
}
