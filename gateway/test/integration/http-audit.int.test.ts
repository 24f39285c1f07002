/**
 * The HTTP audit log and the secure headers (issue #17, docs/security.md "HTTP access"): a registry edit and a flag
 * acknowledgement are in GET /api/v1/audit with who, what, when and the entity before and after; refused calls are
 * there too; headers protect the dashboard; CORS is closed unless origins are listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { connect, request, startTestGateway, type Body, type TestGateway } from '../support/gateway.js';
import { custodyDocument, HOUR } from '../support/registry-fixture.js';

const ADMIN_KEY = 'bootstrap-admin-key-for-the-audit-test-0123456789abcdef';
const MIN = 60_000;
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR;
const FLAG = 'excursion/temperature/upper/8/consecutive/30@batch:B-1';

describe('HTTP audit log', () => {
  let gw: TestGateway;
  let client: MqttClient;
  let operatorKey: string;
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  const audit = async (query: string): Promise<Body[]> => {
    const res = await request('GET', `${gw.httpUrl}/api/v1/audit?${query}`, undefined, admin);
    expect(res.status).toBe(200);
    return res.json.entries as Body[];
  };

  beforeAll(async () => {
    gw = await startTestGateway({ COLDTRACE_HTTP_AUTH: 'keys', COLDTRACE_ADMIN_KEY: ADMIN_KEY, COLDTRACE_HTTP_CORS_ORIGINS: 'https://ops.example.com' });
    expect((await request('PUT', `${gw.httpUrl}/api/v1/registry`, custodyDocument(t0), admin)).status).toBe(200);
    operatorKey = (await request('POST', `${gw.httpUrl}/api/v1/keys`, { name: 'qa.ben', role: 'operator' }, admin)).json.key as string;
    client = await connect(gw.mqttUrl, 'node-e');
    const readings = [];
    for (let t = t0 + HOUR; t < t0 + 3 * HOUR; t += MIN) readings.push({ metric: 'temperature', value: t >= t0 + 1.5 * HOUR && t < t0 + 2.25 * HOUR ? 9 : 5, unit: 'Cel', time: t });
    await client.publishAsync(dataTopic('wh1', 'node-e', 'S-B'), JSON.stringify({ v: 1, seq: 1, time: t0 + HOUR, readings }), { qos: 1 });
    await gw.rules.idle();
  });
  afterAll(async () => {
    await client.endAsync();
    await gw.destroy();
  });

  it('records a registry edit with who, when and the entity before and after', async () => {
    const put = await request('PUT', `${gw.httpUrl}/api/v1/registry/products/P-VAX`, { name: 'Vaccine 10-dose vial (EU)', preset: 'pharma-2-8' }, admin);
    expect(put.status).toBe(200);
    const [entry] = await audit('route=/api/v1/registry/:kind/:id');
    expect(entry).toMatchObject({
      keyId: 'bootstrap', role: 'admin', method: 'PUT', route: '/api/v1/registry/:kind/:id', params: { kind: 'products', id: 'P-VAX' },
      status: 200, outcome: 'ok', before: { id: 'P-VAX', name: 'Vaccine 10-dose vial' }, after: { id: 'P-VAX', name: 'Vaccine 10-dose vial (EU)' },
    });
    expect(entry.at).toBeGreaterThan(Date.now() - 60_000);
    // The history names the key, not a header anyone could set.
    const history = await request('GET', `${gw.httpUrl}/api/v1/registry/products/P-VAX/history`, undefined, admin);
    expect(JSON.stringify(history.json.entries.at(-1))).toContain('bootstrap admin');
  });

  it('records a flag acknowledgement by the operator key, with the flag before and after', async () => {
    const ack = await request('POST', `${gw.httpUrl}/api/v1/flags/${encodeURIComponent(FLAG)}/acknowledge`, { comment: 'on it' },
      { authorization: `Bearer ${operatorKey}`, 'x-coldtrace-actor': 'someone-else' });
    expect(ack.status).toBe(200);
    const [entry] = await audit('route=/api/v1/flags');
    expect(entry).toMatchObject({ keyName: 'qa.ben', role: 'operator', method: 'POST', params: { id: FLAG, action: 'acknowledge' }, outcome: 'ok',
      before: { id: FLAG, state: 'open' }, after: { id: FLAG, state: 'acknowledged' } });
    expect(JSON.stringify(entry.after.events)).toContain('qa.ben');
    expect(JSON.stringify(entry.after.events)).not.toContain('someone-else');
  });

  it('records refused calls, and pages and filters', async () => {
    expect((await request('DELETE', `${gw.httpUrl}/api/v1/registry/placements/P-SA`, undefined, { authorization: `Bearer ${operatorKey}` })).status).toBe(403);
    expect((await request('GET', `${gw.httpUrl}/api/v1/flags`)).status).toBe(401);
    const [forbidden] = await audit('outcome=forbidden');
    expect(forbidden).toMatchObject({ keyName: 'qa.ben', method: 'DELETE', route: '/api/v1/registry/placements/:id', status: 403, reason: 'role' });
    expect(forbidden.before).toBeUndefined();
    const [unauthenticated] = await audit('outcome=unauthenticated');
    expect(unauthenticated).toMatchObject({ method: 'GET', route: '/api/v1/flags', status: 401, reason: 'missing' });
    expect(unauthenticated.keyId).toBeUndefined();
    const all = await audit('limit=1000');
    const page1 = await request('GET', `${gw.httpUrl}/api/v1/audit?limit=2`, undefined, admin);
    const page2 = await audit(`limit=2&before=${page1.json.next as number}`);
    expect([...page1.json.entries, ...page2].map((e: Body) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
    expect((await audit(`key=bootstrap&limit=1000`)).every((e) => e.keyId === 'bootstrap')).toBe(true);
  });

  it('sends secure headers, and CORS only to a listed origin', async () => {
    const res = await fetch(`${gw.httpUrl}/index.html`);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const listed = await fetch(`${gw.httpUrl}/api/v1/flags`, { method: 'OPTIONS', headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
    const other = await fetch(`${gw.httpUrl}/api/v1/flags`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${ADMIN_KEY}` } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS by default', () => {
  it('sends no CORS header to any origin', async () => {
    const gw = await startTestGateway({ COLDTRACE_HTTP_AUTH: 'keys', COLDTRACE_ADMIN_KEY: ADMIN_KEY });
    try {
      const res = await fetch(`${gw.httpUrl}/health`, { headers: { origin: 'https://ops.example.com' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${gw.httpUrl}/api/v1/flags`, { method: 'OPTIONS', headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'GET' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await gw.destroy();
    }
  });
});

describe('COLDTRACE_HTTP_AUTH=off', () => {
  it('lets anyone in, records no key, and warns at start', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
    const gw = await startTestGateway({ COLDTRACE_HTTP_AUTH: 'off' }, { log: pino({ level: 'warn' }, sink) });
    try {
      expect(lines.some((l) => l.includes('COLDTRACE_HTTP_AUTH=off'))).toBe(true);
      expect((await request('PUT', `${gw.httpUrl}/api/v1/registry/sites/S1`, { name: 'Site 1', geofence: { kind: 'circle', center: { lat: 52, lon: 4 }, radiusM: 100 } }, { 'x-coldtrace-actor': 'ops.ann' })).status).toBe(200);
      const entries = (await request('GET', `${gw.httpUrl}/api/v1/audit`)).json.entries as Body[];
      expect(entries[0]).toMatchObject({ method: 'PUT', params: { kind: 'sites', id: 'S1' }, outcome: 'ok', after: { id: 'S1' } });
      expect(entries[0].keyId).toBeUndefined();
      // Without keys, the header names who acted.
      expect(JSON.stringify((await request('GET', `${gw.httpUrl}/api/v1/registry/sites/S1/history`)).json)).toContain('ops.ann');
    } finally {
      await gw.destroy();
    }
  });
});
