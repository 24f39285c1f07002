/**
 * HTTP access, route by route (issue #17, docs/security.md "HTTP access"): every route of the running gateway is in
 * the table below with the access it needs, and every caller (no key, a revoked key, a malformed one, each role)
 * is let in or refused exactly as that access says. A route added without a row fails the first test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, mayAccess, type Access, type Role } from '../../src/http/access.js';
import { request, startTestGateway, type TestGateway } from '../support/gateway.js';

const ADMIN_KEY = 'bootstrap-admin-key-for-the-route-table-test-0123456789';

/** Every route but the HEAD routes Fastify adds for GETs (they take the GET's row). */
const TABLE: Record<string, Access> = {
  'GET /api/v1/readings': 'read', 'GET /api/v1/rollups': 'read', 'GET /api/v1/devices': 'read', 'GET /api/v1/status-events': 'read',
  'GET /api/v1/quarantine': 'read', 'GET /api/v1/quarantine/:id': 'read', 'POST /api/v1/quarantine/:id/replay': 'operate',
  'GET /api/v1/scans': 'read',
  'PUT /api/v1/photos/:sha256': 'public', 'GET /api/v1/photos/:sha256': 'read', 'GET /api/v1/photos/:sha256/thumbnail': 'read', 'GET /api/v1/photos/:sha256/info': 'read',
  'GET /api/v1/photos': 'read', 'GET /api/v1/photos/quarantine': 'read', 'GET /api/v1/photos/quarantine/:id/bytes': 'read',
  'GET /api/v1/series': 'read',
  'GET /api/v1/registry': 'read', 'PUT /api/v1/registry': 'admin', 'GET /api/v1/registry/csv/:kind': 'read', 'PUT /api/v1/registry/csv/:kind': 'admin',
  'GET /api/v1/registry/:kind': 'read', 'GET /api/v1/registry/:kind/:id': 'read', 'PUT /api/v1/registry/:kind/:id': 'admin',
  'GET /api/v1/registry/:kind/:id/history': 'read', 'DELETE /api/v1/registry/placements/:id': 'admin',
  'POST /api/v1/registry/orders/:id/statuses': 'integrate', 'GET /api/v1/product-presets': 'read',
  'GET /api/v1/custody/resolve': 'read', 'GET /api/v1/custody/unassigned': 'read', 'GET /api/v1/custody/unlinked': 'read',
  'GET /api/v1/evidence/:kind/:id': 'read', 'GET /api/v1/orders/:id/timeline': 'read', 'GET /api/v1/shipments/:id/track': 'read',
  'GET /api/v1/flags': 'read', 'GET /api/v1/flags/:id': 'read', 'POST /api/v1/flags/:id/:action': 'operate', 'POST /api/v1/rules/evaluate': 'operate',
  'GET /api/v1/sites/:id/fefo': 'read',
  'GET /api/v1/shipments': 'read', 'GET /api/v1/shipments/:id': 'read', 'GET /api/v1/shipments/:id/positions': 'read',
  'GET /api/v1/shipments/:id/delivery-window': 'read', 'GET /api/v1/shipments/:id/milestones': 'read', 'GET /api/v1/orders/:id/summary': 'read',
  'GET /api/v1/events/dead-letters': 'read', 'POST /api/v1/events/dead-letters/:id/retry': 'operate', 'GET /api/v1/events/stats': 'read',
  'POST /api/v1/carrier-events': 'integrate', 'GET /api/v1/carrier-events': 'read', 'GET /api/v1/carrier-events/unmatched': 'read',
  'GET /api/v1/carrier-events/unknown-codes': 'read',
  'POST /api/v1/alerts': 'integrate', 'GET /api/v1/alerts': 'read', 'GET /api/v1/alerts/refused': 'read',
  ...Object.fromEntries(['orders', 'shipments'].flatMap((kind) => ['csv', 'json', 'pdf'].flatMap((format) => ['', '.sha256', '.sig']
    .map((suffix) => [`GET /api/v1/${kind}/:id/evidence.${format}${suffix}`, 'read' as const])))),
  'GET /api/v1/reports/lanes': 'read', 'GET /api/v1/reports/consistency': 'read',
  'GET /api/v1/live/shipments': 'read', 'GET /api/v1/live/devices': 'read', 'GET /api/v1/live/orders/:id': 'read',
  'PUT /api/v1/devices/:id/calibrations/:certificate': 'admin', 'GET /api/v1/devices/:id/calibrations': 'read', 'GET /api/v1/calibration/devices': 'read',
  'GET /api/v1/devices/:id/corrected-readings': 'read',
  'GET /api/v1/integrity/verify': 'read', 'GET /api/v1/integrity/checkpoints': 'read', 'POST /api/v1/integrity/checkpoints': 'operate',
  'GET /api/v1/integrity/public-key': 'public', 'GET /api/v1/integrity/public-key.pem': 'public',
  'POST /api/v1/credentials/nodes': 'admin', 'POST /api/v1/credentials/nodes/:site/:node': 'admin', 'DELETE /api/v1/credentials/nodes/:site/:node': 'admin',
  'POST /api/v1/credentials/readers/:name': 'admin', 'DELETE /api/v1/credentials/readers/:name': 'admin', 'GET /api/v1/credentials': 'admin',
  'GET /api/v1/keys': 'admin', 'POST /api/v1/keys': 'admin', 'DELETE /api/v1/keys/:id': 'admin',
  'POST /api/v1/session': 'public', 'GET /api/v1/session': 'read', 'DELETE /api/v1/session': 'public',
  'GET /api/v1/audit': 'admin',
  'GET /health': 'public', 'GET /health/ready': 'public', 'GET /health/live': 'public', 'GET /metrics': 'read', 'GET /openapi.json': 'public',
  'GET /*': 'public',
};

