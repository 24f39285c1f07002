import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { ACCESS_LEVELS, ROLES, type Access, type Role, defaultAccessInContext, mayAccess, requireDeclaredAccess } from './access.js';

describe('access levels', () => {
  const allowed: Record<Role, readonly Access[]> = {
    viewer: ['public', 'read'],
    operator: ['public', 'read', 'operate'],
    integration: ['public', 'read', 'integrate'],
    admin: ['public', 'read', 'operate', 'integrate', 'admin'],
  };
  for (const role of ROLES) {
    for (const access of ACCESS_LEVELS) {
      const may = allowed[role].includes(access);
      it(`${may ? 'lets' : 'refuses'} a ${role} ${access} routes`, () => {
        expect(mayAccess(role, access)).toBe(may);
      });
    }
  }
});

describe('requireDeclaredAccess', () => {
  it('fails the app when a route declares no access', async () => {
    const app = Fastify();
    const check = requireDeclaredAccess(app);
    await app.register((scope) => {
      scope.get('/open', () => 'x');
      return Promise.resolve();
    });
    expect(() => { check.assertAllDeclared(); }).toThrow(expect.objectContaining({ code: 'E_UNDECLARED_ACCESS' }) as Error);
    await expect(app.ready()).rejects.toMatchObject({ code: 'E_UNDECLARED_ACCESS' });
  });

  it('fails the app when a route declares an unknown access', async () => {
    const app = Fastify();
    const check = requireDeclaredAccess(app);
    app.get('/x', { config: { access: 'everyone' as Access } }, () => 'x');
    expect(check.undeclared).toEqual(['GET /x', 'HEAD /x']);
    await expect(app.ready()).rejects.toThrow(/GET \/x declares no access/);
  });

  it('takes a declared access and a context default for routes we do not write', async () => {
    const app = Fastify();
    const seen: Array<[string, unknown]> = [];
    requireDeclaredAccess(app);
    app.addHook('onRoute', (r) => { seen.push([`${String(r.method)} ${r.url}`, r.config?.access]); });
    app.get('/declared', { config: { access: 'admin' } }, () => 'x');
    await app.register((scope) => {
      defaultAccessInContext(scope, 'public');
      scope.get('/plugin-route', () => 'x');
      return Promise.resolve();
    });
    await app.ready();
    expect(seen).toContainEqual(['GET /declared', 'admin']);
    expect(seen).toContainEqual(['GET /plugin-route', 'public']);
    await app.close();
  });
});
