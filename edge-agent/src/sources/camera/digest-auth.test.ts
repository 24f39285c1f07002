import { describe, expect, it } from 'vitest';
import { basicAuthorization, chooseDigest, digestAuthorization, parseChallenges } from './digest-auth.js';

/** RFC 7616 §3.9.1 (password with a lower-case "of", erratum 4495), RFC 2617 §3.5 and RFC 2069 §2.4. */
const RFC_EXAMPLES = [
  {
    name: 'RFC 7616 3.9.1, MD5',
    header: 'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    creds: { username: 'Mufasa', password: 'Circle of Life' },
    req: { method: 'GET', uri: '/dir/index.html', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', nc: 1 },
    response: '8ca523f5e9506fed4657c9700eebdbec',
  },
  {
    name: 'RFC 7616 3.9.1, SHA-256',
    header: 'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    creds: { username: 'Mufasa', password: 'Circle of Life' },
    req: { method: 'GET', uri: '/dir/index.html', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', nc: 1 },
    response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
  },
  {
    name: 'RFC 2617 3.5, MD5 without an algorithm parameter',
    header: 'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    creds: { username: 'Mufasa', password: 'Circle Of Life' },
    req: { method: 'GET', uri: '/dir/index.html', cnonce: '0a4f113b', nc: 1 },
    response: '6629fae49393a05397450978507c4ef1',
  },
  {
    name: 'RFC 2069, no qop',
    header: 'Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    creds: { username: 'Mufasa', password: 'CircleOfLife' },
    req: { method: 'GET', uri: '/dir/index.html', cnonce: 'unused', nc: 1 },
    response: '1949323746fe6a43ef61f9606e7febea',
  },
];

describe('digest authorization', () => {
  it.each(RFC_EXAMPLES)('computes the response of $name', ({ header, creds, req, response }) => {
    const c = chooseDigest(parseChallenges([header]));
    expect(c).toBeDefined();
    const auth = digestAuthorization(c!, creds, req);
    expect(auth).toContain(`response="${response}"`);
    expect(auth).toContain('opaque=');
  });

  it('writes the RFC 7616 example header field by field', () => {
    const [md5] = RFC_EXAMPLES;
    const auth = digestAuthorization(chooseDigest(parseChallenges([md5!.header]))!, md5!.creds, md5!.req);
    expect(auth).toBe('Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, '
      + 'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", '
      + 'qop=auth, response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
  });

  it.each([
    { name: 'prefers SHA-256 over MD5 when both are offered (two header lines)', values: ['Digest realm="r", nonce="n", algorithm=MD5, qop="auth"', 'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"'], algorithm: 'SHA-256' },
    { name: 'finds digest after a Basic challenge on one line', values: ['Basic realm="cam", Digest realm="cam", nonce="abc", qop="auth", algorithm=MD5-sess'], algorithm: 'MD5-SESS' },
    { name: 'reads escaped quotes and commas inside quoted values', values: ['Digest realm="a \\"b\\", c", nonce="n,1", qop=auth'], algorithm: 'MD5' },
    { name: 'refuses a challenge offering auth-int only', values: ['Digest realm="r", nonce="n", qop="auth-int"'], algorithm: undefined },
    { name: 'refuses an unknown algorithm', values: ['Digest realm="r", nonce="n", algorithm=SHA-1, qop=auth'], algorithm: undefined },
    { name: 'refuses a challenge without a nonce', values: ['Digest realm="r", qop=auth'], algorithm: undefined },
    { name: 'finds nothing in Basic only', values: ['Basic realm="cam"'], algorithm: undefined },
  ])('$name', ({ values, algorithm }) => {
    expect(chooseDigest(parseChallenges(values))?.algorithm).toBe(algorithm);
  });

  it('parses quoted values with escapes', () => {
    const [c] = parseChallenges(['Digest realm="a \\"b\\", c", nonce="n,1", stale=TRUE']);
    expect(c?.params).toEqual({ realm: 'a "b", c', nonce: 'n,1', stale: 'TRUE' });
  });

  it('hashes the user name when the server asks (userhash) and counts nonces in hex', () => {
    const c = chooseDigest(parseChallenges(['Digest realm="r", nonce="n", qop=auth, algorithm=SHA-256, userhash=true']))!;
    const auth = digestAuthorization(c, { username: 'Mufasa', password: 'x' }, { method: 'GET', uri: '/', cnonce: 'c', nc: 26 });
    expect(auth).toContain('username="');
    expect(auth).not.toContain('Mufasa');
    expect(auth).toContain('nc=0000001a');
    expect(auth).toContain('userhash=true');
  });

  it('writes Basic credentials in UTF-8 base64 (RFC 7617 example)', () => {
    expect(basicAuthorization({ username: 'Aladdin', password: 'open sesame' })).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });
});