type Caller = Role | 'no key' | 'revoked key' | 'malformed key' | 'unknown key';

/** A concrete URL for a route pattern: every parameter `x`, the static wildcard the dashboard's page. */
const urlOf = (pattern: string): string => pattern.replace(/:[A-Za-z]+/g, 'x').replace('*', 'index.html');

describe('HTTP access per route and role', () => {
  let gw: TestGateway;
  const keys = new Map<Caller, string | undefined>([['no key', undefined], ['malformed key', 'not-a-key'], ['unknown key', `ctk_0123456789abcdef_${'A'.repeat(43)}`]]);

  beforeAll(async () => {
    gw = await startTestGateway({ COLDTRACE_HTTP_AUTH: 'keys', COLDTRACE_ADMIN_KEY: ADMIN_KEY });
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    for (const role of ROLES) {
      const made = await request('POST', `${gw.httpUrl}/api/v1/keys`, { name: `${role} of the table`, role }, admin);
      expect(made.status).toBe(201);
      keys.set(role, made.json.key as string);
    }
    const revoked = await request('POST', `${gw.httpUrl}/api/v1/keys`, { name: 'revoked admin', role: 'admin' }, admin);
    expect((await request('DELETE', `${gw.httpUrl}/api/v1/keys/${revoked.json.info.id as string}`, undefined, admin)).status).toBe(200);
    keys.set('revoked key', revoked.json.key as string);
  });
  afterAll(async () => {
    await gw.destroy();
  });

  it('has a row for every route, with the access the route declares', () => {
    const declared = Object.fromEntries(gw.httpRoutes.filter((r) => r.method !== 'HEAD').map((r) => [`${r.method} ${r.url}`, r.access]));
    expect(declared).toEqual(TABLE);
    // Each GET's HEAD route needs what the GET needs.
    for (const r of gw.httpRoutes.filter((x) => x.method === 'HEAD')) expect([r.url, r.access]).toEqual([r.url, TABLE[`GET ${r.url}`]]);
  });

  it('lets each caller call exactly the routes its role may, and tells the others 401 or 403', async () => {
    const wrong: string[] = [];
    for (const route of gw.httpRoutes) {
      const [access, pattern] = [route.access, route.url];
      // Every caller of a route at once: about 1,200 calls in all, so the whole table stays well inside the deadline.
      await Promise.all([...keys].map(async ([caller, key]) => {
        // A route that does not answer is named (a generous bound: it decides no verdict about speed).
        const signal = AbortSignal.timeout(60_000);
        const res = await fetch(`${gw.httpUrl}${urlOf(pattern)}`, {
          method: route.method, headers: key !== undefined ? { authorization: `Bearer ${key}` } : {}, redirect: 'manual', signal,
        }).catch((e: unknown) => e as Error);
        if (res instanceof Error) {
          wrong.push(`${route.method} ${pattern} as ${caller}: no answer (${res.message})`);
          return;
        }
        // A live stream (Server-Sent Events) never ends: its headers are the answer.
        if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) await res.body?.cancel();
        else await res.arrayBuffer().catch(() => wrong.push(`${route.method} ${pattern} as ${caller}: body never ended`));
        const valid = (ROLES as readonly string[]).includes(caller);
        const expected = access === 'public' || (valid && mayAccess(caller as Role, access)) ? 'allowed' : valid ? 403 : 401;
        const got = res.status === 401 || res.status === 403 ? res.status : 'allowed';
        if (got !== expected) wrong.push(`${route.method} ${pattern} as ${caller}: expected ${expected}, got ${res.status}`);
      }));
    }
    expect(wrong.sort()).toEqual([]);
  }, 300_000);

  it('answers a refusal in the { code, message } shape, with the Bearer challenge on 401', async () => {
    const none = await fetch(`${gw.httpUrl}/api/v1/flags`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="coldtrace"');
    expect(await none.json()).toMatchObject({ code: 'E_UNAUTHENTICATED', message: expect.any(String) as string });
    const revoked = await request('GET', `${gw.httpUrl}/api/v1/flags`, undefined, { authorization: `Bearer ${keys.get('revoked key')!}` });
    expect(revoked).toMatchObject({ status: 401, json: { code: 'E_UNAUTHENTICATED', message: 'this API key was revoked' } });
    const viewer = await request('PUT', `${gw.httpUrl}/api/v1/registry/sites/S1`, { name: 'x' }, { authorization: `Bearer ${keys.get('viewer')!}` });
    expect(viewer).toMatchObject({ status: 403, json: { code: 'E_FORBIDDEN' } });
    const basic = await request('GET', `${gw.httpUrl}/api/v1/flags`, undefined, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
    expect(basic.status).toBe(401);
  });

  it('signs in to a session cookie, HttpOnly and SameSite=Strict, that needs the CSRF header to change anything', async () => {
    const bad = await fetch(`${gw.httpUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: keys.get('revoked key') }) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    const signedIn = await fetch(`${gw.httpUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: keys.get('operator') }) });
    expect(await signedIn.json()).toMatchObject({ name: 'operator of the table', role: 'operator', auth: 'keys' });
    const setCookie = signedIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^coldtrace_session=ctk_[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = { cookie: setCookie.split(';')[0]! };
    expect((await request('GET', `${gw.httpUrl}/api/v1/session`, undefined, cookie)).json).toMatchObject({ role: 'operator' });
    const flag = `${gw.httpUrl}/api/v1/flags/${encodeURIComponent('no-such@batch:B')}/acknowledge`;
    expect(await request('POST', flag, {}, cookie)).toMatchObject({ status: 403, json: { code: 'E_FORBIDDEN' } });
    expect((await request('POST', flag, {}, { ...cookie, 'x-coldtrace-csrf': '1' })).status).toBe(404);
    // A Bearer key needs no CSRF header: no browser sends one by itself.
    expect((await request('POST', flag, {}, { authorization: `Bearer ${keys.get('operator')!}` })).status).toBe(404);
    const signedOut = await fetch(`${gw.httpUrl}/api/v1/session`, { method: 'DELETE' });
    expect(signedOut.headers.get('set-cookie')).toMatch(/^coldtrace_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
  });

  it('documents the bearer scheme in OpenAPI: every route but the public ones needs it', async () => {
    const doc = await (await fetch(`${gw.httpUrl}/openapi.json`)).json() as { components: { securitySchemes: Record<string, unknown> }; paths: Record<string, Record<string, { security?: unknown }>> };
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/flags']?.['get']?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/registry/{kind}/{id}']?.['put']?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/health']?.['get']?.security).toEqual([]);
    expect(doc.paths['/api/v1/session']?.['post']?.security).toEqual([]);
  });

  it('counts refusals in /metrics by status and reason', async () => {
    const text = await (await fetch(`${gw.httpUrl}/metrics`, { headers: { authorization: `Bearer ${keys.get('viewer')!}` } })).text();
    expect(text).toMatch(/coldtrace_http_refused_total\{status="401",reason="missing"\} [1-9]/);
    expect(text).toMatch(/coldtrace_http_refused_total\{status="401",reason="revoked"\} [1-9]/);
    expect(text).toMatch(/coldtrace_http_refused_total\{status="403",reason="role"\} [1-9]/);
  });
});
