import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ENV_KEYS, loadGatewayConfig } from './config.js';

describe('gateway configuration', () => {
  it('is documented: the README config table names every setting', () => {
    const rows = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('| `COLDTRACE_'));
    // A row names a key whole (`COLDTRACE_X_Y`) or as a suffix after its family (`COLDTRACE_X_TOKEN` / `_ORG`).
    const named = (k: string): boolean => rows.some((r) => r.includes(`\`${k}\``) || (r.includes(`\`_${k.split('_').at(-1)!}\``) && r.includes(`\`${k.slice(0, k.lastIndexOf('_'))}_`)));
    const missing = Object.keys(GATEWAY_ENV_KEYS).filter((k) => !named(k));
    expect(missing).toEqual([]);
  });

  it('reads the commit interval, by default 5 ms embedded and 20 ms behind an external broker, and refuses one out of range', () => {
    const d = loadGatewayConfig({});
    expect(d.ok && d.config.commitIntervalMs).toBe(5);
    const external = loadGatewayConfig({ COLDTRACE_MQTT_MODE: 'external', COLDTRACE_MQTT_URL: 'mqtt://broker:1883' });
    expect(external.ok && external.config.commitIntervalMs).toBe(20);
    const set = loadGatewayConfig({ COLDTRACE_MQTT_MODE: 'external', COLDTRACE_MQTT_URL: 'mqtt://broker:1883', COLDTRACE_COMMIT_INTERVAL_MS: '5' });
    expect(set.ok && set.config.commitIntervalMs).toBe(5);
    const zero = loadGatewayConfig({ COLDTRACE_COMMIT_INTERVAL_MS: '0' });
    expect(zero.ok && zero.config.commitIntervalMs).toBe(0);
    const bad = loadGatewayConfig({ COLDTRACE_COMMIT_INTERVAL_MS: '5000' });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.problems.join('\n')).toMatch(/COLDTRACE_COMMIT_INTERVAL_MS/);
  });

  it('sends no alerts to Alertmanager unless asked; reads its URLs, re-send interval and the public URL, and names every bad one', () => {
    const d = loadGatewayConfig({});
    expect(d.ok && d.config.alertmanager).toEqual({ urls: [], resendMs: 60_000 });
    const set = loadGatewayConfig({ COLDTRACE_ALERTMANAGER_URLS: 'http://am1:9093, https://u:p@am2/am', COLDTRACE_ALERTMANAGER_RESEND_MS: '30000', COLDTRACE_PUBLIC_URL: 'https://ct.example.com' });
    expect(set.ok && set.config.alertmanager).toEqual({ urls: ['http://am1:9093', 'https://u:p@am2/am'], resendMs: 30_000, publicUrl: 'https://ct.example.com' });
    const bad = loadGatewayConfig({ COLDTRACE_ALERTMANAGER_URLS: 'am1:9093,ftp://x', COLDTRACE_ALERTMANAGER_RESEND_MS: '10', COLDTRACE_PUBLIC_URL: 'coldtrace' });
    expect(bad.ok ? [] : bad.problems).toEqual([
      "COLDTRACE_ALERTMANAGER_URLS: 'am1:9093' is not an http(s) URL", "COLDTRACE_ALERTMANAGER_URLS: 'ftp://x' is not an http(s) URL",
      "COLDTRACE_ALERTMANAGER_RESEND_MS: expected a whole number 1000-3600000, got '10'", "COLDTRACE_PUBLIC_URL: 'coldtrace' is not an http(s) URL",
    ]);
    const two = loadGatewayConfig({ COLDTRACE_PUBLIC_URL: 'https://a.example.com,https://b.example.com' });
    expect(two.ok ? [] : two.problems).toEqual(['COLDTRACE_PUBLIC_URL: one URL expected, got 2']);
  });

  it('asks for API keys unless told not to; reads the bootstrap admin key and the CORS origins, and names every bad one', () => {
    const d = loadGatewayConfig({});
    expect(d.ok && d.config.httpAccess).toEqual({ auth: 'keys', corsOrigins: [] });
    const set = loadGatewayConfig({ COLDTRACE_HTTP_AUTH: 'off', COLDTRACE_ADMIN_KEY: 'k'.repeat(32), COLDTRACE_HTTP_CORS_ORIGINS: 'https://ops.example.com, http://10.0.0.5:3000/' });
    expect(set.ok && set.config.httpAccess).toEqual({ auth: 'off', adminKey: 'k'.repeat(32), corsOrigins: ['https://ops.example.com', 'http://10.0.0.5:3000'] });
    const bad = loadGatewayConfig({ COLDTRACE_HTTP_AUTH: 'none', COLDTRACE_ADMIN_KEY: 'short', COLDTRACE_HTTP_CORS_ORIGINS: '*,https://ops.example.com/app' });
    expect(bad.ok ? [] : bad.problems).toEqual([
      "COLDTRACE_HTTP_AUTH: expected one of keys, off, got 'none'", 'COLDTRACE_ADMIN_KEY: at least 32 characters (e.g. openssl rand -base64 32)',
      "COLDTRACE_HTTP_CORS_ORIGINS: '*' is not an origin (scheme://host[:port], no path, no *)",
      "COLDTRACE_HTTP_CORS_ORIGINS: 'https://ops.example.com/app' is not an origin (scheme://host[:port], no path, no *)",
    ]);
  });

  it('polls no CAP URL unless asked; reads the URLs and the interval, and names every bad one', () => {
    const d = loadGatewayConfig({});
    expect(d.ok && d.config.capAlerts).toEqual({ urls: [], pollMs: 300_000 });
    const set = loadGatewayConfig({ COLDTRACE_CAP_URLS: 'https://alerts.example.org/cap/nl.xml, http://10.0.0.5/warn.xml', COLDTRACE_CAP_POLL_S: '60' });
    expect(set.ok && set.config.capAlerts).toEqual({ urls: ['https://alerts.example.org/cap/nl.xml', 'http://10.0.0.5/warn.xml'], pollMs: 60_000 });
    const bad = loadGatewayConfig({ COLDTRACE_CAP_URLS: 'file:///etc/passwd', COLDTRACE_CAP_POLL_S: '5' });
    expect(bad.ok ? [] : bad.problems).toEqual([
      "COLDTRACE_CAP_URLS: 'file:///etc/passwd' is not an http(s) URL", "COLDTRACE_CAP_POLL_S: expected a whole number 10-86400, got '5'",
    ]);
  });

  it('reminds of calibrations 30 and 7 days ahead unless told otherwise, and names every bad day', () => {
    const d = loadGatewayConfig({});
    expect(d.ok && d.config.calibration).toEqual({ remindDays: [30, 7] });
    const set = loadGatewayConfig({ COLDTRACE_CALIBRATION_REMIND_DAYS: '7, 60,14' });
    expect(set.ok && set.config.calibration).toEqual({ remindDays: [60, 14, 7] });
    const bad = loadGatewayConfig({ COLDTRACE_CALIBRATION_REMIND_DAYS: '0,7,7,soon' });
    expect(bad.ok ? [] : bad.problems).toEqual([
      "COLDTRACE_CALIBRATION_REMIND_DAYS: '0' is not a whole number of days 1-365", 'COLDTRACE_CALIBRATION_REMIND_DAYS: 7 is listed twice',
      "COLDTRACE_CALIBRATION_REMIND_DAYS: 'soon' is not a whole number of days 1-365",
    ]);
  });
});
