/**
 * Fuzzing the WWW-Authenticate parser (issue #21): any header text gives challenges, never an exception; a Digest
 * challenge written with any realm, nonce and opaque (quotes and backslashes escaped) reads back to the same values;
 * whatever challenge is chosen gives an Authorization header with a hex response. COLDTRACE_FUZZ multiplies the runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseDigest, digestAuthorization, parseChallenges } from './digest-auth.js';

const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env['COLDTRACE_FUZZ'] ?? 1)));
const quoted = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;

describe('WWW-Authenticate parsing under fuzzing', () => {
  it('parses any text without throwing, and any chosen challenge can be answered', () => {
    const piece = fc.constantFrom('Digest', 'Basic', 'realm=', 'nonce=', 'qop=', '"auth"', 'auth-int', 'algorithm=', 'SHA-256', 'MD5-sess', ',', ' ', '"', '\\', '=', 'x');
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.array(piece, { maxLength: 40 }).map((p) => p.join('')));
    fc.assert(fc.property(fc.array(text, { maxLength: 3 }), (values) => {
      const c = chooseDigest(parseChallenges(values));
      if (c === undefined) return;
      const auth = digestAuthorization(c, { username: 'u', password: 'p' }, { method: 'GET', uri: '/snapshot.jpg', cnonce: 'abc', nc: 1 });
      expect(auth).toMatch(/^Digest .*response="[0-9a-f]{32,64}"/);
    }), { numRuns: runs(2000) });
  });

  it('reads back a written Digest challenge', () => {
    const value = fc.string({ maxLength: 40 });
    fc.assert(fc.property(value, value, value, fc.constantFrom('MD5', 'SHA-256', 'SHA-512-256', 'MD5-sess'), (realm, nonce, opaque, algorithm) => {
      const header = `Basic realm="x", Digest realm=${quoted(realm)}, nonce=${quoted(nonce)}, opaque=${quoted(opaque)}, qop="auth,auth-int", algorithm=${algorithm}`;
      const c = chooseDigest(parseChallenges([header]));
      expect(c).toMatchObject({ realm, nonce, opaque, algorithm: algorithm.toUpperCase(), qop: ['auth', 'auth-int'] });
    }), { numRuns: runs(1000) });
  });
});
