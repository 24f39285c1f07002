/**
 * Gateway configuration: read from the environment once at start, validated, every problem listed (docs/engineering.md 3).
 * Unknown COLDTRACE_* keys are errors: a typo must not silently fall back to a default.
 */
import type { NotifyPolicy } from './domain/notify/policy.js';
import { TLS_ENV_KEYS, tlsConfig, type TlsConfig } from './config-tls.js';
import { LIMIT_ENV_KEYS, limitsConfig } from './config-limits.js';
import { PHOTO_STORE_ENV_KEYS, photoStoreConfig, type PhotoStoreConfig } from './config-photo-store.js';
import { PHOTO_LIMIT_ENV_KEYS, photoLimitsConfig } from './config-photo-limits.js';
import type { PhotoLimits } from './domain/photos/upload.js';
import type { ClaimProfiles } from './domain/rules/claim-params.js';
import type { AbuseLimitOptions } from './adapters/mqtt/abuse-limits.js';
import { claimsConfig, eventsConfig, httpAccessConfig, httpUrls, mosquittoFiles, notifyConfig, optional, publicUrl, remindDays } from './config-sections.js';

export type MqttConfig =
  | {
      readonly mode: 'embedded'; readonly host: string; readonly port: number;
      /** 'credentials': only nodes and readers with a gateway-issued credential connect, confined by topic ACLs (docs/security.md). */
      readonly auth: 'credentials' | 'open';
    }
  | {
    readonly mode: 'external'; readonly url: string; readonly shareGroup: string; readonly connections: number; readonly receiveMaximum: number; readonly clientId: string; readonly username?: string; readonly password?: string;
    /** At start, how long a broker that is down or refuses the gateway's credentials is tried again before giving up, ms (0: at once). */
    readonly connectWaitMs: number;
  };

export type StoreConfig =
  | { readonly kind: 'sqlite' }
  | { readonly kind: 'influx-v2'; readonly url: string; readonly token: string; readonly org: string; readonly bucket: string }
  | { readonly kind: 'influx-v1'; readonly url: string; readonly db: string; readonly rp?: string; readonly username?: string; readonly password?: string }
  | { readonly kind: 'victoria-metrics'; readonly url: string };

