/**
 * Transport security settings (docs/security.md, "Transport"): MQTT over TLS on the embedded broker, with optional
 * client certificates, HTTPS for the API and dashboard, and the plain MQTT listener that can be switched off. The
 * certificate files are read at start: a missing or unreadable one is a configuration problem, listed with the rest.
 */
import { readFileSync } from 'node:fs';

export const TLS_ENV_KEYS = {
  /** PEM certificate chain and private key of the embedded broker's TLS listener ('' = no TLS listener). */
  COLDTRACE_MQTT_TLS_CERT: '',
  COLDTRACE_MQTT_TLS_KEY: '',
  /** TCP port of the TLS listener. */
  COLDTRACE_MQTT_TLS_PORT: '8883',
  /** PEM CA bundle of the client certificates nodes may present instead of a password ('' = none asked for). */
  COLDTRACE_MQTT_TLS_CLIENT_CA: '',
  /** 'off' closes the plain MQTT listener (then a TLS listener is required). */
  COLDTRACE_MQTT_PLAIN: 'on',
  /** PEM certificate chain and private key: the API and dashboard are served over HTTPS only ('' = plain HTTP). */
  COLDTRACE_HTTP_TLS_CERT: '',
  COLDTRACE_HTTP_TLS_KEY: '',
} as const;

export type TlsEnvKey = keyof typeof TLS_ENV_KEYS;

/** The broker's TLS listener: certificate material read at start. */
export interface MqttTls {
  readonly port: number;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly clientCa?: Buffer;
}

export interface TlsConfig {
  readonly mqttTls?: MqttTls;
  /** false: no plain MQTT listener. */
  readonly mqttPlain: boolean;
  readonly httpsCert?: { readonly cert: Buffer; readonly key: Buffer };
}

function readPem(key: string, path: string, problems: string[]): Buffer | undefined {
  try {
    const pem = readFileSync(path);
    if (!pem.includes('-----BEGIN ')) problems.push(`${key}: ${path} is not a PEM file`);
    return pem;
  } catch (e) {
    problems.push(`${key}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
}

/** A certificate and its key, both or neither. */
function pair(certKey: TlsEnvKey, keyKey: TlsEnvKey, get: (k: TlsEnvKey) => string, problems: string[]): { cert: Buffer; key: Buffer } | undefined {
  const [certPath, keyPath] = [get(certKey), get(keyKey)];
  if (certPath === '' && keyPath === '') return undefined;
  if (certPath === '' || keyPath === '') {
    problems.push(`${certKey} and ${keyKey}: set both or neither`);
    return undefined;
  }
  const cert = readPem(certKey, certPath, problems);
  const key = readPem(keyKey, keyPath, problems);
  return cert !== undefined && key !== undefined ? { cert, key } : undefined;
}

export function tlsConfig(get: (k: TlsEnvKey) => string, port: (k: TlsEnvKey) => number, problems: string[]): TlsConfig {
  const mqtt = pair('COLDTRACE_MQTT_TLS_CERT', 'COLDTRACE_MQTT_TLS_KEY', get, problems);
  const caPath = get('COLDTRACE_MQTT_TLS_CLIENT_CA');
  const clientCa = caPath === '' ? undefined : readPem('COLDTRACE_MQTT_TLS_CLIENT_CA', caPath, problems);
  if (caPath !== '' && mqtt === undefined) problems.push('COLDTRACE_MQTT_TLS_CLIENT_CA: only with COLDTRACE_MQTT_TLS_CERT and COLDTRACE_MQTT_TLS_KEY');
  const plain = get('COLDTRACE_MQTT_PLAIN');
  if (plain !== 'on' && plain !== 'off') problems.push(`COLDTRACE_MQTT_PLAIN: expected one of on, off, got '${plain}'`);
  if (plain === 'off' && mqtt === undefined) problems.push('COLDTRACE_MQTT_PLAIN: off needs a TLS listener (COLDTRACE_MQTT_TLS_CERT and COLDTRACE_MQTT_TLS_KEY)');
  const tlsPort = port('COLDTRACE_MQTT_TLS_PORT');
  const https = pair('COLDTRACE_HTTP_TLS_CERT', 'COLDTRACE_HTTP_TLS_KEY', get, problems);
  return {
    mqttPlain: plain !== 'off',
    ...(mqtt !== undefined ? { mqttTls: { port: tlsPort, ...mqtt, ...(clientCa !== undefined ? { clientCa } : {}) } } : {}),
    ...(https !== undefined ? { httpsCert: https } : {}),
  };
}
