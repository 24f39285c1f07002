#!/usr/bin/env node
/**
 * coldtrace-registry: the registry to and from files, through a running gateway's API (the gateway stays the one
 * writer; every import is one transaction there).
 *
 *   coldtrace-registry import FILE...        a registry document (.json) or one kind as CSV (KIND.csv, e.g. zones.csv)
 *   coldtrace-registry export [--csv KIND]   the whole registry as JSON, or one kind as CSV, to stdout or --out FILE
 *
 * Options: --url (default $COLDTRACE_GATEWAY_URL or http://127.0.0.1:8080), --key (an API key, default $COLDTRACE_API_KEY;
 * admin to import), --actor (default $USER), --source (default 'cli'), --out FILE. Refused imports print every problem as `path: message` and exit 1; nothing is written.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { ENTITY_KINDS, type EntityKind } from '../domain/registry/types.js';
import { KEY_OPTION, authHeader } from './auth-header.js';

const USAGE = 'usage: coldtrace-registry import FILE... | export [--csv KIND] [--out FILE]   [--url URL] [--key KEY] [--actor NAME] [--source NAME]';

interface Problem { path: string; message: string }

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: process.env.COLDTRACE_GATEWAY_URL ?? 'http://127.0.0.1:8080' },
      actor: { type: 'string', default: process.env.USER ?? 'cli' }, source: { type: 'string', default: 'cli' },
      csv: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...KEY_OPTION,
    },
  });
  const [command, ...files] = positionals;
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const api = `${values.url.replace(/\/$/, '')}/api/v1/registry`;
  const headers = { 'x-coldtrace-actor': values.actor, 'x-coldtrace-source': values.source, ...authHeader(values.key) };
  if (command === 'export') {
    const kind = values.csv;
    if (kind !== undefined && !isKind(kind)) return fail(`--csv: '${kind}' is not one of ${ENTITY_KINDS.join(', ')}`);
    const res = await fetch(kind === undefined ? api : `${api}/csv/${kind}`, { headers });
    if (!res.ok || res.body === null) return fail(`${res.status} ${await res.text()}`);
    // Streamed to the file as it comes: a large registry is more text than one string holds.
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), values.out !== undefined ? createWriteStream(values.out) : process.stdout);
    return 0;
  }
  if (command !== 'import' || files.length === 0) return fail(USAGE);
  for (const file of files) {
    const name = basename(file).toLowerCase();
    const csvKind = name.endsWith('.csv') ? name.slice(0, -4) : undefined;
    if (csvKind !== undefined && !isKind(csvKind)) return fail(`${file}: a CSV file is named after its kind (${ENTITY_KINDS.map((k) => `${k}.csv`).join(', ')})`);
    // Streamed from the file: a large registry is more than one buffer should hold twice.
    const res = await fetch(csvKind === undefined ? api : `${api}/csv/${csvKind}`, {
      method: 'PUT', body: Readable.toWeb(createReadStream(file)), duplex: 'half',
      headers: { ...headers, 'content-type': csvKind === undefined ? 'application/json' : 'text/csv', 'content-length': String(statSync(file).size) },
    } as RequestInit & { duplex: 'half' });
    const answer = await res.json() as { applied?: Record<string, Record<string, number>>; problems?: Problem[]; message?: string };
    if (!res.ok) {
      console.error(`${file}: refused, nothing written (${answer.message ?? res.status})`);
      for (const p of answer.problems ?? []) console.error(`  ${p.path}: ${p.message}`);
      return 1;
    }
    const summary = Object.entries(answer.applied ?? {}).map(([k, c]) => `${k} +${c.created ?? 0} ~${c.updated ?? 0} =${c.unchanged ?? 0}`).join(', ');
    console.log(`${file}: applied (${summary}; + created, ~ updated, = unchanged)`);
  }
  return 0;
}

function isKind(k: string): k is EntityKind {
  return (ENTITY_KINDS as readonly string[]).includes(k);
}

function fail(message: string): number {
  console.error(message);
  return 2;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`coldtrace-registry: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