export interface GatewayConfig {
  /** `requestTimeoutMs`: a request, headers included, must arrive within this or its connection is closed. */
  readonly http: { readonly host: string; readonly port: number; readonly requestTimeoutMs: number };
  /**
   * HTTP access (docs/security.md "HTTP access"): `auth` 'keys' (API keys with roles) or 'off' (anyone may do
   * anything); `adminKey` a bootstrap admin key held in memory; `corsOrigins` the origins CORS lets in (none: closed).
   */
  readonly httpAccess: { readonly auth: 'keys' | 'off'; readonly adminKey?: string; readonly corsOrigins: readonly string[] };
  readonly mqtt: MqttConfig;
  /** MQTT over TLS (embedded broker), client certificates, the plain listener, HTTPS (config-tls.ts, docs/security.md "Transport"). */
  readonly tls: TlsConfig;
  /** The embedded broker's abuse limits (config-limits.ts). */
  readonly mqttLimits: AbuseLimitOptions;
  /** An external Mosquitto's password and ACL files, kept in step with the MQTT credentials (docs/security.md); absent: none written. */
  readonly mosquittoFiles?: { readonly passwordFile: string; readonly aclFile: string; readonly pidFile?: string };
  /** Directory for the embedded store, quarantine, status log and spool. */
  readonly dataDir: string;
  readonly store: StoreConfig;
  /** 'full' survives power loss after ack; 'normal' survives process crashes only. */
  readonly durability: 'full' | 'normal';
  /** A small group commit waits until this long after the previous one started, ms (WriteBatcherOptions). */
  readonly commitIntervalMs: number;
  /** Remote stores: most readings per request, and requests in flight at once (SpoolOptions batchSize, concurrency). */
  readonly forward: { readonly batchReadings: number; readonly concurrency: number };
  /** Raw readings older than this (device time) are folded into hourly rollups and deleted; 0 keeps them forever. Embedded store only. */
  readonly retentionRawDays: number;
  /** Hourly rollups older than this are deleted; 0 keeps them forever. */
  readonly retentionRollupDays: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Custody resolution of every committed reading (the hook after the commit); off only for measurement. */
  readonly custody: boolean;
  /** The rules judge the batches committed readings touch (needs custody); off only for measurement. */
  readonly rules: boolean;
  /** Flag events to the order hub (docs/events.md). */
  readonly events: { readonly webhooks: readonly { readonly name: string; readonly url: string; readonly secret: string }[]; readonly linkTemplate?: string };
  /** Flags as Alertmanager alerts (docs/notifications.md): base URLs (none: off), re-send interval, ms; `publicUrl` the gateway's for links. */
  readonly alertmanager: { readonly urls: readonly string[]; readonly resendMs: number; readonly publicUrl?: string };
  /** People on duty (docs/notifications.md): the policy file read and checked (absent: off), the link-signing key (absent: generated, kept in notify.db). */
  readonly notify?: { readonly policy: NotifyPolicy; readonly secret?: string };
  /** The corroboration rules' parameters per carrier and lane (docs/claims.md "Per carrier and lane"); absent: the defaults. */
  readonly claims?: ClaimProfiles;
  /**
   * Tamper evidence (docs/security.md "Tamper evidence"): readings, flags and custody chained (`chain`, off only for
   * measurement), a signed checkpoint every `checkpointIntervalMs` (0: none on a timer), the Ed25519 key's PEM file
   * (`signingKey`; undefined: `<dataDir>/integrity/signing-key.pem`, generated on first start).
   */
  readonly integrity: { readonly chain: boolean; readonly checkpointIntervalMs: number; readonly signingKey?: string };
  /** CAP weather and disruption alerts (docs/claims.md): URLs each polled every `pollMs` (none: POST only). */
  readonly capAlerts: { readonly urls: readonly string[]; readonly pollMs: number };
  /** Where photo blobs are kept: the disk under the data dir, or an S3-compatible store (config-photo-store.ts, docs/photos.md "Storage"). */
  readonly photoStore: PhotoStoreConfig;
  /** Calibration (docs/calibration.md): reminders before a certificate's due date, days, largest first. */
  readonly calibration: { readonly remindDays: readonly number[] };
  /** Photo uploads' size, pixel and EXIF time limits (config-photo-limits.ts, docs/photos.md). */
  readonly photoLimits: PhotoLimits;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Default commit interval by MQTT mode, ms (WriteBatcherOptions.minCommitIntervalMs). Embedded, devices wait for the
 * gateway's PUBACK, which follows the commit: 5 ms. External, the broker has acknowledged the devices already and
 * only the broker waits: 20 ms, a quarter of the small commits (at 1,000 messages/s the commits were most of the
 * gateway's CPU: docs/performance.md).
 */
export const DEFAULT_COMMIT_INTERVAL_MS = { embedded: 5, external: 20 } as const;

/** Every key the gateway reads, with its default ('' = required when relevant). Documented in README. */
export const GATEWAY_ENV_KEYS = {
  COLDTRACE_HTTP_HOST: '0.0.0.0',
  COLDTRACE_HTTP_PORT: '8080',
  COLDTRACE_HTTP_REQUEST_TIMEOUT_MS: '30000',
  /** 'keys': every API call but health, OpenAPI and the dashboard's files needs an API key; 'off': none does (warned at start). */
  COLDTRACE_HTTP_AUTH: 'keys',
  /** A bootstrap admin key, at least 32 characters, held in memory only ('' = none: make one with coldtrace-keys). */
  COLDTRACE_ADMIN_KEY: '',
  /** Comma-separated origins (https://ops.example.com) browsers may call the API from ('' = CORS closed). */
  COLDTRACE_HTTP_CORS_ORIGINS: '',
  COLDTRACE_MQTT_MODE: 'embedded',
  COLDTRACE_MQTT_HOST: '0.0.0.0',
  COLDTRACE_MQTT_PORT: '1883',
  /** Embedded broker: 'credentials' (gateway-issued, topic ACLs) or 'open' (anyone may connect and publish anywhere). */
  COLDTRACE_MQTT_AUTH: 'credentials',
  ...TLS_ENV_KEYS,
  ...LIMIT_ENV_KEYS,
  ...PHOTO_STORE_ENV_KEYS,
  ...PHOTO_LIMIT_ENV_KEYS,
  /** Mosquitto's password_file and acl_file the gateway writes from its MQTT credentials (both or neither; '' = none). */
  COLDTRACE_MOSQUITTO_PASSWORD_FILE: '',
  COLDTRACE_MOSQUITTO_ACL_FILE: '',
  /** Mosquitto's pid_file on this host: it gets SIGHUP after each write, to reload the files ('' = not told). */
  COLDTRACE_MOSQUITTO_PID_FILE: '',
  COLDTRACE_MQTT_URL: '',
  COLDTRACE_MQTT_SHARE_GROUP: 'coldtrace-gateway',
  COLDTRACE_MQTT_USERNAME: '',
  COLDTRACE_MQTT_PASSWORD: '',
  COLDTRACE_MQTT_CLIENT_ID: '',
  COLDTRACE_MQTT_CONNECTIONS: '4',
  COLDTRACE_MQTT_RECEIVE_MAXIMUM: '1000',
  COLDTRACE_MQTT_CONNECT_WAIT_S: '0',
  COLDTRACE_DATA_DIR: '.data/gateway',
  COLDTRACE_STORE: 'sqlite',
  COLDTRACE_DURABILITY: 'full',
  /** '' = by mode: 5 embedded (devices wait for the gateway's PUBACK), 20 external (the broker acknowledges them). */
  COLDTRACE_COMMIT_INTERVAL_MS: '',
  COLDTRACE_INFLUX_URL: '',
  COLDTRACE_INFLUX_TOKEN: '',
  COLDTRACE_INFLUX_ORG: '',
  COLDTRACE_INFLUX_BUCKET: '',
  COLDTRACE_INFLUX_DB: '',
  COLDTRACE_INFLUX_RP: '',
  COLDTRACE_INFLUX_USERNAME: '',
  COLDTRACE_INFLUX_PASSWORD: '',
  COLDTRACE_FORWARD_BATCH_READINGS: '5000',
  COLDTRACE_FORWARD_CONCURRENCY: '4',
  COLDTRACE_RETENTION_RAW_DAYS: '0',
  COLDTRACE_RETENTION_ROLLUP_DAYS: '0',
  COLDTRACE_LOG_LEVEL: 'info',
  /** 'off' only to measure what custody resolution costs (npm run bench): no reading is then counted linked or unlinked. */
  COLDTRACE_CUSTODY: 'on',
  /** 'off' only to measure what the rules cost: no flag is raised from readings (registry changes still judge). */
  COLDTRACE_RULES: 'on',
  /** Flag events to the order hub: comma-separated `name=url` webhook targets ('' = none). */
  COLDTRACE_WEBHOOKS: '',
  /** HMAC-SHA256 key the webhook bodies are signed with (required with webhooks). */
  COLDTRACE_WEBHOOK_SECRET: '',
  /** Self-service link of customer notices, with {order} and {flag} ('' = none). */
  COLDTRACE_NOTICE_LINK_TEMPLATE: '',
  /** Flags as alerts: comma-separated Alertmanager base URLs, each sent every alert ('' = off). */
  COLDTRACE_ALERTMANAGER_URLS: '',
  /** Firing alerts are sent again from the flag store every this, ms (well under Alertmanager's resolve_timeout). */
  COLDTRACE_ALERTMANAGER_RESEND_MS: '60000',
  /** The gateway's address as people reach it, for links in alerts ('' = no links). */
  COLDTRACE_PUBLIC_URL: '',
  /** Notification policy file, JSON or YAML: channels, recipients, schedules, policies, windows ('' = nobody is notified). */
  COLDTRACE_NOTIFY_CONFIG: '',
  /** Claims profile file, JSON or YAML: the corroboration rules' windows per carrier and lane ('' = the defaults). */
  COLDTRACE_CLAIMS_CONFIG: '',
  /** HMAC key of the acknowledgement links, at least 32 characters ('' = generated once and kept in notify.db). */
  COLDTRACE_NOTIFY_SECRET: '',
  /** 'off' only to measure what chaining costs: readings, flags and custody records are then not chained. */
  COLDTRACE_INTEGRITY_CHAIN: 'on',
  /** A signed checkpoint of the chains' heads every this many minutes, when they moved (0: none on a timer). */
  COLDTRACE_CHECKPOINT_INTERVAL_MIN: '15',
  /** The Ed25519 signing key's PEM file ('' = <data dir>/integrity/signing-key.pem, generated with mode 0600). */
  COLDTRACE_SIGNING_KEY: '',
  /** CAP 1.2 alert documents to poll: comma-separated http(s) URLs, each serving one alert ('' = none: POST /api/v1/alerts only). */
  COLDTRACE_CAP_URLS: '',
  /** Each CAP URL is fetched every this many seconds. */
  COLDTRACE_CAP_POLL_S: '300',
  /** Calibration reminders: comma-separated days before a certificate's due date, each its own flag (docs/calibration.md). */
  COLDTRACE_CALIBRATION_REMIND_DAYS: '30,7',
} as const;

export type LoadResult = { readonly ok: true; readonly config: GatewayConfig } | { readonly ok: false; readonly problems: string[] };

/** `hostname` names this replica in the default MQTT client id (stable across restarts, distinct between hosts). */
export function loadGatewayConfig(env: Env, hostname = 'local'): LoadResult {
  const problems: string[] = [];
  for (const key of Object.keys(env)) {
    if (key.startsWith('COLDTRACE_') && !Object.hasOwn(GATEWAY_ENV_KEYS, key)) problems.push(`${key}: unknown setting`);
  }
  const get = (k: keyof typeof GATEWAY_ENV_KEYS): string => {
    const v = env[k];
    return v === undefined || v === '' ? GATEWAY_ENV_KEYS[k] : v;
  };
  const opt = (k: keyof typeof GATEWAY_ENV_KEYS): string | undefined => (get(k) === '' ? undefined : get(k));
  const required = (k: keyof typeof GATEWAY_ENV_KEYS, why: string): string => {
    const v = get(k);
    if (v === '') problems.push(`${k}: required ${why}`);
    return v;
  };
  const port = (k: keyof typeof GATEWAY_ENV_KEYS): number => {
    const v = get(k);
    const n = Number(v);
    if (!/^\d+$/.test(v) || n > 65535) problems.push(`${k}: expected a port number 0-65535, got '${v}'`);
    return n;
  };
  const int = (k: keyof typeof GATEWAY_ENV_KEYS, min: number, max: number): number => {
    const v = get(k);
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) problems.push(`${k}: expected a whole number ${min}-${max}, got '${v}'`);
    return n;
  };
  const oneOf = <T extends string>(k: keyof typeof GATEWAY_ENV_KEYS, allowed: readonly T[]): T => {
    const v = get(k);
    if (!(allowed as readonly string[]).includes(v)) problems.push(`${k}: expected one of ${allowed.join(', ')}, got '${v}'`);
    return v as T;
  };
  const url = (k: keyof typeof GATEWAY_ENV_KEYS, why: string, schemes: readonly string[]): string => {
    const v = required(k, why);
    if (v !== '') {
      try {
        const u = new URL(v);
        if (!schemes.includes(u.protocol)) problems.push(`${k}: expected a ${schemes.join(' or ')} URL, got '${v}'`);
      } catch {
        problems.push(`${k}: not a URL: '${v}'`);
      }
    }
    return v;
  };

  const http = { host: get('COLDTRACE_HTTP_HOST'), port: port('COLDTRACE_HTTP_PORT'), requestTimeoutMs: int('COLDTRACE_HTTP_REQUEST_TIMEOUT_MS', 1000, 3_600_000) };
  const mode = oneOf('COLDTRACE_MQTT_MODE', ['embedded', 'external'] as const);
  const mqtt: MqttConfig = mode === 'embedded'
    ? { mode, host: get('COLDTRACE_MQTT_HOST'), port: port('COLDTRACE_MQTT_PORT'), auth: oneOf('COLDTRACE_MQTT_AUTH', ['credentials', 'open'] as const) }
    : {
        mode, url: url('COLDTRACE_MQTT_URL', 'when COLDTRACE_MQTT_MODE=external', ['mqtt:', 'mqtts:', 'tcp:', 'tls:']),
        shareGroup: get('COLDTRACE_MQTT_SHARE_GROUP'), connections: int('COLDTRACE_MQTT_CONNECTIONS', 1, 64),
        receiveMaximum: int('COLDTRACE_MQTT_RECEIVE_MAXIMUM', 1, 65_535), connectWaitMs: int('COLDTRACE_MQTT_CONNECT_WAIT_S', 0, 3600) * 1000,
        clientId: opt('COLDTRACE_MQTT_CLIENT_ID') ?? `coldtrace-gw-${hostname}`,
        ...optional('username', opt('COLDTRACE_MQTT_USERNAME')), ...optional('password', opt('COLDTRACE_MQTT_PASSWORD')),
      };
  const storeKind = oneOf('COLDTRACE_STORE', ['sqlite', 'influx-v2', 'influx-v1', 'victoria-metrics'] as const);
  let store: StoreConfig;
  switch (storeKind) {
    case 'influx-v2':
      store = {
        kind: storeKind, url: url('COLDTRACE_INFLUX_URL', 'for an InfluxDB store', ['http:', 'https:']),
        token: required('COLDTRACE_INFLUX_TOKEN', 'for COLDTRACE_STORE=influx-v2'), org: required('COLDTRACE_INFLUX_ORG', 'for COLDTRACE_STORE=influx-v2'),
        bucket: required('COLDTRACE_INFLUX_BUCKET', 'for COLDTRACE_STORE=influx-v2'),
      };
      break;
    case 'influx-v1':
      store = {
        kind: storeKind, url: url('COLDTRACE_INFLUX_URL', 'for an InfluxDB store', ['http:', 'https:']),
        db: required('COLDTRACE_INFLUX_DB', 'for COLDTRACE_STORE=influx-v1'), ...optional('rp', opt('COLDTRACE_INFLUX_RP')),
        ...optional('username', opt('COLDTRACE_INFLUX_USERNAME')), ...optional('password', opt('COLDTRACE_INFLUX_PASSWORD')),
      };
      break;
    case 'victoria-metrics':
      store = { kind: storeKind, url: url('COLDTRACE_INFLUX_URL', 'for a VictoriaMetrics store', ['http:', 'https:']) };
      break;
    default:
      store = { kind: 'sqlite' };
  }
  const config: GatewayConfig = {
    http, mqtt, store, dataDir: get('COLDTRACE_DATA_DIR'), tls: tlsConfig(get, port, problems), mqttLimits: limitsConfig(int),
    ...mosquittoFiles(opt('COLDTRACE_MOSQUITTO_PASSWORD_FILE'), opt('COLDTRACE_MOSQUITTO_ACL_FILE'), opt('COLDTRACE_MOSQUITTO_PID_FILE'), problems),
    httpAccess: httpAccessConfig(oneOf('COLDTRACE_HTTP_AUTH', ['keys', 'off'] as const), get('COLDTRACE_ADMIN_KEY'), get('COLDTRACE_HTTP_CORS_ORIGINS'), problems),
    durability: oneOf('COLDTRACE_DURABILITY', ['full', 'normal'] as const),
    commitIntervalMs: opt('COLDTRACE_COMMIT_INTERVAL_MS') === undefined ? DEFAULT_COMMIT_INTERVAL_MS[mode] : int('COLDTRACE_COMMIT_INTERVAL_MS', 0, 1000),
    forward: { batchReadings: int('COLDTRACE_FORWARD_BATCH_READINGS', 1, 1_000_000), concurrency: int('COLDTRACE_FORWARD_CONCURRENCY', 1, 64) },
    retentionRawDays: int('COLDTRACE_RETENTION_RAW_DAYS', 0, 36_500),
    retentionRollupDays: int('COLDTRACE_RETENTION_ROLLUP_DAYS', 0, 36_500),
    custody: oneOf('COLDTRACE_CUSTODY', ['on', 'off'] as const) === 'on',
    rules: oneOf('COLDTRACE_RULES', ['on', 'off'] as const) === 'on',
    events: eventsConfig(get('COLDTRACE_WEBHOOKS'), get('COLDTRACE_WEBHOOK_SECRET'), get('COLDTRACE_NOTICE_LINK_TEMPLATE'), problems),
    alertmanager: {
      urls: httpUrls('COLDTRACE_ALERTMANAGER_URLS', get('COLDTRACE_ALERTMANAGER_URLS'), problems),
      resendMs: int('COLDTRACE_ALERTMANAGER_RESEND_MS', 1000, 3_600_000),
      ...optional('publicUrl', publicUrl(get('COLDTRACE_PUBLIC_URL'), problems)),
    },
    ...notifyConfig(get('COLDTRACE_NOTIFY_CONFIG'), get('COLDTRACE_NOTIFY_SECRET'), problems),
    ...claimsConfig(get('COLDTRACE_CLAIMS_CONFIG'), problems),
    logLevel: oneOf('COLDTRACE_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    integrity: {
      chain: oneOf('COLDTRACE_INTEGRITY_CHAIN', ['on', 'off'] as const) === 'on',
      checkpointIntervalMs: int('COLDTRACE_CHECKPOINT_INTERVAL_MIN', 0, 10_080) * 60_000,
      ...optional('signingKey', opt('COLDTRACE_SIGNING_KEY')),
    },
    capAlerts: { urls: httpUrls('COLDTRACE_CAP_URLS', get('COLDTRACE_CAP_URLS'), problems), pollMs: int('COLDTRACE_CAP_POLL_S', 10, 86_400) * 1000 },
    photoStore: photoStoreConfig(get, (k) => (env[k] ?? '') !== '', problems),
    photoLimits: photoLimitsConfig(int),
    calibration: { remindDays: remindDays(get('COLDTRACE_CALIBRATION_REMIND_DAYS'), problems) },
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}
