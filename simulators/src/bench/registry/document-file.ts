/**
 * The generated registry as document files, and the HTTP the bench speaks to the gateway. A document is written
 * entity by entity (the full registry is close to V8's longest string, so it is never one string in this process);
 * above `maxPartBytes` it is split into several documents in dependency order, each a valid import of its own.
 * Requests use node:http without timeouts: undici's fetch gives up on a response after 300 s.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KINDS, type Kind, type RegistryEntities } from './generate.js';

/**
 * Longest part, bytes. Fastify reads a JSON body into one string, and V8's longest string is 2^29 - 24 characters
 * (512 MiB of ASCII): a document beyond it cannot be sent in one request, whatever the gateway's body limit.
 */
export const DEFAULT_MAX_PART_BYTES = 2 ** 29 - 2 ** 20;

export interface DocumentPart {
  readonly path: string;
  readonly bytes: number;
  readonly counts: Partial<Record<Kind, number>>;
}

/** Writes `entities` as documents `<stem>-1.json` ..., one unless the registry is larger than maxPartBytes. */
export function writeDocumentParts(entities: RegistryEntities, dir: string, stem: string, maxPartBytes = DEFAULT_MAX_PART_BYTES): DocumentPart[] {
  const parts: DocumentPart[] = [];
  let fd: number | undefined;
  let path = '';
  let bytes = 0;
  let buffer: string[] = [];
  let buffered = 0;
  let counts: Partial<Record<Kind, number>> = {};
  let kindOpen: Kind | undefined;
  const flush = (): void => {
    if (buffer.length > 0) writeSync(fd!, buffer.join(''));
    buffer = [];
    buffered = 0;
  };
  const emit = (s: string): void => {
    buffer.push(s);
    buffered += s.length;
    bytes += Buffer.byteLength(s);
    if (buffered > 8 * 2 ** 20) flush();
  };
  const open = (): void => {
    path = join(dir, `${stem}-${parts.length + 1}.json`);
    fd = openSync(path, 'w');
    bytes = 0;
    counts = {};
    kindOpen = undefined;
    emit('{"format":"coldtrace-registry/1"');
  };
  const close = (): void => {
    emit(kindOpen !== undefined ? ']}\n' : '}\n');
    flush();
    closeSync(fd!);
    parts.push({ path, bytes, counts });
  };
  open();
  for (const kind of KINDS) {
    for (const entity of entities[kind]) {
      const json = JSON.stringify(entity);
      if (bytes + json.length + kind.length + 16 > maxPartBytes && Object.keys(counts).length > 0) {
        close();
        open();
      }
      if (kindOpen !== kind) {
        emit(`${kindOpen !== undefined ? '],' : ','}"${kind}":[`);
        kindOpen = kind;
        emit(json);
      } else emit(`,${json}`);
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  }
  close();
  return parts;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  /** Request sent to response read, ms. */
  readonly ms: number;
  readonly bytes: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request; the answer's JSON (or its text when it is not JSON). */
export function http(method: 'GET' | 'PUT', url: string, body?: Buffer): Promise<HttpAnswer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'x-coldtrace-actor': 'bench', 'x-coldtrace-source': 'bench' };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': body.length });
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = raw.toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text (an error page, a proxy's answer)
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - t0, bytes: raw.length });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The keep-alive connections of http(): closed at the end so the process can exit. */
export function closeHttp(): void {
  agent.destroy();
}
