/**
 * What a node reads from files at every connection (config MqttConfig passwordFile, caFile, certFile, keyFile;
 * docs/security.md in the repository root): a credential or certificate issued or renewed while the agent runs takes
 * effect at its next reconnect. An unreadable file is logged and left out: the broker then says why it refuses.
 */
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { Logger } from 'pino';

export interface ConnectFiles {
  readonly passwordFile?: string;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** The password (the file's first line) and the TLS material, as MQTT.js options. */
export function connectOptionsFromFiles(files: ConnectFiles, log: Logger): Pick<IClientOptions, 'password' | 'ca' | 'cert' | 'key' | 'rejectUnauthorized'> {
  return { ...password(files.passwordFile, log), ...tls(files, log) };
}

function password(file: string | undefined, log: Logger): { password?: string } {
  if (file === undefined) return {};
  try {
    const secret = readFileSync(file, 'utf8').split('\n')[0]!.trim();
    if (secret !== '') return { password: secret };
    log.warn({ file }, 'mqtt password file is empty: connecting without a password');
  } catch (err) {
    log.warn({ file, err: (err as Error).message }, 'mqtt password file unreadable: connecting without a password');
  }
  return {};
}

function tls(files: ConnectFiles, log: Logger): Pick<IClientOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'> {
  if (files.caFile === undefined && files.certFile === undefined) return {};
  const read = (f: string | undefined): Buffer | undefined => {
    if (f === undefined) return undefined;
    try {
      return readFileSync(f);
    } catch (err) {
      log.warn({ file: f, err: (err as Error).message }, 'mqtt TLS file unreadable');
      return undefined;
    }
  };
  const [ca, cert, key] = [read(files.caFile), read(files.certFile), read(files.keyFile)];
  return { rejectUnauthorized: true, ...(ca !== undefined ? { ca } : {}), ...(cert !== undefined && key !== undefined ? { cert, key } : {}) };
}
