#!/usr/bin/env node
/**
 * coldtrace-verify-export: checks an evidence export (CSV, JSON or PDF) against its Ed25519 signature offline, with
 * the gateway's public key and nothing else (docs/evidence.md "Signatures"). Exit status 0: the signature is good;
 * 1: it is not (the file was edited, or signed by another key); 2: a usage or file error.
 *
 *   coldtrace-verify-export FILE SIGNATURE PUBLIC-KEY.pem
 *
 * SIGNATURE: the `.sig` file served beside the export (or the X-Coldtrace-Signature header's value itself).
 * What is signed: "coldtrace/export/v1\nsha256:<hex of the file's SHA-256>\n" (domain/integrity/export-signature.ts).
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { exportStatement } from '../domain/integrity/export-signature.js';

const USAGE = 'usage: coldtrace-verify-export FILE SIGNATURE PUBLIC-KEY.pem';

async function sha256Of(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function main(args: readonly string[]): Promise<number> {
  const [file, signature, keyFile] = args;
  if (file === undefined || signature === undefined || keyFile === undefined || args.length !== 3) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  for (const f of [file, keyFile]) {
    if (!existsSync(f)) {
      process.stderr.write(`${f}: no such file\n${USAGE}\n`);
      return 2;
    }
  }
  const sig = Buffer.from((existsSync(signature) ? readFileSync(signature, 'utf8') : signature).trim(), 'base64');
  const key = createPublicKey(readFileSync(keyFile));
  if (key.asymmetricKeyType !== 'ed25519') {
    process.stderr.write(`${keyFile}: an ${key.asymmetricKeyType ?? 'unknown'} key, expected Ed25519\n`);
    return 2;
  }
  const sha256 = await sha256Of(file);
  if (verify(null, exportStatement(sha256), key, sig)) {
    process.stdout.write(`OK: ${file} (SHA-256 ${sha256}) is signed by this key\n`);
    return 0;
  }
  process.stdout.write(`FAILED: the signature does not match ${file} (SHA-256 ${sha256}): the file was changed, or another key signed it\n`);
  return 1;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`coldtrace-verify-export: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
