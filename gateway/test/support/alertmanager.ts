/**
 * Test support: a real Alertmanager (Debian package `prometheus-alertmanager`) on a free loopback port, clustering
 * off, with a route that sends the gateway's major and critical alerts to a webhook receiver of the test.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, manage, type TestServer } from './influx-servers.js';

const BIN = '/usr/bin/prometheus-alertmanager';

/** `receiverUrl` gets the notifications of route `cold-chain-team` (send_resolved), grouped per alert, flushed fast. */
export async function startAlertmanager(receiverUrl: string): Promise<TestServer> {
  if (!existsSync(BIN)) throw new Error(`${BIN} not found: install the Debian package 'prometheus-alertmanager' (scripts/test.sh does)`);
  const dir = await mkdtemp(join(tmpdir(), 'coldtrace-alertmanager-'));
  const port = await freePort();
  const config = join(dir, 'alertmanager.yml');
  await writeFile(config, [
    'route:',
    '  receiver: nobody',
    "  group_by: ['alertname', 'subject_kind', 'subject_id']",
    '  group_wait: 100ms',
    '  group_interval: 500ms',
    '  repeat_interval: 1h',
    '  routes:',
    '    - receiver: cold-chain-team',
    `      matchers: ['source="coldtrace"', 'severity=~"major|critical"']`,
    'receivers:',
    '  - name: nobody',
    '  - name: cold-chain-team',
    '    webhook_configs:',
    `      - url: ${receiverUrl}`,
    '        send_resolved: true',
    '',
  ].join('\n'));
  return manage(BIN, [
    `--config.file=${config}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn',
  ], port, dir, '/-/ready');
}
