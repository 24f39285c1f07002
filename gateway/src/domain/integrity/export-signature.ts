/**
 * What an evidence export's signature signs (docs/evidence.md "Signatures"): a short statement naming the file's
 * SHA-256, so a file streamed in pages is signed once its digest is known, and anyone can check it offline with the
 * file, the signature and the public key (coldtrace-verify-export).
 */
import { utf8Bytes } from './hash.js';

/** The signed bytes for a file whose SHA-256 is `sha256Hex`. */
export function exportStatement(sha256Hex: string): Uint8Array {
  return utf8Bytes(`coldtrace/export/v1\nsha256:${sha256Hex.toLowerCase()}\n`);
}
