/**
 * Test support: a certificate authority made for the test with the real `openssl` (Debian package `openssl`), and
 * certificates it issues: a server's for 127.0.0.1 and localhost, clients' with a subject CN.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Issued {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TestCa extends Issued {
  /** A certificate this CA signs: for a server (`server: true`, SANs 127.0.0.1 and localhost) or a client. */
  issue(name: string, cn: string, o?: { server?: boolean }): Issued;
}

const openssl = (args: readonly string[]): void => {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new Error(`openssl ${args[0]} failed (is the Debian package 'openssl' installed?): ${(e as { stderr?: Buffer }).stderr?.toString() ?? (e as Error).message}`);
  }
};

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
/** A subject with `/` in a value escaped, as openssl's -subj wants. */
const subject = (cn: string): string => `/CN=${cn.replaceAll('/', '\\/')}`;

export function makeCa(dir: string, name = 'ca'): TestCa {
  const ca = { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
  openssl(['req', '-x509', ...EC, '-keyout', ca.keyFile, '-out', ca.certFile, '-days', '2', '-subj', `/CN=Coldtrace test ${name}`]);
  const read = (f: { certFile: string; keyFile: string }): Issued => ({ ...f, cert: readFileSync(f.certFile), key: readFileSync(f.keyFile) });
  return {
    ...read(ca),
    issue(file, cn, o = {}) {
      const f = { certFile: join(dir, `${file}.pem`), keyFile: join(dir, `${file}.key`) };
      const csr = join(dir, `${file}.csr`);
      const ext = join(dir, `${file}.ext`);
      writeFileSync(ext, ['basicConstraints=CA:FALSE', ...(o.server === true ? ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth'] : ['extendedKeyUsage=clientAuth'])].join('\n'));
      openssl(['req', ...EC, '-keyout', f.keyFile, '-out', csr, '-subj', subject(cn)]);
      openssl(['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-out', f.certFile, '-days', '2', '-extfile', ext]);
      return read(f);
    },
  };
}
