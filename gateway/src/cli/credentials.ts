#!/usr/bin/env node
/**
 * coldtrace-credentials: MQTT credentials of edge nodes and event readers, through a running gateway's API
 * (docs/security.md, "Device identity"). A secret is shown once, when it is issued: written here into a file per
 * node (mode 0600) that an edge agent's `mqtt.passwordFile` reads, never printed unless asked.
 *
 *   coldtrace-credentials issue SITE/NODE... --out-dir DIR   issue (or rotate) nodes' credentials, all or none
 *   coldtrace-credentials issue-reader NAME [--print]        an event reader's (an order hub's); --print to stdout
 *   coldtrace-credentials revoke SITE/NODE... | revoke-reader NAME   the connection is closed at once
 *   coldtrace-credentials list                               every credential, never a secret
 *
 * Options: --url (default $COLDTRACE_GATEWAY_URL or http://127.0.0.1:8080), --key (an admin API key, default
 * $COLDTRACE_API_KEY). Exit 1 when the gateway refuses, with its answer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { authHeader, KEY_OPTION } from './auth-header.js';

const USAGE = 'usage: coldtrace-credentials issue SITE/NODE... --out-dir DIR | issue-reader NAME [--print] | revoke SITE/NODE... | revoke-reader NAME | list   [--url URL] [--key KEY]';

interface Issued { username: string; password: string; clientId: string; generation: number }

async function call(url: string, key: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method, headers: { ...authHeader(key), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

function node(arg: string): { site: string; node: string } {
  const [site, n, ...rest] = arg.split('/');
  if (site === undefined || n === undefined || rest.length > 0 || site === '' || n === '') throw new Error(`'${arg}' is not SITE/NODE`);
  return { site, node: n };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: process.env.COLDTRACE_GATEWAY_URL ?? 'http://127.0.0.1:8080' }, ...KEY_OPTION,
      'out-dir': { type: 'string' }, print: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help === true || command === undefined) {
    console.log(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  const url = values.url.replace(/\/$/, '');
  const key = values.key;
  switch (command) {
    case 'issue': {
      const dir = values['out-dir'];
      if (dir === undefined || args.length === 0) throw new Error('issue needs SITE/NODE... and --out-dir DIR (where each secret is written)');
      const { credentials } = (await call(url, key, 'POST', '/credentials/nodes', { nodes: args.map(node) })) as { credentials: Issued[] };
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      for (const c of credentials) {
        const file = join(dir, c.username.replace('/', '_'));
        writeFileSync(file, `${c.password}\n`, { mode: 0o600 });
        console.log(`${c.username}\tclient id ${c.clientId}\tgeneration ${c.generation}\tpassword in ${file}`);
      }
      return 0;
    }
    case 'issue-reader': {
      const [name] = args;
      const dir = values['out-dir'];
      // Checked before issuing: a secret issued and shown nowhere would be lost (and the old one revoked).
      if (name === undefined || (dir === undefined && !values.print)) throw new Error('issue-reader needs NAME and --out-dir DIR or --print');
      const c = (await call(url, key, 'POST', `/credentials/readers/${encodeURIComponent(name)}`)) as Issued;
      console.log(`${c.username}\tclient id ${c.clientId}\tgeneration ${c.generation}`);
      if (dir !== undefined) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        writeFileSync(join(dir, `reader_${name}`), `${c.password}\n`, { mode: 0o600 });
      }
      if (values.print) console.log(c.password);
      return 0;
    }
    case 'revoke':
      for (const a of args) {
        const n = node(a);
        await call(url, key, 'DELETE', `/credentials/nodes/${encodeURIComponent(n.site)}/${encodeURIComponent(n.node)}`);
        console.log(`${a}\trevoked`);
      }
      return 0;
    case 'revoke-reader':
      for (const name of args) {
        await call(url, key, 'DELETE', `/credentials/readers/${encodeURIComponent(name)}`);
        console.log(`_events/${name}\trevoked`);
      }
      return 0;
    case 'list': {
      const { credentials } = (await call(url, key, 'GET', '/credentials')) as { credentials: { username: string; clientId: string; generation: number; issuedAt: string; revokedAt?: string }[] };
      for (const c of credentials) console.log(`${c.username}\t${c.clientId}\tgeneration ${c.generation}\tissued ${c.issuedAt}${c.revokedAt !== undefined ? `\trevoked ${c.revokedAt}` : ''}`);
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`coldtrace-credentials: ${(e as Error).message}`);
  process.exit(1);
});
