#!/usr/bin/env node
/**
 * coldtrace-carrier-events: a backfill of carrier tracking events from JSON lines, through a running gateway's API
 * (POST /api/v1/carrier-events, docs/claims.md). Each line is one event as in a batch's `events`, with its own
 * `carrier` and `trackingNumber` unless --carrier/--tracking-number give them; events are stored once each, so a
 * file imported twice, or after the live feed, changes nothing.
 *
 *   coldtrace-carrier-events import FILE.jsonl...   [--url URL] [--key KEY] [--batch N] [--carrier C] [--vocabulary V]
 *
 * --key: an API key of the integration or admin role (default $COLDTRACE_API_KEY).
 *
 * Lines that are not JSON, or events the gateway refuses, are printed as `FILE:LINE: path: message` and skipped; the
 * rest are stored. Exit 0 when every line was stored (new or duplicate), 1 when some were refused, 2 on bad usage.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { KEY_OPTION, authHeader } from './auth-header.js';

const USAGE = 'usage: coldtrace-carrier-events import FILE.jsonl... [--url URL] [--key KEY] [--batch N] [--carrier C] [--tracking-number N] [--vocabulary V]';

interface Problem { path: string; message: string }
interface Answer { new?: number; duplicates?: number; events?: { milestone: string; shipments: string[] }[]; problems?: Problem[]; message?: string }

interface Tally { lines: number; new: number; duplicates: number; refused: number; unmatched: number; unknownCodes: number }

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: process.env.COLDTRACE_GATEWAY_URL ?? 'http://127.0.0.1:8080' },
      batch: { type: 'string', default: '1000' }, carrier: { type: 'string' }, 'tracking-number': { type: 'string' },
      vocabulary: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...KEY_OPTION,
    },
  });
  const [command, ...files] = positionals;
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const size = Number(values.batch);
  if (command !== 'import' || files.length === 0 || !Number.isInteger(size) || size < 1 || size > 10_000) return fail(USAGE);
  const defaults = {
    ...(values.carrier !== undefined ? { carrier: values.carrier } : {}), ...(values['tracking-number'] !== undefined ? { trackingNumber: values['tracking-number'] } : {}),
    ...(values.vocabulary !== undefined ? { vocabulary: values.vocabulary } : {}),
  };
  const url = `${values.url.replace(/\/$/, '')}/api/v1/carrier-events`;
  const target = { url, key: values.key };
  let refused = 0;
  for (const file of files) {
    const t: Tally = { lines: 0, new: 0, duplicates: 0, refused: 0, unmatched: 0, unknownCodes: 0 };
    let batch: { line: number; event: unknown }[] = [];
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let n = 0;
    for await (const text of lines) {
      n++;
      if (text.trim() === '') continue;
      t.lines++;
      try {
        batch.push({ line: n, event: JSON.parse(text) as unknown });
      } catch {
        console.error(`${file}:${n}: not JSON`);
        t.refused++;
      }
      if (batch.length === size) {
        await send(target, file, defaults, batch, t);
        batch = [];
      }
    }
    if (batch.length > 0) await send(target, file, defaults, batch, t);
    console.log(`${file}: ${t.lines} events: ${t.new} new, ${t.duplicates} duplicates, ${t.refused} refused; ${t.unmatched} on no registered shipment (kept), ${t.unknownCodes} with a code their vocabulary does not know (kept)`);
    refused += t.refused;
  }
  return refused > 0 ? 1 : 0;
}

/** Posts a batch; when the gateway refuses some of its events, reports those and posts the rest again. */
async function send(target: { url: string; key: string }, file: string, defaults: object, batch: readonly { line: number; event: unknown }[], t: Tally): Promise<void> {
  const res = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeader(target.key) }, body: JSON.stringify({ ...defaults, events: batch.map((b) => b.event) }) });
  const answer = await res.json() as Answer;
  if (res.ok) {
    t.new += answer.new ?? 0;
    t.duplicates += answer.duplicates ?? 0;
    for (const e of answer.events ?? []) {
      if (e.shipments.length === 0) t.unmatched++;
      if (e.milestone === 'unknown') t.unknownCodes++;
    }
    return;
  }
  const bad = new Set<number>();
  for (const p of answer.problems ?? []) {
    const m = /^events\[(\d+)\](.*)$/.exec(p.path);
    const at = m !== null ? batch[Number(m[1])] : undefined;
    if (m === null || at === undefined) throw new Error(`${file}: refused (${res.status}): ${answer.message ?? JSON.stringify(answer)}`);
    bad.add(Number(m[1]));
    console.error(`${file}:${at.line}: ${m[2]!.replace(/^\./, '') || 'event'}: ${p.message}`);
  }
  if (bad.size === 0) throw new Error(`${file}: refused (${res.status}): ${answer.message ?? JSON.stringify(answer)}`);
  t.refused += bad.size;
  const rest = batch.filter((_b, i) => !bad.has(i));
  if (rest.length > 0) await send(target, file, defaults, rest, t);
}

function fail(message: string): number {
  console.error(message);
  return 2;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`coldtrace-carrier-events: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
