import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatScrypt, mosquittoHash, parseScrypt, sameHash, SCRYPT_PARAMS } from './password-hash.js';

describe("Mosquitto's $7$ password hash", () => {
  // Written by Debian's mosquitto_passwd 2.0.11 (`mosquitto_passwd -c -b pw site1/node-a secret`).
  const line = '$7$101$/lfdisIrT7ZYa9lD$92drdMOdaOgngUwF4ZkR8wayEDh9bygXxjLAXCQ1wb504T7rk3nCETJ/rD6KrWDVJmKBO/kvugFRaIGhzCiqZw==';
  const salt = Buffer.from('/lfdisIrT7ZYa9lD', 'base64');

  it('is what mosquitto_passwd writes for the same secret and salt', () => {
    expect(mosquittoHash('secret', salt)).toBe(line);
  });

  it('differs for another secret', () => {
    expect(mosquittoHash('secreT', salt)).not.toBe(line);
  });
});

describe('scrypt hashes', () => {
  const salt = Buffer.alloc(16, 7);
  const hash = scryptSync('s3cret', salt, 32, { N: SCRYPT_PARAMS.N, r: SCRYPT_PARAMS.r, p: SCRYPT_PARAMS.p });

  it('round-trip through their stored form', () => {
    const parsed = parseScrypt(formatScrypt({ params: SCRYPT_PARAMS, salt, hash }));
    expect(parsed?.params).toEqual(SCRYPT_PARAMS);
    expect(sameHash(parsed!.hash, hash)).toBe(true);
    expect(sameHash(scryptSync('s3creT', salt, 32, { N: 1024, r: 8, p: 1 }), hash)).toBe(false);
  });

  it.each([
    ['not a hash'],
    ['scrypt$N=1000,r=8,p=1$BwcHBwcHBwcHBwcHBwcHBw==$AAAAAAAAAAAAAAAAAAAAAA=='], // N not a power of two
    ['scrypt$N=4194304,r=8,p=1$BwcHBwcHBwcHBwcHBwcHBw==$AAAAAAAAAAAAAAAAAAAAAA=='], // a forged cost of gigabytes
    ['scrypt$N=1024,r=8,p=1$Bw==$AAAAAAAAAAAAAAAAAAAAAA=='], // salt too short
    ['scrypt$N=1024,r=0,p=1$BwcHBwcHBwcHBwcHBwcHBw==$AAAAAAAAAAAAAAAAAAAAAA=='],
  ])('%s is refused', (s) => {
    expect(parseScrypt(s)).toBeUndefined();
  });
});
