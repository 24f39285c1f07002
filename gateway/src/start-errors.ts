/**
 * What the operator reads when the gateway cannot start because something of the machine's is in the way: a port
 * already taken is named with the setting that moves it (issue #25), instead of a stack trace.
 */
import type { GatewayConfig } from './config.js';

export function describeStartError(e: unknown, config: GatewayConfig): string | undefined {
  const o = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; port?: unknown; address?: unknown; message?: unknown };
  // The signing key (docs/security.md "Tamper evidence"): unreadable, readable by others, or not Ed25519.
  if (o.code === 'E_SIGNING_KEY') return `${String(o.message)}: set COLDTRACE_SIGNING_KEY to an Ed25519 private key (PKCS#8 PEM, mode 0600), or leave it empty to use ${config.dataDir}/integrity/signing-key.pem (generated when missing)`;
  // The photo store (docs/photos.md "Storage"): refused credentials, no bucket, a data dir it cannot write. The message names what to check.
  if (o.code === 'E_PHOTO_STORE_AUTH' || o.code === 'E_PHOTO_STORE_BUCKET' || o.code === 'E_PHOTO_STORE_IO') return `photo store: ${String(o.message)}`;
  if (o.code !== 'EADDRINUSE' && o.code !== 'EACCES') return undefined;
  const port = typeof o.port === 'number' ? o.port : undefined;
  const where = `${typeof o.address === 'string' ? o.address : 'this host'}:${port ?? '?'}`;
  let setting: string | undefined;
  if (port === config.http.port) setting = 'COLDTRACE_HTTP_PORT';
  else if (config.mqtt.mode === 'embedded' && port === config.mqtt.port) setting = 'COLDTRACE_MQTT_PORT';
  const problem = o.code === 'EADDRINUSE' ? `${where} is already in use (another Coldtrace, or another server?)` : `no permission to listen on ${where}`;
  return setting === undefined ? problem : `${problem}: set ${setting} to another port`;
}
