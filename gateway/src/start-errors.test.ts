import { describe, expect, it } from 'vitest';
import { loadGatewayConfig, type GatewayConfig } from './config.js';
import { describeStartError } from './start-errors.js';

const config = (env: Record<string, string> = {}): GatewayConfig => {
  const r = loadGatewayConfig({ COLDTRACE_HTTP_PORT: '8080', COLDTRACE_MQTT_PORT: '1883', ...env });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config;
};
const listenError = (code: string, port: number): Error => Object.assign(new Error(`listen ${code}`), { code, port, address: '0.0.0.0' });

describe('describeStartError', () => {
  it.each([
    { name: 'the HTTP port in use', e: listenError('EADDRINUSE', 8080), text: '0.0.0.0:8080 is already in use (another Coldtrace, or another server?): set COLDTRACE_HTTP_PORT to another port' },
    { name: 'the MQTT port in use', e: listenError('EADDRINUSE', 1883), text: '0.0.0.0:1883 is already in use (another Coldtrace, or another server?): set COLDTRACE_MQTT_PORT to another port' },
    { name: 'a privileged port', e: listenError('EACCES', 80), text: 'no permission to listen on 0.0.0.0:80' },
  ])('names $name and the setting that moves it', ({ e, text }) => {
    expect(describeStartError(e, config())).toBe(text);
  });

  it('names the signing key setting when the key cannot be used', () => {
    const e = Object.assign(new Error('/k.pem: mode 644 lets others read the signing key (chmod 600 it)'), { code: 'E_SIGNING_KEY' });
    expect(describeStartError(e, config({ COLDTRACE_DATA_DIR: '/data' }))).toBe(
      '/k.pem: mode 644 lets others read the signing key (chmod 600 it): set COLDTRACE_SIGNING_KEY to an Ed25519 private key (PKCS#8 PEM, mode 0600), or leave it empty to use /data/integrity/signing-key.pem (generated when missing)');
  });

  it('leaves other errors to the stack trace', () => {
    expect(describeStartError(new Error('boom'), config())).toBeUndefined();
    expect(describeStartError(Object.assign(new Error('x'), { code: 'ENOENT' }), config())).toBeUndefined();
  });
});
